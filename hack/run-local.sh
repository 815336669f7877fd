#!/usr/bin/env bash
# Runs the operator on the embedded default: a local kube-apiserver + etcd (cached, else downloaded,
# else built from Go module sources by hack/kube-binaries.sh), our vCenter simulator, and the
# operator jar; applies deploy/samples/testvm.yaml and prints its IP and phase timings when it is
# Ready. Rebuilds only what changed since the last run (see hack/lib/test-main.sh) and says where
# the time went. Options are passed on: --time-scale F (simulator speed, default 0.2),
# --exit-when-ready, --operator-launcher PATH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source hack/lib/test-main.sh

build_test_binaries
build_operator_jar
build_test_classes
print_build_times
run_test_main dev.testvm.local.LocalRun "$@"
