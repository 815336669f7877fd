package dev.testvm.bench;

import dev.testvm.api.TestVM;
import dev.testvm.testsupport.Kubectl;
import dev.testvm.testsupport.OperatorJarProcess;
import dev.testvm.testsupport.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One scale phase of {@code hack/bench-scale.sh --vcenters N}: the given TestVMs, each naming its
 * VCenter, applied with one {@code kubectl apply}, waited for until all are Ready, deleted and
 * waited for until gone; measured per vCenter from that vCenter's simulator (counters reset at the
 * start), so sessions, task peaks, requests and leaks are each vCenter's own.
 */
final class VCentersPhase {

    /** One TestVM of the phase: its name, its VCenter and its index in {@link BenchWorkload} (the clone type). */
    record Planned(String name, String vcenter, int workloadIndex) {}

    /** What one vCenter saw during the phase. */
    record PerVCenter(int testVMs, Simulator.Stats stats, Simulator.Stats atReady, List<String> leaked, List<String> stuck,
            long failed) {}

    record Result(String label, int testVMs, boolean allReady, double readySeconds, boolean allGone, double goneSeconds,
            double cpuSeconds, Map<String, PerVCenter> perVCenter) {

        long requestsExcludingWaits() {
            return perVCenter.values().stream().mapToLong(v -> ScaleBenchmark.requestsExcludingWaits(v.stats())).sum();
        }
    }

    private final Map<String, Simulator> simulators;
    private final OperatorJarProcess operator;
    private final TestVMTracker tracker;
    private final BenchWorkload workload;
    private final Duration timeout;

    VCentersPhase(Map<String, Simulator> simulators, OperatorJarProcess operator, TestVMTracker tracker, BenchWorkload workload,
            Duration timeout) {
        this.simulators = simulators;
        this.operator = operator;
        this.tracker = tracker;
        this.workload = workload;
        this.timeout = timeout;
    }

    Result run(String label, List<Planned> planned, Path out) throws Exception {
        Map<String, Set<String>> vmsBefore = new LinkedHashMap<>();
        simulators.forEach((name, simulator) -> {
            simulator.resetStats();
            vmsBefore.put(name, BenchSupport.vmRefs(simulator));
        });
        double cpuAtStart = operator.cpuSeconds();
        List<String> names = planned.stream().map(Planned::name).toList();
        long applyStart = System.currentTimeMillis();
        apply(label, planned, out);
        boolean allReady = awaitReady(names);
        long readyAt = names.stream().map(tracker::readySeenAt).filter(t -> t != null).mapToLong(Long::longValue).max()
                .orElse(applyStart);
        Map<String, Simulator.Stats> atReady = new LinkedHashMap<>();
        simulators.forEach((name, simulator) -> atReady.put(name, simulator.stats()));
        ScaleBenchmark.say(label + ": " + names.stream().filter(n -> tracker.readySeenAt(n) != null).count() + " of " + names.size()
                + " Ready; deleting them all");
        long deleteStart = System.currentTimeMillis();
        Kubectl.Result deleted = Kubectl.run(null, "delete", "testvms", "--all", "-n", workload.namespace(), "--wait=false");
        if (deleted.exitCode() != 0) {
            throw new IllegalStateException("kubectl delete failed: " + deleted.output());
        }
        boolean allGone = awaitAll(names.stream().map(tracker::gone).toList());
        long goneAt = System.currentTimeMillis();
        Map<String, PerVCenter> perVCenter = new LinkedHashMap<>();
        simulators.forEach((name, simulator) -> perVCenter.put(name, perVCenter(name, planned, simulator, atReady.get(name),
                vmsBefore.get(name))));
        return new Result(label, names.size(), allReady, (readyAt - applyStart) / 1000.0, allGone, (goneAt - deleteStart) / 1000.0,
                operator.cpuSeconds() - cpuAtStart, perVCenter);
    }

    private void apply(String label, List<Planned> planned, Path out) throws Exception {
        StringBuilder yaml = new StringBuilder();
        for (Planned p : planned) {
            yaml.append("---\n").append(workload.yaml(p.name(), p.workloadIndex(), p.vcenter()));
        }
        Path file = out.resolve(label + "-testvms.yaml");
        Files.writeString(file, yaml.toString());
        ScaleBenchmark.say(label + ": applying " + planned.size() + " TestVMs with one kubectl apply -f " + file);
        Kubectl.Result applied = Kubectl.run(null, "apply", "-f", file.toString());
        if (applied.exitCode() != 0) {
            throw new IllegalStateException("kubectl apply failed: " + applied.output());
        }
    }

    private PerVCenter perVCenter(String vcenter, List<Planned> planned, Simulator simulator, Simulator.Stats atReady,
            Set<String> before) {
        Set<String> mine = new HashSet<>();
        planned.stream().filter(p -> p.vcenter().equals(vcenter)).forEach(p -> mine.add(p.name()));
        List<TestVM> left = tracker.current().stream().filter(t -> mine.contains(t.getMetadata().getName())).toList();
        long failed = tracker.failures().keySet().stream().filter(mine::contains).count();
        List<String> leaked = simulator.vms().stream().filter(vm -> !before.contains(String.valueOf(vm.get("moRef"))))
                .map(vm -> vm.get("name") + " (" + vm.get("moRef") + ", " + vm.get("powerState") + ")").toList();
        return new PerVCenter(mine.size(), simulator.stats(), atReady, leaked, ChurnDriver.stuckWithFinalizer(left), failed);
    }

    /** Until every one is Ready; false at the timeout or as soon as one has Failed (it will never be Ready). */
    private boolean awaitReady(List<String> names) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (names.stream().allMatch(n -> tracker.ready(n).isDone())) {
                return true;
            }
            Map<String, String> failures = tracker.failures();
            if (names.stream().anyMatch(failures::containsKey)) {
                ScaleBenchmark.say("a TestVM Failed, not waiting for the rest: " + failures);
                return false;
            }
            Thread.sleep(200);
        }
        return false;
    }

    private boolean awaitAll(List<? extends CompletableFuture<?>> futures) throws Exception {
        return BenchSupport.awaitAll(futures, timeout);
    }

    /** {@code count} TestVMs on {@code vcenters} VCenters, interleaved in the file; each vCenter gets the same clone-type mix. */
    static List<Planned> plan(String prefix, int count, int vcenters) {
        List<Planned> planned = new ArrayList<>();
        int perVCenter = count / vcenters;
        for (int j = 0; j < perVCenter; j++) {
            for (int v = 0; v < vcenters; v++) {
                String vcenter = BenchVCenters.name(v);
                planned.add(new Planned(String.format(Locale.ROOT, "%s-%s-%03d", prefix, vcenter, j), vcenter, j));
            }
        }
        return planned;
    }
}
