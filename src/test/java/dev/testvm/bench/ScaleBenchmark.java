package dev.testvm.bench;

import dev.testvm.testsupport.Crds;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.Kubectl;
import dev.testvm.testsupport.OperatorJarProcess;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * The scale and churn benchmark ({@code hack/bench-scale.sh}, results in {@code docs/reliability.md}).
 *
 * <p>Starts a real kube-apiserver + etcd, our vCenter simulator with its realistic default timings
 * scaled by {@code --time-scale}, and the operator's own jar as a separate process configured as
 * {@code deploy/} configures it. Scale: applies {@code --count} TestVMs in one {@code kubectl apply}
 * of a multi-document file, waits until all are Ready, deletes them all and waits until they are
 * gone. Churn: {@code --cycles} create/delete cycles with {@code --in-flight} at a time. Prints the
 * figures of issue 7 against their targets; the report also goes to {@code target/bench-scale/report.md}.
 */
public final class ScaleBenchmark {

    static final String NAMESPACE = "bench";

    /** Set when a phase did not finish: the simulator is then asked for a goroutine dump at the end. */
    private static volatile boolean somethingHung;

    /** The JVM flags of deploy/deployment.yaml (its JAVA_TOOL_OPTIONS and container limits). */
    static final String PRODUCTION_JVM_OPTIONS = DeploymentJvm.options();

    // Targets of issue 13 (they replaced issue 7's 25 requests and 300 MiB).
    static final double LIFECYCLE_REQUEST_TARGET = 20;
    static final double CHURN_REQUEST_TARGET = 18;
    static final int RSS_TARGET_MIB = 250;
    private static final double MIB = 1024.0 * 1024.0;

    static final String USAGE = "hack/bench-scale.sh [--count 200] [--cycles 1000] [--in-flight 20] [--time-scale 0.1]"
            + " [--max-concurrent-tasks 8] [--full-percent 10] [--instant-percent 10] [--early-delete-percent 20] [--bad-template-percent 0]"
            + " [--timeout 5m] [--operator-jvm-options '" + PRODUCTION_JVM_OPTIONS + "']";

    record Options(int count, int cycles, int inFlight, double timeScale, int maxTasks, int fullPercent, int instantPercent,
            int earlyDeletePercent, Duration timeout, String jvmOptions, int badTemplatePercent) {

        static Options parse(String[] args) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("usage: " + USAGE);
                }
                values.put(args[i].substring(2), args[++i]);
            }
            Options options = new Options(
                    integer(values.remove("count"), 200),
                    integer(values.remove("cycles"), 1000),
                    integer(values.remove("in-flight"), 20),
                    Double.parseDouble(values.getOrDefault("time-scale", "0.1")),
                    integer(values.remove("max-concurrent-tasks"), 8),
                    integer(values.remove("full-percent"), 10),
                    integer(values.remove("instant-percent"), 10),
                    integer(values.remove("early-delete-percent"), 20),
                    dev.testvm.api.Durations.parse(values.getOrDefault("timeout", "5m")),
                    values.getOrDefault("operator-jvm-options", PRODUCTION_JVM_OPTIONS),
                    integer(values.remove("bad-template-percent"), 0));
            values.keySet().removeAll(List.of("time-scale", "timeout", "operator-jvm-options"));
            if (!values.isEmpty()) {
                throw new IllegalArgumentException("unknown options " + values.keySet() + "; usage: " + USAGE);
            }
            if (options.count < 0 || options.cycles < 0 || options.inFlight < 1 || options.timeScale <= 0 || options.maxTasks < 1) {
                throw new IllegalArgumentException("--count and --cycles must be >= 0, --in-flight and --max-concurrent-tasks >= 1,"
                        + " --time-scale > 0");
            }
            return options;
        }

        private static int integer(String value, int fallback) {
            return value == null ? fallback : Integer.parseInt(value);
        }
    }

    public static void main(String[] args) {
        try {
            if (VCentersBenchmark.requested(args)) {
                VCentersBenchmark.run(args);
            } else {
                run(Options.parse(args), args);
            }
        } catch (Throwable e) {
            // The API server, etcd, the simulator and the operator are child processes: exit so they go too.
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(Options options, String[] args) throws Exception {
        Path out = Files.createDirectories(Path.of("target", "bench-scale"));
        Report report = new Report();
        report.line("command: " + USAGE.split(" ")[0] + " " + String.join(" ", args));
        report.line(String.format(Locale.ROOT, "machine: %d CPUs, load average at start %s", Runtime.getRuntime().availableProcessors(),
                loadAverage()));
        say("starting kube-apiserver + etcd");
        Config kube = Config.fromKubeconfig(KubeApiServers.kubeConfigYaml());
        KubeApiServers.kubeConfigFile();
        try (KubernetesClient client = KubeApiServers.newClient();
                Simulator simulator = new SimulatorExtension().timeScale(options.timeScale).start()) {
            say("simulator " + simulator.url() + ", control API " + simulator.controlUrl());
            Crds.installTestVm(client);
            BenchWorkload workload = new BenchWorkload(NAMESPACE, options.fullPercent, options.instantPercent);
            workload.prepare(client);
            List<String> jvm = Arrays.stream(options.jvmOptions.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
            Map<String, String> env = Map.of(
                    "TESTVM_VCENTER_MAX_CONCURRENT_TASKS", Integer.toString(options.maxTasks),
                    "TESTVM_LEADER_ELECTION_LEASE_NAMESPACE", "default");
            try (OperatorJarProcess operator = OperatorJarProcess.start(kube, simulator, jvm, env, out.resolve("operator.log"));
                    TestVMTracker tracker = new TestVMTracker(client, NAMESPACE)) {
                operator.awaitReady(Duration.ofMinutes(3));
                report.line(String.format(Locale.ROOT, "simulator time-scale %s (its default timings: linked clone 1 s, full clone 10 s,"
                        + " instant clone 1 s, power-on 0.5 s, Tools 20 s and IP 21.5 s after power-on, Tools poll 30 s);"
                        + " operator jar as its own process, JVM options '%s', TESTVM_VCENTER_MAX_CONCURRENT_TASKS=%d, prod profile"
                        + " (leader election on); startup peak RSS %.0f MiB; vCenter logins before the run %d",
                        options.timeScale, options.jvmOptions, options.maxTasks, operator.peakRssKib() / 1024.0,
                        simulator.stats().loginCount()));
                double idleCpuPerSecond = idleCpuPerSecond(operator);
                report.line(String.format(Locale.ROOT, "operator CPU while idle: %.1f ms per second (leases, informers, GC)",
                        idleCpuPerSecond * 1000));
                LiveHeap idleHeap = LiveHeap.of(operator.pid());
                report.line(String.format(Locale.ROOT, "operator live heap while idle (after a full GC): %.1f MiB", idleHeap.total() / MIB));
                if (options.count > 0) {
                    runScale(options, client, simulator, operator, tracker, workload, idleCpuPerSecond, out, report);
                }
                if (options.cycles > 0) {
                    runChurn(options, client, simulator, operator, tracker, workload, idleCpuPerSecond, report);
                    reportRetainedHeap(report, operator, idleHeap, options.cycles);
                }
                report.line(String.format(Locale.ROOT, "load average at the end: %s", loadAverage()));
                Files.writeString(out.resolve("metrics.txt"), operator.metrics());
            }
            report.line("vCenter logouts when the operator stopped (SIGTERM): " + simulator.stats().logoutCount());
            if (somethingHung) {
                // Go prints every goroutine's stack on SIGQUIT (and exits): where a task got stuck, if it did.
                new ProcessBuilder("kill", "-QUIT", Long.toString(simulator.pid())).start().waitFor();
                Thread.sleep(2000);
            }
            Files.writeString(out.resolve("simulator.log"), simulator.log());
        }
        Files.writeString(out.resolve("report.md"), report.toString());
        say("report written to " + out.resolve("report.md") + "; operator log " + out.resolve("operator.log"));
    }

    private static void runScale(Options options, KubernetesClient client, Simulator simulator, OperatorJarProcess operator,
            TestVMTracker tracker, BenchWorkload workload, double idleCpuPerSecond, Path out, Report report)
            throws Exception {
        int n = options.count;
        List<String> names = new ArrayList<>();
        StringBuilder yaml = new StringBuilder();
        Map<String, Integer> byType = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = String.format(Locale.ROOT, "scale-%03d", i);
            names.add(name);
            yaml.append("---\n").append(workload.yaml(name, i));
            byType.merge(workload.cloneType(i).name(), 1, Integer::sum);
        }
        Path file = out.resolve("testvms.yaml");
        Files.writeString(file, yaml.toString());
        Set<String> vmsBefore = BenchSupport.vmRefs(simulator);
        Measurement phase = new Measurement(simulator, operator);
        phase.begin();

        say("applying " + n + " TestVMs " + byType + " with one kubectl apply -f " + file);
        long applyStart = System.currentTimeMillis();
        Kubectl.Result applied = Kubectl.run(null, "apply", "-f", file.toString());
        long applyEnd = System.currentTimeMillis();
        if (applied.exitCode() != 0) {
            throw new IllegalStateException("kubectl apply failed: " + applied.output());
        }
        say(String.format(Locale.ROOT, "kubectl apply took %.1f s; waiting until all are Ready", (applyEnd - applyStart) / 1000.0));
        boolean allReady = BenchSupport.awaitAll(names.stream().map(tracker::ready).toList(), options.timeout);
        long readyAt = names.stream().map(tracker::readySeenAt).filter(t -> t != null).mapToLong(Long::longValue).max().orElse(applyEnd);
        Simulator.Stats atReady = simulator.stats();
        long readyCount = names.stream().filter(name -> tracker.readySeenAt(name) != null).count();
        double[] total = names.stream().map(tracker::ready).filter(CompletableFuture::isDone).map(CompletableFuture::join)
                .mapToDouble(t -> t.getStatus().getTimings().getTotalSeconds()).sorted().toArray();
        double[] seen = names.stream().map(tracker::readySeenAt).filter(t -> t != null)
                .mapToDouble(t -> (t - applyStart) / 1000.0).sorted().toArray();
        say(readyCount + " of " + n + " Ready; deleting them all");

        long deleteStart = System.currentTimeMillis();
        Kubectl.Result deleted = Kubectl.run(null, "delete", "testvms", "--all", "-n", NAMESPACE, "--wait=false");
        if (deleted.exitCode() != 0) {
            throw new IllegalStateException("kubectl delete failed: " + deleted.output());
        }
        boolean allGone = BenchSupport.awaitAll(names.stream().map(tracker::gone).toList(), options.timeout);
        long goneAt = System.currentTimeMillis();
        if (!allReady || !allGone) {
            diagnose(operator, simulator, out, "scale");
        }
        Measurement.Figures figures = phase.end();
        List<String> leaked = leakedVms(simulator, vmsBefore);
        List<String> stuck = ChurnDriver.stuckWithFinalizer(tracker.current().stream()
                .filter(t -> t.getMetadata().getName().startsWith("scale-")).toList());

        report.heading(String.format(Locale.ROOT, "Scale: %d TestVMs %s applied at once", n, byType));
        report.line(String.format(Locale.ROOT, "kubectl apply of the %d-document file: %.1f s", n, (applyEnd - applyStart) / 1000.0));
        report.figure("all Ready (apply started -> last Ready seen by a watch)",
                String.format(Locale.ROOT, "%.1f s%s", (readyAt - applyStart) / 1000.0, allReady ? "" : " (NOT all: " + readyCount + " of " + n + ")"),
                "all " + n + " Ready", allReady);
        report.line(String.format(Locale.ROOT, "apply -> Ready per TestVM, status.timings.totalSeconds (creation -> Ready):"
                + " median %.1f s, p95 %.1f s, max %.1f s; seen by the watch from the start of kubectl apply: median %.1f s,"
                + " p95 %.1f s (time-scale %s: simulated delays are %s of real)", percentile(total, 50), percentile(total, 95),
                percentile(total, 100), percentile(seen, 50), percentile(seen, 95), options.timeScale, options.timeScale));
        report.line(String.format(Locale.ROOT, "all deleted and gone (kubectl delete --all -> last TestVM removed): %.1f s%s",
                (goneAt - deleteStart) / 1000.0, allGone ? "" : " (NOT all gone)"));
        reportFigures(report, figures, n, "TestVM lifecycle (apply -> Ready -> delete -> gone)", LIFECYCLE_REQUEST_TARGET,
                idleCpuPerSecond, options.maxTasks);
        report.line("SOAP requests to reach Ready (apply -> all Ready), per TestVM, excluding WaitForUpdatesEx: "
                + String.format(Locale.ROOT, "%.1f", requestsExcludingWaits(atReady) / (double) n)
                + "; the rest is deletion");
        report.figure("TestVMs Failed", Integer.toString(tracker.failures().size()) + failureSummary(tracker.failures(), "scale-"), "0",
                tracker.failures().keySet().stream().noneMatch(k -> k.startsWith("scale-")));
        report.figure("leaked VMs after delete", leaked.size() + (leaked.isEmpty() ? "" : " " + leaked), "0", leaked.isEmpty());
        report.figure("TestVMs stuck with a finalizer", stuck.size() + (stuck.isEmpty() ? "" : " " + stuck), "0", stuck.isEmpty());
    }

    private static void runChurn(Options options, KubernetesClient client, Simulator simulator, OperatorJarProcess operator,
            TestVMTracker tracker, BenchWorkload workload, double idleCpuPerSecond, Report report) throws Exception {
        Set<String> vmsBefore = BenchSupport.vmRefs(simulator);
        Measurement phase = new Measurement(simulator, operator);
        phase.begin();
        // Cancelled cycles are deleted within the time a full clone, power-on and boot take.
        Duration earlyWithin = Duration.ofMillis((long) ((10 + 0.5 + 21.5) * options.timeScale * 1000));
        say(String.format(Locale.ROOT, "churn: %d create/delete cycles, %d in flight, %d%% deleted within %d ms of creation",
                options.cycles, options.inFlight, options.earlyDeletePercent, earlyWithin.toMillis()));
        ChurnDriver driver = new ChurnDriver(client, workload, tracker, options.earlyDeletePercent, earlyWithin, options.timeout,
                options.badTemplatePercent);
        ChurnDriver.Result result = driver.run(options.cycles, options.inFlight, ScaleBenchmark::say);
        int standingNotGone = driver.deleteStanding();
        // Anything still there is given a last minute before it counts as stuck.
        long deadline = System.currentTimeMillis() + 60_000;
        while (tracker.current().stream().anyMatch(t -> t.getMetadata().getName().startsWith("churn-"))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
        Measurement.Figures figures = phase.end();
        List<String> stuck = ChurnDriver.stuckWithFinalizer(tracker.current().stream()
                .filter(t -> t.getMetadata().getName().startsWith("churn-")).toList());
        if (!stuck.isEmpty() || result.readyTimeouts() + result.goneTimeouts() + result.errors() > 0) {
            diagnose(operator, simulator, Path.of("target", "bench-scale"), "churn");
        }
        List<String> leaked = leakedVms(simulator, vmsBefore);

        report.heading(String.format(Locale.ROOT, "Churn: %d create/delete cycles, %d in flight", options.cycles, options.inFlight));
        report.line(String.format(Locale.ROOT, "%.1f s for all cycles (%.2f cycles/s); %d Ready then deleted, %d deleted before Ready"
                + " (%d%%, within %d ms of creation), %d not Ready within %s, %d not gone within %s, %d errors",
                result.seconds(), result.cycles() / result.seconds(), result.readyThenDeleted(), result.deletedEarly(),
                options.earlyDeletePercent, earlyWithin.toMillis(), result.readyTimeouts(), options.timeout, result.goneTimeouts(),
                options.timeout, result.errors()));
        reportFigures(report, figures, options.cycles, "cycle", CHURN_REQUEST_TARGET, idleCpuPerSecond, options.maxTasks);
        reportBadTemplates(report, options, result, standingNotGone, tracker);
        report.figure("TestVMs Failed", tracker.failures().keySet().stream().filter(k -> k.startsWith("churn-")).count()
                + failureSummary(tracker.failures(), "churn-"), "0", tracker.failures().keySet().stream().noneMatch(k -> k.startsWith("churn-")));
        report.figure("leaked VMs", leaked.size() + (leaked.isEmpty() ? "" : " " + leaked), "0", leaked.isEmpty());
        report.figure("TestVMs stuck with a finalizer", stuck.size() + (stuck.isEmpty() ? "" : " " + stuck), "0", stuck.isEmpty());
    }

    /** Issue 11: failed TestVMs left standing must not slow or stop the others. */
    private static void reportBadTemplates(Report report, Options options, ChurnDriver.Result result, int standingNotGone,
            TestVMTracker tracker) {
        double[] ready = result.createToReadySeconds();
        report.line(String.format(Locale.ROOT, "create -> Ready of the cycles that went to Ready: p50 %.2f s, p95 %.2f s, max %.2f s"
                + " (%d cycles; real seconds, simulator time-scale %s)", percentile(ready, 50), percentile(ready, 95),
                ready.length == 0 ? Double.NaN : ready[ready.length - 1], ready.length, options.timeScale));
        if (options.badTemplatePercent == 0) {
            return;
        }
        long notFound = tracker.failures().entrySet().stream()
                .filter(e -> e.getKey().startsWith("badtpl-") && e.getValue().startsWith("TemplateNotFound")).count();
        report.figure(String.format(Locale.ROOT, "cycles naming %s (%d%%), Failed and left standing until the churn ended",
                ChurnDriver.MISSING_TEMPLATE, options.badTemplatePercent), result.badFailed() + " Failed (" + notFound
                + " TemplateNotFound), " + result.badNotFailed() + " not Failed", "all Failed", result.badNotFailed() == 0);
        report.figure("good cycles not Ready within " + options.timeout + " while they stood (task-slot starvation)",
                Integer.toString(result.readyTimeouts()), "0", result.readyTimeouts() == 0);
        report.figure("failed TestVMs not gone after their deletion", Integer.toString(standingNotGone), "0", standingNotGone == 0);
    }

    private static void reportFigures(Report report, Measurement.Figures f, int n, String unit, double requestTarget,
            double idleCpuPerSecond, int maxTasks) {
        report.figure("vCenter sessions opened (Login)", Long.toString(f.stats().loginCount()), "1 per vCenter (0 new: the session of start-up lasts)",
                f.stats().loginCount() <= 1);
        report.figure("peak concurrent vCenter tasks", Long.toString(f.stats().peakConcurrentTasks()), "<= " + maxTasks,
                f.stats().peakConcurrentTasks() <= maxTasks);
        double perUnit = requestsExcludingWaits(f.stats()) / (double) n;
        report.figure("SOAP requests per " + unit + ", excluding WaitForUpdatesEx", String.format(Locale.ROOT, "%.1f", perUnit),
                "<= " + requestTarget, perUnit <= requestTarget);
        StringBuilder methods = new StringBuilder("  by method, per " + unit + ":");
        f.stats().requestsByMethod().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> methods.append(String.format(Locale.ROOT, " %s %.2f;", e.getKey(), e.getValue() / (double) n)));
        report.line(methods.toString());
        report.line("  tasks by method: " + f.stats().tasksByMethod());
        double rssMib = f.peakRssKib() / 1024.0;
        report.figure("operator peak RSS (VmHWM)", String.format(Locale.ROOT, "%.0f MiB", rssMib), "<= " + RSS_TARGET_MIB + " MiB",
                rssMib <= RSS_TARGET_MIB);
        double overheadMs = (f.cpuSeconds() - idleCpuPerSecond * f.wallSeconds()) * 1000 / n;
        report.line(String.format(Locale.ROOT, "operator CPU: %.1f s over %.1f s; per %s %.0f ms (%.0f ms after taking off the idle rate)",
                f.cpuSeconds(), f.wallSeconds(), unit, f.cpuSeconds() * 1000 / n, overheadMs));
        report.line("  java-operator-sdk / operator metrics, per " + unit + ": " + f.metricsPer(n));
    }

    /**
     * Issue 13: after the churn the live heap must be back at its idle level (every per-TestVM record
     * forgotten). Some growth is expected from caches that fill once (class data, informer indexes,
     * metric series), hence the allowance of 10% or 8 MiB, whichever is larger.
     */
    private static void reportRetainedHeap(Report report, OperatorJarProcess operator, LiveHeap idle, int cycles)
            throws IOException, InterruptedException {
        LiveHeap afterChurn = LiveHeap.of(operator.pid());
        long idleHeap = idle.total();
        long after = afterChurn.total();
        long allowance = Math.max(idleHeap / 10, 8L * 1024 * 1024);
        report.figure("operator live heap after " + cycles + " churn cycles (after a full GC)",
                String.format(Locale.ROOT, "%.1f MiB (idle %.1f MiB, %+.1f MiB)", after / MIB, idleHeap / MIB, (after - idleHeap) / MIB),
                String.format(Locale.ROOT, "<= idle + %.0f MiB", allowance / MIB), after <= idleHeap + allowance);
        report.line("  classes grown most since idle (live bytes, instances): " + afterChurn.topGrowers(idle, 12));
        if (Boolean.getBoolean("bench.heapDump")) {
            // -Dbench.heapDump=true (BENCH_JAVA_OPTS): the heap after the churn, to find who holds what grew.
            Path dump = Path.of("target", "bench-scale", "after-churn.hprof").toAbsolutePath();
            Files.deleteIfExists(dump);
            new ProcessBuilder("jcmd", Long.toString(operator.pid()), "GC.heap_dump", dump.toString()).inheritIO().start()
                    .waitFor(2, TimeUnit.MINUTES);
        }
    }

    private static String failureSummary(Map<String, String> failures, String prefix) {
        Map<String, Long> byReason = new LinkedHashMap<>();
        failures.forEach((name, why) -> {
            if (name.startsWith(prefix)) {
                byReason.merge(why.length() > 160 ? why.substring(0, 160) + "..." : why, 1L, Long::sum);
            }
        });
        return byReason.isEmpty() ? "" : " " + byReason;
    }

    static long requestsExcludingWaits(Simulator.Stats stats) {
        return stats.requestsByMethod().entrySet().stream().filter(e -> !e.getKey().equals("WaitForUpdatesEx"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** VMs that did not exist before the phase and still exist (templates and stock VMs were there before). */
    private static List<String> leakedVms(Simulator simulator, Set<String> before) {
        return simulator.vms().stream().filter(vm -> !before.contains(String.valueOf(vm.get("moRef"))))
                .map(vm -> vm.get("name") + " (" + vm.get("moRef") + ", " + vm.get("powerState") + ")").toList();
    }

    /** When something hung: the operator's threads and the simulator's running tasks, for the investigation. */
    private static void diagnose(OperatorJarProcess operator, Simulator simulator, Path out, String phase) {
        try {
            Path threads = out.resolve(phase + "-operator-threads.txt");
            new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(operator.pid()),
                    "Thread.print").redirectErrorStream(true).redirectOutput(threads.toFile()).start().waitFor(60, TimeUnit.SECONDS);
            Simulator.Stats stats = simulator.stats();
            somethingHung = true;
            say(phase + ": something did not finish; simulator running tasks " + stats.runningTasks() + ", operator threads in " + threads);
        } catch (Exception e) {
            say("diagnostics failed: " + e);
        }
    }

    /** CPU per second of the idle operator over 10 s, to take its background work off the per-TestVM figure. */
    private static double idleCpuPerSecond(OperatorJarProcess operator) throws InterruptedException {
        double cpu = operator.cpuSeconds();
        long start = System.nanoTime();
        Thread.sleep(10_000);
        return (operator.cpuSeconds() - cpu) / ((System.nanoTime() - start) / 1e9);
    }

    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** Nearest-rank percentile of sorted values; NaN when there are none. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static void say(String line) {
        System.out.println("[bench-scale] " + line);
    }

    private ScaleBenchmark() {}
}
