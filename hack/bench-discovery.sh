#!/usr/bin/env bash
# Benchmark: time to IP with VMware Tools vs guest operations ("active discovery"), in one run of
# a real kube-apiserver + etcd, our vCenter simulator (real time, the seed's Linux timings) and the
# operator in-process. Prints the seed's table per strategy and the discovery latency; see
# docs/benchmarks.md for results and src/test/java/dev/testvm/bench/DiscoveryBenchmark.java for
# the options (--per-strategy 10, --os linux|windows, --dhcp-seconds 1.0, --max-backoff 1s, ...).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source hack/lib/test-main.sh

build_test_binaries
build_test_classes
run_test_main dev.testvm.bench.DiscoveryBenchmark "$@"
