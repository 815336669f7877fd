# Sourced by the hack/ commands that run a main class of src/test/java (the local run and the
# benchmarks) against a real kube-apiserver + etcd and our vCenter simulator. Run from the
# repository root.

# The kube-apiserver/etcd/kubectl binaries and the simulator (both cached; seconds when warm).
build_test_binaries() {
  hack/kube-binaries.sh >/dev/null
  hack/vcsim-build.sh
}

# The operator's fast-jar (target/quarkus-app/quarkus-run.jar), built when missing or older than
# a file under src/main or pom.xml.
build_operator_jar() {
  local jar=target/quarkus-app/quarkus-run.jar
  if [[ ! -f $jar ]] || [[ -n $(find src/main pom.xml -newer "$jar" -type f -print -quit) ]]; then
    ./mvnw -B -q package -DskipTests -DskipTestBinaries=true
  fi
}

# Compiles the tests and writes their classpath to target/test-classpath.txt.
build_test_classes() {
  ./mvnw -B -q test-compile -DskipTestBinaries=true
  ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >/dev/null
}

# exec java MAIN_CLASS ARGS... with the test classpath; BENCH_JAVA_OPTS adds JVM flags.
run_test_main() {
  exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager ${BENCH_JAVA_OPTS:-} \
    -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" "$@"
}
