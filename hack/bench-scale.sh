#!/usr/bin/env bash
# Benchmark: scale and churn (issue 7). A real kube-apiserver + etcd, our vCenter simulator with its
# realistic default timings scaled by --time-scale, and the operator's own jar as a separate
# process configured like the Deployment. Applies --count TestVMs at once (one kubectl apply),
# waits until all are Ready, deletes them; then --cycles create/delete cycles, --in-flight at a
# time. Prints time to all-Ready, vCenter sessions, peak tasks, SOAP requests per TestVM, peak RSS,
# CPU per TestVM, leaked VMs and stuck TestVMs against their targets. Results: docs/reliability.md;
# options: src/test/java/dev/testvm/bench/ScaleBenchmark.java (--count 200 --cycles 1000
# --in-flight 20 --time-scale 0.1 --max-concurrent-tasks 8 ...). Takes about 7 minutes on 2 cores.
# --vcenters N (issue 14): N simulators as N VCenter resources; --count TestVMs on one of them, then
# --count split over all N, in the same run; per-vCenter figures and the requests ratio; no churn
# (VCentersBenchmark.java; docs/reliability.md, "Issue 14").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source hack/lib/test-main.sh

build_test_binaries
build_operator_jar
build_test_classes
run_test_main dev.testvm.bench.ScaleBenchmark "$@"
