# Sourced by the hack/ commands that run a main class of src/test/java (the local run and the
# benchmarks) against a real kube-apiserver + etcd and our vCenter simulator. Run from the
# repository root.
#
# Each build step runs only when its inputs changed: a SHA-256 over the input files' contents is
# kept in target/run-stamps/ (contents, not mtimes, so a checkout or `touch` alone rebuilds nothing).
# Each step's time is recorded; print_build_times says where the time went.

stamp_dir=target/run-stamps
build_times=()

# Content hash of every file under the given paths.
sources_hash() {
  find "$@" -type f -not -path 'vcsim/bin/*' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

# True when OUTPUT exists and the stamp NAME holds HASH.
up_to_date() {
  local name=$1 hash=$2 output=$3
  [[ -e $output && -f $stamp_dir/$name && "$(cat "$stamp_dir/$name")" == "$hash" ]]
}

mark_built() {
  mkdir -p "$stamp_dir"
  echo "$2" >"$stamp_dir/$1"
}

build_say() { echo "[build] $*" >&2; }

# Runs "$@" and records "LABEL SECONDS (NOTE)"; the command sets $step_note to say what it did.
timed() {
  local label=$1 start
  shift
  start=$(date +%s%N)
  step_note=""
  "$@"
  build_times+=("$label $(awk -v ns=$(( $(date +%s%N) - start )) 'BEGIN { printf "%.1f s", ns / 1e9 }')${step_note:+ ($step_note)}")
}

print_build_times() {
  local joined
  joined=$(printf '%s, ' "${build_times[@]}")
  build_say "where the build time went: ${joined%, }"
}

kube_binaries_step() {
  local log=$stamp_dir/kube-binaries.log
  # Its progress ("building ... about 8 minutes") goes to the terminal as it happens.
  # (pipefail, set by the sourcing scripts, keeps its exit status)
  hack/kube-binaries.sh 2>&1 >/dev/null | tee "$log" >&2
  if grep -q 'up to date' "$log"; then step_note=cached; else step_note=installed; fi
}

simulator_step() {
  local hash
  hash=$(sources_hash vcsim)
  if up_to_date vcsim "$hash" vcsim/bin/testvm-vcsim; then step_note=unchanged; return; fi
  hack/vcsim-build.sh
  mark_built vcsim "$hash"
  step_note=built
}

# The kube-apiserver/etcd/kubectl binaries and the simulator (both cached; well under a second when warm).
build_test_binaries() {
  mkdir -p "$stamp_dir"
  timed "kube binaries" kube_binaries_step
  timed simulator simulator_step
}

operator_jar_step() {
  local jar_hash tests_hash
  jar_hash=$(sources_hash src/main pom.xml)
  tests_hash=$(sources_hash src pom.xml)
  if up_to_date operator-jar "$jar_hash" target/quarkus-app/quarkus-run.jar; then step_note=unchanged; return; fi
  build_say "building the operator jar: its sources changed or it is missing (about 1-2 minutes on 2 cores)"
  # package compiles the tests too: one Maven run for the jar, the test classes and their class path.
  ./mvnw -B -q package dependency:build-classpath -DskipTests -DskipTestBinaries=true \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >/dev/null
  mark_built operator-jar "$jar_hash"
  mark_built test-classes "$tests_hash"
  step_note=built
}

test_classes_step() {
  local hash
  hash=$(sources_hash src pom.xml)
  if up_to_date test-classes "$hash" target/test-classpath.txt; then step_note=unchanged; return; fi
  build_say "compiling the tests: sources changed or never compiled"
  ./mvnw -B -q test-compile dependency:build-classpath -DskipTestBinaries=true \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >/dev/null
  mark_built test-classes "$hash"
  step_note=built
}

# The operator's fast-jar (target/quarkus-app/quarkus-run.jar), built when src/main or pom.xml changed.
build_operator_jar() {
  timed "operator jar" operator_jar_step
}

# Compiles the tests and writes their classpath to target/test-classpath.txt, when src/ or pom.xml changed.
build_test_classes() {
  timed "test classes" test_classes_step
}

# exec java MAIN_CLASS ARGS... with the test classpath; BENCH_JAVA_OPTS adds JVM flags.
run_test_main() {
  exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager ${BENCH_JAVA_OPTS:-} \
    -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" "$@"
}
