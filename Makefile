# Targets for developers and CI (.ci/run calls `make test`).
# make bench BENCHFLAGS='-only P1 -runs 5'; make fuzz FUZZTIME=30s; make demo KEEP=1
GO ?= go
FUZZTIME ?= 5m

.PHONY: build deps test bench fuzz demo lint man clean

build:
	$(GO) build -o bin/vcsync ./cmd/vcsync

# Installs (as root, with apt-get) the VCS programs the tests and the demo
# drive, when any is missing.
deps:
	@scripts/deps.sh

test: deps
	$(GO) test -race -timeout 30m ./...

bench:
	GO=$(GO) $(GO) run ./internal/bench $(BENCHFLAGS)

fuzz:
	$(GO) test ./changelog -run '^$$' -fuzz FuzzDerive -fuzztime $(FUZZTIME) -fuzzminimizetime 10s
	$(GO) test ./internal/config -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME) -fuzzminimizetime 10s
	$(GO) test ./internal/trust -run '^$$' -fuzz FuzzParseRecord -fuzztime $(FUZZTIME) -fuzzminimizetime 10s
	$(GO) test ./internal/state -run '^$$' -fuzz FuzzParseHolder -fuzztime $(FUZZTIME) -fuzzminimizetime 10s

demo: deps build
	VCSYNC=bin/vcsync scripts/demo.sh

lint:
	@out=$$(gofmt -l .); test -z "$$out" || { echo "gofmt -l:" $$out; exit 1; }
	$(GO) vet ./...

man:
	$(GO) run ./internal/mangen man

clean:
	rm -rf bin man
