# lurewatch: build, demo and test.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
GO ?= go

.PHONY: all build demo test vet unit kafka-jars clean eval eval-search bench-index

all: build

build:
	$(GO) build -o bin/lurewatch ./cmd/lurewatch

# The demo: every stage on the embedded broker, with a built-in demo source.
demo: build
	./bin/lurewatch run --demo

# All tests: vet and gofmt, then every package with the race detector. The
# integration tests start a real Apache Kafka (deploy/kafka) and the embedded
# broker themselves. The summary at the end lists the real-Kafka and kcat
# tests that ran and fails if any test was skipped.
test: vet kafka-jars
	@mkdir -p out
	$(GO) test -race -count=1 -timeout 60m -v ./... 2>&1 | tee out/test.log | grep -E '^(--- FAIL|--- SKIP|FAIL|ok|panic:)|^\s+--- FAIL' || true
	@scripts/test-summary out/test.log

vet:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi

# The rule pack measured on the labelled corpora beside the repository
# (../shared/eval): precision, recall and F1 per corpus and language, and
# each rule's hits. Not part of `make test`.
EVAL_CORPORA ?= $(wildcard ../shared/eval/*.jsonl)
eval:
	@test -n "$(EVAL_CORPORA)" || { echo "no corpora in ../shared/eval"; exit 1; }
	$(GO) run ./cmd/lurewatch rules test --set classifier.rules=configs/rules $(addprefix --corpus ,$(EVAL_CORPORA))

kafka-jars:
	deploy/kafka/fetch.sh

# Every language of ../shared/eval/lures.jsonl is found by words from its
# ads (not part of make test: the corpus is not the project's).
eval-search:
	$(GO) test -tags eval -count=1 -run TestEvalLuresFindable -v ./index/

# Index 100k generated ads under the project's mapping and Bleve's default
# one; reports docs/s and query latency p50/p99 (keyword + 3 facets +
# highlights).
bench-index:
	$(GO) test ./index/ -run '^$$' -bench BenchmarkIndex -benchtime 1x -timeout 60m

clean:
	rm -rf bin out
