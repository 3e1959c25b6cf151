# The //go:linkname workshop. Start with `make run-all`; `make help` lists
# everything else. The logic lives in Go, in workshop/; each recipe here is
# one step.

EXAMPLES := pull push handshake stdlib
# Every module: gofmt, go vet and go test visit each of them.
MODULES  := bar foo pull push handshake stdlib linkcheck workshop
PACKAGES := $(patsubst %,./%/...,$(MODULES))
# The stdlib example, and its test, link only with this flag. The pattern
# before "=" gives it to that package alone.
STDLIB_FLAG := -ldflags=./stdlib=-checklinkname=0
WORKSHOP := bin/workshop
LINKCHECK := bin/linkcheck
# make test keeps linkcheck's cache in bin/, not in the user's cache folder.
LINKCHECK_IN_BIN := XDG_CACHE_HOME=$(CURDIR)/bin/cache $(LINKCHECK)

.DEFAULT_GOAL := help
.PHONY: help run-all $(EXAMPLES) lab test docs matrix bench timings linkcheck-real linkcheck-speed check-go

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

matrix: $(WORKSHOP) $(LINKCHECK) ## run the examples, the lab and linkcheck-real's check under each Go in GO_VERSIONS (network)
	@$(WORKSHOP) matrix
	@$(WORKSHOP) linkcheck-real -check

bench: $(WORKSHOP) ## benchmark linkname calls against the ordinary way, record the table
	@$(WORKSHOP) bench

timings: $(WORKSHOP) ## time make run-all against a bare go build, warm and cold (a few minutes)
	@$(WORKSHOP) timings

test: $(WORKSHOP) $(LINKCHECK) ## gofmt, go vet, go test in every module, run-all, the lab, linkcheck
	@unformatted=$$(gofmt -l $(MODULES)); test -z "$$unformatted" || { echo "gofmt -l lists:" $$unformatted; exit 1; }
	go vet $(PACKAGES)
	go test $(STDLIB_FLAG) $(PACKAGES)
	@$(WORKSHOP) run
	@$(WORKSHOP) lab
	@$(WORKSHOP) docs -check
	$(LINKCHECK_IN_BIN) ./bar/... ./foo/... ./pull/... ./push/... ./handshake/...
	$(LINKCHECK_IN_BIN) -checklinkname=false ./stdlib/...

linkcheck-real: $(WORKSHOP) $(LINKCHECK) ## linkcheck programs that import published modules, then link them: do they agree? (network)
	@$(WORKSHOP) linkcheck-real

linkcheck-speed: $(WORKSHOP) $(LINKCHECK) ## time whole-program linkcheck against go list on a 300-package program (network)
	@$(WORKSHOP) linkcheck-speed

# Installed as the README says, into bin/ rather than the user's GOBIN.
$(LINKCHECK): linkcheck/go.mod $(wildcard linkcheck/*.go) | check-go
	@GOBIN=$(CURDIR)/bin go install ./linkcheck

# Rebuilt only when its sources change. The examples are built in the same
# go command, so that on a cold cache the two builds share the cores; if one
# of them does not build, the runner alone is built, and says which.
$(WORKSHOP): workshop/go.mod $(wildcard workshop/*.go) | check-go
	@go build -o bin/ $(STDLIB_FLAG) ./workshop $(addprefix ./,$(EXAMPLES)) 2>/dev/null || go build -o $@ ./workshop

# One clear line instead of a wall of errors when Go is missing or too old.
check-go:
	@v=$$(go env GOVERSION 2>/dev/null); case "$$v" in go1.2[3-9]*|go1.[3-9][0-9]*|devel*) ;; \
	*) echo "make: this workspace needs Go 1.23 or newer (go env GOVERSION: $${v:-no answer})" >&2; exit 1;; esac
