package dev.testvm.bench;

import dev.testvm.testsupport.Crds;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.OperatorJarProcess;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code hack/bench-scale.sh --vcenters N} (issue 14): N simulators as N VCenter resources served by
 * one operator process. Three scale phases in the same run, with the same operator: {@code --count}
 * TestVMs all on {@code vc-1}, then {@code --count} TestVMs split evenly over the N VCenters, then
 * {@code --count / N} on {@code vc-1} alone, as busy as each vCenter of the split phase (each TestVM
 * naming its vCenter in {@code spec.vcenter}). Per vCenter: sessions opened, peak concurrent tasks
 * against its {@code maxConcurrentTasks}, SOAP requests per lifecycle by method, leaks and stuck
 * TestVMs; then the requests per lifecycle of the split phase against each single one. No churn. Before both, an
 * unmeasured warm-up ({@code --warmup} TestVMs over the N VCenters, 0 to skip).
 *
 * <p>The environment's vCenter ({@code TESTVM_VCENTER_*}, required without sharding) is one more
 * simulator that no TestVM uses, so each VCenter's simulator sees only that VCenter's session.
 */
final class VCentersBenchmark {

    /** How much worse the split phase's requests per lifecycle may be than the single one's: run-to-run noise of the watcher timing. */
    static final double NO_WORSE_TOLERANCE = 1.05;
    private static final String FLAG = "--vcenters";

    private VCentersBenchmark() {}

    /** Whether the arguments ask for this benchmark ({@code --vcenters N}) instead of the default scale-and-churn one. */
    static boolean requested(String[] args) {
        return Arrays.asList(args).contains(FLAG);
    }

    static void run(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        int at = rest.indexOf(FLAG);
        if (at + 1 >= rest.size() || rest.contains("--cycles")) {
            throw new IllegalArgumentException("usage: hack/bench-scale.sh --vcenters N [--count 200] [--warmup 20] [--time-scale 0.1]"
                    + " [--max-concurrent-tasks 8] [--timeout 5m] ... (no churn: --cycles is not taken)");
        }
        int vcenters = Integer.parseInt(rest.remove(at + 1));
        rest.remove(at);
        int warmup = take(rest, "--warmup", 20);
        ScaleBenchmark.Options options = ScaleBenchmark.Options.parse(rest.toArray(String[]::new));
        if (vcenters < 2 || options.count() < vcenters || warmup < 0) {
            throw new IllegalArgumentException("--vcenters must be >= 2, --count at least --vcenters, --warmup >= 0");
        }
        run(options, vcenters, warmup, args);
    }

    /** Removes {@code flag value} from {@code args}; the value, or {@code fallback} when the flag is absent. */
    private static int take(List<String> args, String flag, int fallback) {
        int at = args.indexOf(flag);
        if (at < 0 || at + 1 >= args.size()) {
            return fallback;
        }
        int value = Integer.parseInt(args.remove(at + 1));
        args.remove(at);
        return value;
    }

    private static void run(ScaleBenchmark.Options options, int n, int warmup, String[] args) throws Exception {
        Path out = Files.createDirectories(Path.of("target", "bench-scale-vcenters"));
        Report report = new Report();
        report.line("command: hack/bench-scale.sh " + String.join(" ", args));
        report.line(String.format(Locale.ROOT, "machine: %d CPUs, load average at start %s", Runtime.getRuntime().availableProcessors(),
                ScaleBenchmark.loadAverage()));
        ScaleBenchmark.say("starting kube-apiserver + etcd and " + (n + 1) + " simulators");
        Config kube = Config.fromKubeconfig(KubeApiServers.kubeConfigYaml());
        KubeApiServers.kubeConfigFile();
        List<Simulator> simulators = new ArrayList<>();
        try (KubernetesClient client = KubeApiServers.newClient();
                Simulator environment = new SimulatorExtension().timeScale(options.timeScale()).start()) {
            for (int i = 0; i < n; i++) {
                simulators.add(new SimulatorExtension().timeScale(options.timeScale())
                        .credentials(BenchVCenters.login(i), BenchVCenters.password(i)).start());
            }
            try {
                withOperator(options, warmup, client, kube, environment, new BenchVCenters(client, simulators), out, report);
            } finally {
                simulators.forEach(Simulator::close);
            }
        }
        Files.writeString(out.resolve("report.md"), report.toString());
        ScaleBenchmark.say("report written to " + out.resolve("report.md") + "; operator log " + out.resolve("operator.log"));
    }

    private static void withOperator(ScaleBenchmark.Options options, int warmup, KubernetesClient client, Config kube, Simulator environment,
            BenchVCenters vcenters, Path out, Report report) throws Exception {
        Crds.installTestVm(client);
        BenchWorkload workload = new BenchWorkload(ScaleBenchmark.NAMESPACE, options.fullPercent(), options.instantPercent());
        workload.prepare(client);
        List<String> jvm = Arrays.stream(options.jvmOptions().trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        Map<String, String> env = Map.of(
                "TESTVM_VCENTER_MAX_CONCURRENT_TASKS", Integer.toString(options.maxTasks()),
                "TESTVM_LEADER_ELECTION_LEASE_NAMESPACE", "default",
                "TESTVM_VCENTERS_SECRET_NAMESPACE", BenchVCenters.SECRET_NAMESPACE);
        try (OperatorJarProcess operator = OperatorJarProcess.start(kube, environment, jvm, env, out.resolve("operator.log"));
                TestVMTracker tracker = new TestVMTracker(client, ScaleBenchmark.NAMESPACE)) {
            operator.awaitReady(Duration.ofMinutes(3));
            vcenters.apply(ScaleBenchmark.NAMESPACE, options.maxTasks(), Duration.ofMinutes(2));
            report.line(setupLine(options, vcenters, operator));
            VCentersPhase phase = new VCentersPhase(vcenters.byName(), operator, tracker, workload, options.timeout());
            int n = vcenters.byName().size();
            if (warmup >= n) {
                // Neither measured phase should pay for the operator's JIT warm-up: the first one would look worse.
                VCentersPhase.Result warm = phase.run("warmup", VCentersPhase.plan("warm", warmup, n), out);
                report.line(String.format(Locale.ROOT, "warm-up (not measured): %d TestVMs over the %d VCenters, all Ready %s in %.1f s",
                        warm.testVMs(), n, warm.allReady(), warm.readySeconds()));
            }
            VCentersPhase.Result single = phase.run("single", VCentersPhase.plan("one", options.count(), 1), out);
            reportPhase(report, single, options.maxTasks());
            VCentersPhase.Result split = phase.run("split", VCentersPhase.plan("split", options.count(), n), out);
            reportPhase(report, split, options.maxTasks());
            reportComparison(report, single, split);
            // The same comparison with each vCenter as busy as in the split phase: what several
            // vCenters cost per TestVM, apart from how loaded one (simulated) vCenter gets.
            VCentersPhase.Result sameLoad = phase.run("single-same-load", VCentersPhase.plan("each", options.count() / n, 1), out);
            reportPhase(report, sameLoad, options.maxTasks());
            reportSameLoad(report, sameLoad, split);
            report.line("environment vCenter (no TestVM uses it): " + ScaleBenchmark.requestsExcludingWaits(environment.stats())
                    + " SOAP requests excluding WaitForUpdatesEx over the whole run");
            report.line("load average at the end: " + ScaleBenchmark.loadAverage());
            Files.writeString(out.resolve("metrics.txt"), operator.metrics());
        }
    }

    private static String setupLine(ScaleBenchmark.Options options, BenchVCenters vcenters, OperatorJarProcess operator) {
        StringBuilder logins = new StringBuilder();
        vcenters.byName().forEach((name, simulator) -> {
            Simulator.Stats stats = simulator.stats();
            logins.append(String.format(Locale.ROOT, " %s %d login(s), %d session(s) open;", name, stats.loginCount(),
                    stats.activeSessions()));
        });
        return String.format(Locale.ROOT, "%d VCenter resources (one simulator each, thumbprint pinned, credentials Secret in %s,"
                + " maxConcurrentTasks %d) and the environment's vCenter on a simulator of its own; simulator time-scale %s;"
                + " operator jar, JVM options '%s', prod profile; startup peak RSS %.0f MiB; before the phases:%s",
                vcenters.byName().size(), BenchVCenters.SECRET_NAMESPACE, options.maxTasks(), options.timeScale(),
                options.jvmOptions(), operator.peakRssKib() / 1024.0, logins);
    }

    private static void reportPhase(Report report, VCentersPhase.Result r, int maxTasks) {
        report.heading(String.format(Locale.ROOT, "Phase %s: %d TestVMs over %d VCenter(s)", r.label(), r.testVMs(),
                r.perVCenter().values().stream().filter(v -> v.testVMs() > 0).count()));
        report.figure("all Ready (apply started -> last Ready seen)", String.format(Locale.ROOT, "%.1f s", r.readySeconds()),
                "all " + r.testVMs() + " Ready", r.allReady());
        report.figure("all deleted and gone", String.format(Locale.ROOT, "%.1f s", r.goneSeconds()), "all gone", r.allGone());
        report.line(String.format(Locale.ROOT, "operator CPU %.1f s, %.0f ms per TestVM lifecycle", r.cpuSeconds(),
                r.cpuSeconds() * 1000 / r.testVMs()));
        r.perVCenter().forEach((name, v) -> {
            if (v.testVMs() > 0) {
                reportVCenter(report, name, v, maxTasks);
            } else {
                report.line(String.format(Locale.ROOT, "- %s (no TestVMs in this phase): %d SOAP requests excluding WaitForUpdatesEx,"
                        + " %d logins", name, ScaleBenchmark.requestsExcludingWaits(v.stats()), v.stats().loginCount()));
            }
        });
    }

    private static void reportVCenter(Report report, String name, VCentersPhase.PerVCenter v, int maxTasks) {
        Simulator.Stats s = v.stats();
        report.line("### " + name + ": " + v.testVMs() + " TestVMs");
        report.figure(name + " sessions opened during the phase (Login)", s.loginCount() + ", open at the end " + s.activeSessions(),
                "0 new, 1 open (the start-up session lasts)", s.loginCount() == 0 && s.activeSessions() == 1);
        report.figure(name + " peak concurrent tasks", Long.toString(s.peakConcurrentTasks()), "<= " + maxTasks + " (its maxConcurrentTasks)",
                s.peakConcurrentTasks() <= maxTasks);
        report.line(String.format(Locale.ROOT, "- %s SOAP requests per lifecycle, excluding WaitForUpdatesEx: %.1f (%.1f to reach Ready)",
                name, ScaleBenchmark.requestsExcludingWaits(s) / (double) v.testVMs(),
                ScaleBenchmark.requestsExcludingWaits(v.atReady()) / (double) v.testVMs()));
        report.line("  by method, per lifecycle:" + byMethod(s.requestsByMethod(), v.testVMs()));
        report.line("  tasks by method: " + s.tasksByMethod());
        report.figure(name + " TestVMs Failed", Long.toString(v.failed()), "0", v.failed() == 0);
        report.figure(name + " leaked VMs", v.leaked().size() + (v.leaked().isEmpty() ? "" : " " + v.leaked()), "0", v.leaked().isEmpty());
        report.figure(name + " TestVMs stuck with a finalizer", v.stuck().size() + (v.stuck().isEmpty() ? "" : " " + v.stuck()), "0",
                v.stuck().isEmpty());
    }

    /** Issue 14: splitting the TestVMs over several vCenters must not cost more requests per lifecycle. */
    private static void reportComparison(Report report, VCentersPhase.Result single, VCentersPhase.Result split) {
        double one = single.requestsExcludingWaits() / (double) single.testVMs();
        double several = split.requestsExcludingWaits() / (double) split.testVMs();
        report.heading("Requests per lifecycle: one vCenter vs " + split.perVCenter().size() + " (same run, same operator)");
        if (!single.allReady() || !split.allReady()) {
            // TestVMs deleted before Ready cost fewer requests: the two figures would not measure the same lifecycle.
            report.figure("comparison", "not comparable: a phase did not bring all its TestVMs to Ready", "both phases all Ready", false);
        }
        report.figure("SOAP requests per lifecycle excluding WaitForUpdatesEx, split / single", String.format(Locale.ROOT,
                "%.1f / %.1f = %.3f", several, one, several / one), String.format(Locale.ROOT, "<= %.2f (no worse, within noise)",
                NO_WORSE_TOLERANCE), several / one <= NO_WORSE_TOLERANCE);
        report.line("  single, by method:" + byMethod(total(single), single.testVMs()));
        report.line("  split, by method: " + byMethod(total(split), split.testVMs()));
    }

    private static void reportSameLoad(Report report, VCentersPhase.Result sameLoad, VCentersPhase.Result split) {
        double one = sameLoad.requestsExcludingWaits() / (double) sameLoad.testVMs();
        double several = split.requestsExcludingWaits() / (double) split.testVMs();
        report.line(String.format(Locale.ROOT, "SOAP requests per lifecycle excluding WaitForUpdatesEx, split / one vCenter with as many"
                + " TestVMs as each split one (%d): %.1f / %.1f = %.3f%s (not the target's comparison: a reading of the cause)",
                sameLoad.testVMs(), several, one, several / one, sameLoad.allReady() ? "" : "; not comparable: not all Ready"));
        report.line("  single-same-load, by method:" + byMethod(total(sameLoad), sameLoad.testVMs()));
    }

    private static Map<String, Long> total(VCentersPhase.Result r) {
        Map<String, Long> sum = new TreeMap<>();
        r.perVCenter().values().forEach(v -> v.stats().requestsByMethod().forEach((m, c) -> sum.merge(m, c, Long::sum)));
        return sum;
    }

    private static String byMethod(Map<String, Long> requests, int n) {
        StringBuilder line = new StringBuilder();
        requests.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> line.append(String.format(Locale.ROOT, " %s %.2f;", e.getKey(), e.getValue() / (double) n)));
        return line.toString();
    }
}
