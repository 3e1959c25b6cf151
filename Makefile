# The //go:linkname workshop. Start with `make run-all`; `make help` lists
# everything else. The logic lives in Go, in .workshop/; each recipe here is
# one step.

EXAMPLES := pull push handshake stdlib
# Every module: gofmt, go vet and go test visit each of them.
MODULES  := bar foo pull push handshake stdlib linkcheck .workshop
PACKAGES := $(patsubst %,./%/...,$(filter-out .workshop,$(MODULES))) ./.workshop
# The stdlib example, and its test, link only with this flag. The pattern
# before "=" gives it to that package alone.
STDLIB_FLAG := -ldflags=./stdlib=-checklinkname=0
WORKSHOP := bin/workshop

.DEFAULT_GOAL := help
.PHONY: help run-all $(EXAMPLES) lab test docs matrix bench timings linkcheck-real check-go

help: ## list the targets
	@awk -F':[^#]*## ' '/^[a-z][a-z -]*:.*## / {printf "  make %-28s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run-all: $(WORKSHOP) ## build and run every example, check each output
	@$(WORKSHOP) run

pull push handshake stdlib: $(WORKSHOP) ## build, run and check one example
	@$(WORKSHOP) run $@

lab: $(WORKSHOP) ## break each rule on purpose, check the toolchain's answer (CASE=name: one, in full)
	@$(WORKSHOP) lab $(CASE)

docs: $(WORKSHOP) ## regenerate the README's code, output and table blocks
	@$(WORKSHOP) docs

matrix: $(WORKSHOP) ## run the examples and the lab under each Go in GO_VERSIONS (fetches go1.27.3)
	@$(WORKSHOP) matrix

bench: $(WORKSHOP) ## benchmark linkname calls against the ordinary way, record the table
	@$(WORKSHOP) bench

timings: $(WORKSHOP) ## time make run-all against a bare go build, warm and cold (a few minutes)
	@$(WORKSHOP) timings

test: $(WORKSHOP) ## gofmt, go vet, go test in every module, then run-all and the lab
	@unformatted=$$(gofmt -l $(MODULES)); test -z "$$unformatted" || { echo "gofmt -l lists:" $$unformatted; exit 1; }
	go vet $(PACKAGES)
	go test $(STDLIB_FLAG) $(PACKAGES)
	@$(WORKSHOP) run
	@$(WORKSHOP) lab
	@$(WORKSHOP) docs -check
	go run ./linkcheck ./bar/... ./foo/... ./pull/... ./push/... ./handshake/...
	go run ./linkcheck -checklinkname=false ./stdlib/...

# A published module that uses linkname heavily, fetched into the module
# cache (this target needs the network). Its findings are printed, not judged.
REAL_MODULE := github.com/goccy/go-json@v0.10.5
linkcheck-real: ## run linkcheck on $(REAL_MODULE) (needs the network)
	@go build -o bin/ ./linkcheck
	@dir=$$(GOFLAGS=-mod=mod go mod download -json $(REAL_MODULE) | sed -n 's/.*"Dir": "\(.*\)",/\1/p'); \
	cd "$$dir" && GOWORK=off GOFLAGS=-mod=mod $(CURDIR)/bin/linkcheck ./... || test $$? = 1

# Rebuilt only when its sources change. The examples are built in the same
# go command, so that on a cold cache the two builds share the cores; if one
# of them does not build, the runner alone is built, and says which.
$(WORKSHOP): .workshop/go.mod $(wildcard .workshop/*.go) | check-go
	@go build -o bin/ $(STDLIB_FLAG) ./.workshop $(addprefix ./,$(EXAMPLES)) 2>/dev/null || go build -o $@ ./.workshop

# One clear line instead of a wall of errors when Go is missing or too old.
check-go:
	@v=$$(go env GOVERSION 2>/dev/null); case "$$v" in go1.2[3-9]*|go1.[3-9][0-9]*|devel*) ;; \
	*) echo "make: this workspace needs Go 1.23 or newer (go env GOVERSION: $${v:-no answer})" >&2; exit 1;; esac
