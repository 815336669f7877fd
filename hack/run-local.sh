#!/usr/bin/env bash
# Runs the operator on the embedded default: a local kube-apiserver + etcd (built from Go module
# sources by hack/kube-binaries.sh), our vCenter simulator, and the operator jar; applies
# deploy/samples/testvm.yaml and prints its IP and phase timings when it is Ready.
# Options are passed on: --time-scale F (simulator speed, default 0.2), --exit-when-ready.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source hack/lib/test-main.sh

build_test_binaries
./mvnw -B -q package -DskipTests -DskipTestBinaries=true
build_test_classes
run_test_main dev.testvm.local.LocalRun "$@"
