#!/usr/bin/env bash
# Versions end to end on a real `bascule serve --demo`: `bascule release commits` reads the
# project's own git history into a release (again: nothing added twice); a small repository made
# here holds the messy cases (a commit that is not a conventional one, a message that is not
# UTF-8, a merge, a revert); the notes draft, publishing refused until the unclassified commits are
# sorted, then published in French; a path that is not a repository and an unknown ref are refused
# with one line; a range of 100,000 commits is sent in batches with a progress line; a release
# planned before the one it requires is flagged, and a cycle is refused and named; a release is
# promoted through recette and preproduction in turn under the promotion rule, and mirrors are checked.
# Usage: scripts/versions-e2e.sh [path/to/bascule]
set -euo pipefail

bascule=$(realpath "${1:-.build/debug/bascule}")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=$(mktemp -d /tmp/bascule-versions.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
source "$here/lib.sh"
fail() { echo "versions e2e: FAILED: $*" >&2; [ -n "${SERVER_LOG:-}" ] && tail -30 "$SERVER_LOG" >&2; exit 1; }
check() { echo "versions e2e: ok - $*"; }
command -v git >/dev/null || fail "git is missing (Debian: apt-get install git)"

start_demo_server "$bascule" "$work" || fail "the server did not start"
pids+=("$SERVER_PID")
export BASCULE_SERVER=$SERVER_URL XDG_CONFIG_HOME="$work/config"
echo "manager-bascule-demo" | "$bascule" login --username manager --password-stdin >/dev/null || fail "login"
new_release() { "$bascule" release create --title "$1" --release-version "$2" ${3:+--start "$3" --end "$4"} | grep -o 'REL-[0-9]*' | head -1; }

# --- the project's own history
own=$(new_release "Bascule itself" 0.2.0)
expected=$(git -C "$root" rev-list --count HEAD)
"$bascule" release commits "$own" --repo "$root" >"$work/own.txt" 2>&1 || fail "importing the project's history: $(cat "$work/own.txt")"
grep -q "$own: $expected commits added (0 already known), $expected in all" "$work/own.txt" || fail "not every commit of the history: $(cat "$work/own.txt")"
"$bascule" release commits "$own" --repo "$root" >"$work/again.txt" || fail "importing again"
grep -q "0 commits added ($expected already known)" "$work/again.txt" || fail "a second import added commits: $(cat "$work/again.txt")"
"$bascule" release notes "$own" >"$work/own-notes.md" || fail "notes of the history"
grep -q "^# Release notes — Bascule itself 0.2.0" "$work/own-notes.md" || fail "the draft has no title: $(head -3 "$work/own-notes.md")"
check "the project's own history ($expected commits) imported once, whatever the number of imports, and drafted"

# --- a repository with the messy cases
repo="$work/repo"
git init -q -b main "$repo"
commit() { git -C "$repo" -c user.name="Ana Lima" -c user.email=ana@example.com commit -q --allow-empty "$@"; }
commit -m "chore: start"
git -C "$repo" tag v1.0.0
commit -m "feat(export): invoices as CSV" -m "Refs: CHG-1"
commit -m "Fix typo in the footer"
# An old Latin-1 commit that says so (git converts it), and one whose bytes lie (kept, replaced, said).
printf 'docs: caf\xe9 cr\xe8me\n' >"$work/latin1.txt"
git -C "$repo" -c i18n.commitEncoding=ISO-8859-1 -c user.name="Ana Lima" -c user.email=ana@example.com commit -q --allow-empty -F "$work/latin1.txt"
printf 'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent %s\nauthor Ana <ana@example.com> 1700000000 +0000\ncommitter Ana <ana@example.com> 1700000000 +0000\n\nfix: caf\xe9 au lait\n' \
  "$(git -C "$repo" rev-parse HEAD)" >"$work/raw-commit"
git -C "$repo" update-ref HEAD "$(git -C "$repo" hash-object -t commit -w --literally "$work/raw-commit")"
commit -m "feat: a flag nobody wanted"
flag=$(git -C "$repo" rev-parse HEAD)
commit -m "Revert \"feat: a flag nobody wanted\"" -m "This reverts commit $flag."
git -C "$repo" checkout -q -b side
commit -m "fix(db): close the pool" -m "BREAKING CHANGE: the pool size is now required"
git -C "$repo" checkout -q main
git -C "$repo" -c user.name=Bo -c user.email=bo@example.com merge -q --no-ff --no-edit side
billing=$(new_release "Billing" 1.1.0)
"$bascule" release commits "$billing" --repo "$repo" --from v1.0.0 --to main >"$work/billing.txt" || fail "import: $(cat "$work/billing.txt")"
grep -q "8 commits added" "$work/billing.txt" && grep -q "1 messages were not UTF-8" "$work/billing.txt" \
  || fail "the small repository's import: $(cat "$work/billing.txt")"
"$bascule" release commits "$billing" >"$work/kinds.txt"
for expect in "feature .*invoices" "unclassified .*Fix typo" "fix .*fix: caf" "other .*docs: café crème" "reverted .*feat: a flag" "reverted .*Revert" "breaking .*fix\(db\)" "merge .*Merge branch"; do
  grep -Eq "$expect" "$work/kinds.txt" || fail "no '$expect' in: $(cat "$work/kinds.txt")"
done
check "a messy repository: each commit kept and classified (unclassified, not UTF-8, revert pair, breaking footer, merge)"

"$bascule" release notes "$billing" >"$work/draft.md"
grep -q "the commits call for 2.0.0\|version 1.1.0" "$work/draft.md" || fail "no version line: $(tail -3 "$work/draft.md")"
grep -q "1 commits are not sorted yet" "$work/draft.md" || fail "the unclassified commit is not said: $(tail -3 "$work/draft.md")"
if "$bascule" release notes "$billing" --publish >"$work/refused.txt" 2>&1; then fail "notes published with an unclassified commit"; fi
grep -q "422 .*1 commits are not sorted yet" "$work/refused.txt" || fail "the refusal does not say why: $(cat "$work/refused.txt")"
"$bascule" release sort "$billing" --unclassified fix >/dev/null || fail "sorting"
"$bascule" release notes "$billing" --publish --lang fr --commit-link "https://git.example.com/billing/commit/{hash}" >"$work/published.txt" \
  || fail "publishing: $(cat "$work/published.txt")"
grep -q "release notes version 1 published" "$work/published.txt" || fail "not published: $(cat "$work/published.txt")"
check "publishing refused until the unclassified commit is sorted, then published in French with links to the commits"

# --- bad input
if "$bascule" release commits "$billing" --repo "$work" >"$work/bad.txt" 2>&1; then fail "a folder that is not a repository was read"; fi
grep -q "is not a git repository" "$work/bad.txt" || fail "the message: $(cat "$work/bad.txt")"
if "$bascule" release commits "$billing" --repo "$repo" --from v9.9.9 >"$work/bad.txt" 2>&1; then fail "an unknown ref was read"; fi
grep -q "unknown ref v9.9.9" "$work/bad.txt" || fail "the message does not name the ref: $(cat "$work/bad.txt")"
check "a folder that is not a repository and an unknown ref are refused with one line naming them"

# --- 100,000 commits
big="$work/big"
git init -q -b main "$big"
python3 - <<'PY' | git -C "$big" fast-import --quiet
import sys
out = sys.stdout
for i in range(1, 100_001):
    kind = ("feat", "fix", "chore", "docs")[i % 4]
    message = f"{kind}: change number {i}\n".encode()
    out.write(f"commit refs/heads/main\nmark :{i}\ncommitter Ana <ana@example.com> {1_700_000_000 + i} +0000\ndata {len(message)}\n")
    out.write(message.decode())
    if i > 1:
        out.write(f"from :{i - 1}\n")
    out.write("\n")
PY
huge=$(new_release "Monorepo" 9.0.0)
start=$(date +%s)
"$bascule" release commits "$huge" --repo "$big" >"$work/huge.txt" 2>"$work/progress.txt" || fail "100,000 commits: $(tail -3 "$work/progress.txt")"
seconds=$(( $(date +%s) - start ))
grep -q "100000 commits added" "$work/huge.txt" || fail "not all 100,000: $(cat "$work/huge.txt")"
grep -q "sent 50,000 of 100,000 commits" "$work/progress.txt" || fail "no progress line: $(head -3 "$work/progress.txt")"
check "100,000 commits sent in batches of 1,000 with a progress line, in ${seconds} s"

# --- dependencies
portal=$(new_release "Portal 3.0" 3.0.0 2027-06-01T21:00 2027-06-01T23:00)
api=$(new_release "API 2.0" 2.0.0 2027-06-02T21:00 2027-06-02T23:00)
"$bascule" release depend "$portal" --on "$api" >"$work/depend.txt" || fail "dependency: $(cat "$work/depend.txt")"
grep -q "requires *$api .*plannedBefore" "$work/depend.txt" || fail "the wrong order is not flagged: $(cat "$work/depend.txt")"
if "$bascule" release depend "$api" --on "$portal" >"$work/cycle.txt" 2>&1; then fail "a cycle was accepted"; fi
grep -q "cycle: $api → $portal → $api" "$work/cycle.txt" || fail "the cycle is not named: $(cat "$work/cycle.txt")"
"$bascule" release depend "$api" >"$work/needed.txt"
grep -q "needed by *$portal" "$work/needed.txt" || fail "the required release does not show who needs it: $(cat "$work/needed.txt")"
check "a release planned before the one it requires is flagged, both see it, a cycle is refused and named"

# --- promotion through environments
"$bascule" environment list >"$work/envs.txt"
grep -Eq "recette +test .* preproduction" "$work/envs.txt" || fail "the demo's recette does not mirror preproduction: $(cat "$work/envs.txt")"
"$bascule" policy show | sed 1d >"$work/policy.yaml"
printf '  - id: in-turn\n    kind: promotion\n' >>"$work/policy.yaml"
"$bascule" policy push "$work/policy.yaml" >/dev/null || fail "the promotion rule was not accepted"
payroll=$("$bascule" release create --title "Payroll 12.0.1" --release-version 12.0.1 --environment production | grep -o 'REL-[0-9]*' | head -1)
[ -n "$payroll" ] || fail "no release bound for production to promote"
"$bascule" release promote "$payroll" >"$work/path.txt" || fail "the path: $(cat "$work/path.txt")"
grep -Eq "^recette +pending" "$work/path.txt" && grep -Eq "^preproduction +pending" "$work/path.txt" && grep -Eq "^production +pending" "$work/path.txt" \
  || fail "the path is not recette, preproduction, production: $(cat "$work/path.txt")"
if "$bascule" release promote "$payroll" --to preproduction >"$work/early.txt" 2>&1; then fail "preproduction before recette was accepted"; fi
grep -q "409 .*cannot be promoted to preproduction: it is not deployed on recette yet (rule \`in-turn\`)" "$work/early.txt" \
  || fail "the refusal does not say why: $(cat "$work/early.txt")"
"$bascule" release promote "$payroll" --to recette --note "first deployment" >/dev/null || fail "recording recette"
cat >"$work/junit.xml" <<'XML'
<testsuite name="acceptance" tests="3" failures="0"><testcase name="pay slip"/><testcase name="tax"/><testcase name="leave"/></testsuite>
XML
"$bascule" test import "$payroll" "$work/junit.xml" --kind acceptance --environment recette >/dev/null || fail "tests on recette"
"$bascule" release promote "$payroll" --to preproduction >"$work/promoted.txt" 2>&1 || fail "preproduction after tested recette: $(cat "$work/promoted.txt")"
grep -Eq "^recette +passed" "$work/promoted.txt" && grep -Eq "^preproduction +untested" "$work/promoted.txt" \
  || fail "where it stands: $(cat "$work/promoted.txt")"
grep -q "production must wait: no test campaign was run on preproduction" "$work/promoted.txt" || fail "the next step's wait: $(cat "$work/promoted.txt")"
if "$bascule" environment mirror production --of recette >"$work/loop.txt" 2>&1; then fail "a loop of mirrors was accepted"; fi
grep -q "would make a loop of mirrors" "$work/loop.txt" || fail "the loop is not named: $(cat "$work/loop.txt")"
"$bascule" environment refresh preproduction >"$work/refresh.txt" || fail "refreshing: $(cat "$work/refresh.txt")"
grep -q "preproduction refreshed from production" "$work/refresh.txt" || fail "the refresh: $(cat "$work/refresh.txt")"
check "promotion in turn: refused out of turn with the rule's reason, recette deployed and tested, then preproduction; mirrors checked"
