# Targets for developers and CI (.ci/run calls `make test`).
# make bench BENCHFLAGS='-only P1 -runs 5'; make fuzz FUZZTIME=30s; make demo KEEP=1
GO ?= go
FUZZTIME ?= 5m

.PHONY: build test bench fuzz demo lint man clean

build:
	$(GO) build -o bin/vcsync ./cmd/vcsync

test:
	$(GO) test -race ./...

bench:
	GO=$(GO) $(GO) run ./internal/bench $(BENCHFLAGS)

fuzz:
	$(GO) test ./changelog -run '^$$' -fuzz FuzzDerive -fuzztime $(FUZZTIME) -fuzzminimizetime 10s
	$(GO) test ./internal/config -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME) -fuzzminimizetime 10s

demo: build
	VCSYNC=bin/vcsync scripts/demo.sh

lint:
	@out=$$(gofmt -l .); test -z "$$out" || { echo "gofmt -l:" $$out; exit 1; }
	$(GO) vet ./...

man:
	$(GO) run ./internal/mangen man

clean:
	rm -rf bin man
