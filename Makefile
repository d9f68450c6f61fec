# The everyday commands. `make help` lists them.
.PHONY: help build test test-pg e2e notifications after-release meetings versions replicas fuzz ci serve demo bench bench-webhooks bench-inventory bench-runbook bench-sse bench-run bench-pages bench-replicas bench-runs bench-backup screenshot clean

help:
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-12s %s\n", $$1, $$2}'

build: ## Build everything, tests included
	swift build --build-tests

test: ## The unit, store and API tests on SQLite (PostgreSQL tests skip themselves)
	swift test

test-pg: ## The store and API tests on a throwaway PostgreSQL as well
	@eval "$$(scripts/postgres-throwaway.sh start)"; \
	  swift test --filter 'BasculeStoreTests|BasculeServerTests'; status=$$?; \
	  scripts/postgres-throwaway.sh stop "$$PG_THROWAWAY_DIR"; exit $$status

e2e: ## Server, CLI and headless Chromium end to end
	swift build --product bascule
	scripts/e2e.sh "$$(swift build --show-bin-path)/bascule"

notifications: ## Notifications end to end: a real SMTP server, a receiver verifying Standard Webhooks signatures, SIGKILL with 1,000 deliveries pending, the status page
	swift build --product bascule
	scripts/notifications-e2e.sh "$$(swift build --show-bin-path)/bascule"

meetings: ## Meetings end to end: the demo's CAB agenda, a decision from the meeting page, action items
	swift build --product bascule
	scripts/meetings-e2e.sh "$$(swift build --show-bin-path)/bascule"

versions: ## Versions end to end: git history into a release, notes published, 100,000 commits, dependencies
	swift build --product bascule
	scripts/versions-e2e.sh "$$(swift build --show-bin-path)/bascule"

after-release: ## After the release end to end: an incident source, CSV import, reports, the evidence pack verified and tampered with
	swift build --product bascule
	scripts/after-release-e2e.sh "$$(swift build --show-bin-path)/bascule"

replicas: ## Two replicas on a throwaway PostgreSQL behind HAProxy: a live run across them, one killed, metrics, backup and restore
	swift build --product bascule
	@eval "$$(scripts/postgres-throwaway.sh start)"; \
	  scripts/replicas.sh "$$(swift build --show-bin-path)/bascule"; status=$$?; \
	  scripts/postgres-throwaway.sh stop "$$PG_THROWAWAY_DIR"; exit $$status

fuzz: ## The API against its OpenAPI document with schemathesis
	swift build --product bascule
	scripts/fuzz-api.sh "$$(swift build --show-bin-path)/bascule"

ci: ## What CI runs on a fresh clone
	bash .ci/run

serve: ## Run the server on ./bascule-data
	swift run bascule serve

demo: ## Run the server with the sample portfolio
	swift run bascule serve --demo

bench: ## HTTP throughput ratios (release build, wrk)
	Benchmarks/http/run.sh

bench-inventory: ## Impact, conflict check and calendar scan on 50,000 items, against networkx
	Benchmarks/inventory/run.sh

bench-runbook: ## Forecast of 10,000 steps, critical path of 100,000 against networkx, forecast accuracy
	Benchmarks/runbook/run.sh

bench-sse: ## One step action to 200 Server-Sent Events clients (release build)
	Benchmarks/sse/run.sh

bench-run: ## Reading and acting on runs of 1,000 to 20,000 steps through the API, against the health check
	Benchmarks/run/run.sh

bench-pages: ## The home page, the release list with risk scores, a release and the live run page, against the health check
	Benchmarks/pages/run.sh

bench-replicas: ## An action on one replica to 200 watchers on another, on PostgreSQL, against watchers on the same replica
	Benchmarks/replicas/run.sh

bench-runs: ## 1,000 runs at once, each watched and acted on every second (ENGINE=postgresql for PostgreSQL)
	Benchmarks/concurrent-runs/run.sh

bench-backup: ## bascule backup of 100,000 releases under 50 writers, then a restore that must hold every acknowledged write
	Benchmarks/backup/run.sh

bench-webhooks: ## 10,000 events delivered to a receiver that verifies every signature, against the receiver alone
	Benchmarks/webhooks/run.sh

screenshot: ## Refresh docs/releases.png from a demo server
	scripts/screenshot.sh

clean:
	rm -rf .build bascule-data
