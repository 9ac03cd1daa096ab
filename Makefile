# clawplan's build. `make test` installs its own test dependencies
# (scripts/test-deps.sh, idempotent) and runs every test tier.

GO      ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
PKGS    := ./...

.PHONY: build test unit lint bench deps fuzz clean

## build: the static clawplan binary in bin/
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/clawplan ./cmd/clawplan

## deps: install the real components the integration tests use
deps:
	bash scripts/test-deps.sh

## test: lint, then every test (unit and real-component tiers), a short
## coverage-guided run of every fuzz target, and the reliability suite's
## summary (one line per family; see scripts/suite-summary.sh)
test: deps lint
	@summary=$$(mktemp); rc=0; \
	CLAWPLAN_SUITE_SUMMARY=$$summary $(GO) test -count=1 -timeout 25m $(PKGS) || rc=$$?; \
	CLAWPLAN_SUITE_SUMMARY=$$summary GO=$(GO) bash scripts/fuzz-smoke.sh || rc=1; \
	bash scripts/suite-summary.sh $$summary || rc=1; \
	rm -f $$summary; exit $$rc

## unit: the tests that need no real component (no root, no Docker)
unit:
	$(GO) test -short -count=1 $(PKGS)

## lint: gofmt and go vet must be clean
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

## bench: benchmark figures: go test -bench, then clawbench's table of
## warm plans at N and 2N resources against the raw read of the same state,
## then a warm plan of examples/secure-gateway on the disaster-recovery host
## against the raw cost of its host reads (cmd/clawbench/hostbench; boots
## the host and applies the manifest first: a few minutes)
bench: build
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./engine/... ./cmd/...
	$(GO) run ./cmd/clawbench -clawplan bin/clawplan -sizes 100,1000,10000
	@log=bin/securegw-bench.log; row=$$(mktemp); \
	echo "secure-gateway: applying it to the DR test host first (minutes; log in $$log)"; \
	CLAWBENCH_SECUREGW=$$row $(GO) test -count=1 -v -timeout 30m -run '^TestSecureGatewayBench$$' ./resources/runtime >$$log 2>&1 \
	  || { tail -40 $$log; rm -f $$row; exit 1; }; \
	if [ -s $$row ]; then cat $$row; else grep -m1 -A1 -e '--- SKIP' $$log; fi; rm -f $$row

## fuzz: run each fuzz target for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	@for t in $$($(GO) test -list '^Fuzz' $(PKGS) 2>/dev/null | grep '^Fuzz'); do \
	  pkg=$$(grep -rl "func $$t(" --include='*_test.go' . | head -1 | xargs dirname); \
	  echo "== $$t ($$pkg)"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; done

clean:
	rm -rf bin
