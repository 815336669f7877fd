#!/usr/bin/env bash
# Benchmark: time to IP with VMware Tools vs guest operations ("active discovery"), in one run of
# a real kube-apiserver + etcd, our vCenter simulator (real time, the seed's Linux timings) and the
# operator in-process. Prints the seed's table per strategy and the discovery latency; see
# docs/benchmarks.md for results and src/test/java/dev/testvm/bench/DiscoveryBenchmark.java for
# the options (--per-strategy 10, --os linux|windows, --dhcp-seconds 1.0, --max-backoff 1s, ...).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

hack/kube-binaries.sh >/dev/null
hack/vcsim-build.sh
./mvnw -B -q test-compile -DskipTestBinaries=true
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >/dev/null
exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager ${BENCH_JAVA_OPTS:-} \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.testvm.bench.DiscoveryBenchmark "$@"
