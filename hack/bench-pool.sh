#!/usr/bin/env bash
# Benchmark: apply -> Ready from a warm pool vs instant clone vs linked clone, in one run of a real
# kube-apiserver + etcd, our vCenter simulator (real time, the seed's Linux timings) and the
# operator in-process; also the pool's refill throughput and SOAP requests per claim. Results in
# docs/benchmarks.md; options: --per-kind 10, --time-scale 1.0, --timeout 5m
# (src/test/java/dev/testvm/bench/PoolBenchmark.java).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source hack/lib/test-main.sh

build_test_binaries
build_test_classes
run_test_main dev.testvm.bench.PoolBenchmark "$@"
