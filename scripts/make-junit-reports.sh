#!/usr/bin/env bash
# Makes the JUnit reports of Tests/BasculeCoreTests/JUnitReports again, with the real tools.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/Tests/BasculeCoreTests/JUnitReports"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q pytest
cp "$out/test_sample.py" "$work/"
(cd "$work" && "$work/venv/bin/pytest" --junitxml="$out/pytest-junitxml.xml" test_sample.py >/dev/null || true)
mkdir -p "$work/pkg/Sources/Sample" "$work/pkg/Tests/SampleTests"
cat > "$work/pkg/Package.swift" <<'SWIFT'
// swift-tools-version: 6.0
import PackageDescription
let package = Package(name: "Sample", targets: [.target(name: "Sample"), .testTarget(name: "SampleTests", dependencies: ["Sample"])])
SWIFT
echo 'public func add(_ a: Int, _ b: Int) -> Int { a + b }' > "$work/pkg/Sources/Sample/Sample.swift"
cp "$out/SampleTests.swift.txt" "$work/pkg/Tests/SampleTests/SampleTests.swift"
(cd "$work/pkg" && swift test --parallel --xunit-output "$work/report.xml" >/dev/null 2>&1 || true)
cp "$work/report-swift-testing.xml" "$out/swift-testing-xunit.xml"
cp "$work/report.xml" "$out/xctest-xunit.xml"
echo "reports written to $out"
