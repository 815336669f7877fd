#!/usr/bin/env bash
# Runs the operator on the embedded default: a local kube-apiserver + etcd (built from Go module
# sources by hack/kube-binaries.sh), our vCenter simulator, and the operator jar; applies
# deploy/samples/testvm.yaml and prints its IP and phase timings when it is Ready.
# Options are passed on: --time-scale F (simulator speed, default 0.2), --exit-when-ready.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

hack/kube-binaries.sh >/dev/null
hack/vcsim-build.sh
./mvnw -B -q package -DskipTests
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >/dev/null
./mvnw -B -q test-compile -DskipTestBinaries=true
exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.testvm.local.LocalRun "$@"
