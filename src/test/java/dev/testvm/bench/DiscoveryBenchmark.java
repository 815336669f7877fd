package dev.testvm.bench;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.GuestSpec;
import dev.testvm.api.IpDiscoverySpec;
import dev.testvm.api.IpDiscoveryStrategy;
import dev.testvm.api.SecretKeyRef;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMSpec;
import dev.testvm.api.Timings;
import dev.testvm.config.DiscoveryWiring;
import dev.testvm.reconciler.TestVMReconciler;
import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.TestOperatorConfig;
import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.vsphere.vim.VimVCenter;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Time to IP, VMware Tools vs guest operations, in one simulator run (not a test: a command, see
 * {@code hack/bench-discovery.sh} and {@code docs/benchmarks.md}).
 *
 * <p>Starts a real kube-apiserver + etcd, our vCenter simulator in real time (time-scale 1 unless
 * told otherwise) with the seed's Linux timings on a template of its own, and the operator
 * in-process (plain java-operator-sdk with our {@link TestVMReconciler}, as in production minus
 * Quarkus). Applies N TestVMs with {@code strategy: tools} and N with {@code strategy:
 * guestOperations} at once, waits until all are Ready, and prints for each strategy the seed's table
 * (Cloning, Booting, Getting IP: min, max, average, from {@code status.timings}) and the discovery
 * latency: when a watch on the API server saw {@code status.ip}, minus when the simulator gave the
 * guest its address ({@code ipAssignedAt} of {@code GET /testvm-sim/vms}).
 */
public final class DiscoveryBenchmark {

    private static final String NAMESPACE = "bench";
    private static final String SECRET = "bench-guest-login";

    /** Command line options (all optional). */
    record Options(int perStrategy, String os, double bootSeconds, double dhcpSeconds, double toolsPollSeconds,
            double cloneSeconds, double powerOnSeconds, double timeScale, Duration initialBackoff, Duration maxBackoff,
            Duration timeout, String vcPropagationSeconds, String templateFrom, String readiness) {

        static Options parse(String[] args) {
            Map<String, String> values = BenchSupport.flags(args, List.of("per-strategy", "os", "boot-seconds", "dhcp-seconds",
                    "tools-poll-seconds", "clone-seconds", "power-on-seconds", "time-scale", "initial-backoff", "max-backoff", "timeout",
                    "vc-propagation-seconds", "template-from", "readiness"), USAGE);
            Options options = new Options(
                    (int) number(values, "per-strategy", 10),
                    values.getOrDefault("os", "linux"),
                    number(values, "boot-seconds", 20),
                    number(values, "dhcp-seconds", 1.0),
                    number(values, "tools-poll-seconds", 30),
                    number(values, "clone-seconds", 1.0),
                    number(values, "power-on-seconds", 0.5),
                    number(values, "time-scale", 1.0),
                    dev.testvm.api.Durations.parse(values.getOrDefault("initial-backoff", "250ms")),
                    dev.testvm.api.Durations.parse(values.getOrDefault("max-backoff", "500ms")),
                    dev.testvm.api.Durations.parse(values.getOrDefault("timeout", "4m")),
                    values.get("vc-propagation-seconds"),
                    values.get("template-from"),
                    values.getOrDefault("readiness", "none"));
            if (!options.os.equals("linux") && !options.os.equals("windows")) {
                throw new IllegalArgumentException("--os is linux or windows");
            }
            if (!List.of("none", "command", "guestinfo").contains(options.readiness)) {
                throw new IllegalArgumentException("--readiness is none, command or guestinfo");
            }
            return options;
        }

        private static double number(Map<String, String> values, String key, double fallback) {
            return values.containsKey(key) ? Double.parseDouble(values.get(key)) : fallback;
        }
    }

    static final String USAGE = "hack/bench-discovery.sh [--per-strategy 10] [--os linux|windows] [--boot-seconds 20]"
            + " [--dhcp-seconds 1.0] [--tools-poll-seconds 30] [--clone-seconds 1] [--power-on-seconds 0.5]"
            + " [--time-scale 1.0] [--initial-backoff 250ms] [--max-backoff 500ms] [--timeout 4m]"
            + " [--vc-propagation-seconds S (simulator default)] [--template-from ubuntu-22.04|windows-2016|ubuntu-docker|...]"
            + " [--readiness none|command|guestinfo]";

    /** The readiness command of {@code --readiness command}: the simulated ssh service is up when the guest has its IP. */
    static final String READINESS_COMMAND_LINUX = "systemctl is-active ssh";
    static final String READINESS_COMMAND_WINDOWS = "sc query sshd | findstr RUNNING";
    static final String READY_KEY = "guestinfo.testvm.ready";

    /** The ESXi host (simulator vCenter mode) whose guest files the operator can download. */
    static final String REACHABLE_HOST = "esx-01.testvm-sim.invalid";
    /** The ESXi host behind a "firewall" (connections refused): only the vCenter-only channel works. */
    static final String FIREWALLED_HOST = "esx-02.testvm-sim.invalid";

    /** One column of the comparison: a strategy on a template on a given ESXi host. */
    record Group(String label, String prefix, IpDiscoveryStrategy strategy, boolean firewalled) {}

    static final List<Group> GROUPS = List.of(
            new Group("tools", "tools", IpDiscoveryStrategy.tools, false),
            new Group("guestOperations through the ESXi host", "host", IpDiscoveryStrategy.guestOperations, false),
            new Group("guestOperations, vCenter only (host firewalled)", "vconly", IpDiscoveryStrategy.guestOperations, true));

    /** The operator's bound on vCenter tasks in flight during the benchmark (its default). */
    static final int MAX_TASKS = 8;

    /** One TestVM's numbers. */
    record Sample(String name, String group, String ipSource, Timings timings, long ipSeenAt, long ipAssignedAt,
            long ipPublishedAt, long poweredOnLag, long toolsRunningLag, long appliedAt, long cloneStartedAt, long readySeenAt,
            boolean ipIsNic0) {

        double latencySeconds() {
            return (ipSeenAt - ipAssignedAt) / 1000.0;
        }
    }

    public static void main(String[] args) {
        try {
            run(Options.parse(args), args);
        } catch (Throwable e) {
            // The API server, etcd and the simulator are child processes: exit so they go too.
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(Options options, String[] args) throws Exception {
        Path out = Files.createDirectories(Path.of("target", "bench-discovery"));
        BenchSupport.quietLogs(out.resolve("operator.log"));
        say("command: " + USAGE.split(" ")[0] + " " + String.join(" ", args));
        say("starting kube-apiserver + etcd");
        KubeApiServers.kubeConfigYaml();
        try (KubernetesClient client = KubeApiServers.newClient();
                Simulator simulator = new SimulatorExtension().timeScale(options.timeScale).guestFileMode("vcenter").start()) {
            BenchSupport.namespaceWithGuestLogin(client, NAMESPACE, SECRET);
            String template = "bench-" + options.os;
            Map<String, String> knobs = new LinkedHashMap<>(Map.of(
                    "toolsSeconds", fmt(options.bootSeconds),
                    "ipSeconds", fmt(options.bootSeconds + options.dhcpSeconds),
                    "toolsPollSeconds", fmt(options.toolsPollSeconds),
                    "cloneSeconds.linked", fmt(options.cloneSeconds),
                    "powerOnSeconds", fmt(options.powerOnSeconds)));
            if (options.vcPropagationSeconds() != null) {
                knobs.put("vcPropagationSeconds", options.vcPropagationSeconds());
            }
            String from = options.templateFrom() != null ? options.templateFrom()
                    : options.os.equals("linux") ? "ubuntu-22.04" : "windows-2016";
            if (options.readiness().equals("command")) {
                knobs.put("services", options.os.equals("linux") ? "ssh=0" : "sshd=0");
            } else if (options.readiness().equals("guestinfo")) {
                knobs.put("readyKey", READY_KEY);
                knobs.put("readySeconds", "0");
            }
            simulator.addTemplate(template, from, knobs, List.of(), false, REACHABLE_HOST);
            simulator.addTemplate(template + "-fw", from, knobs, List.of(), false, FIREWALLED_HOST);
            simulator.hostMode(FIREWALLED_HOST, "refused");
            say(String.format(Locale.ROOT, "simulator at %s, time-scale %s, guest files served by ESXi hosts (vCenter mode);"
                    + " Templates/%s on %s, Templates/%s-fw on %s (connections refused); linked clone %s s, power-on %s s,"
                    + " Tools %s s after power-on, DHCP %s s after Tools, Tools poll %s s, guest -> vCenter propagation %s s",
                    simulator.url(), fmt(options.timeScale), template, REACHABLE_HOST, template, FIREWALLED_HOST,
                    fmt(options.cloneSeconds), fmt(options.powerOnSeconds), fmt(options.bootSeconds), fmt(options.dhcpSeconds),
                    fmt(options.toolsPollSeconds), options.vcPropagationSeconds() == null ? "(simulator default)"
                            : options.vcPropagationSeconds()));

            VCenterRegistry vcenter = VCenterRegistry.of("DC0", () -> VimVCenter.connect(simulator.connectionSettings(8)));
            TestOperatorConfig config = new TestOperatorConfig(simulator.url(), "DC0", Duration.ofSeconds(30),
                    options.initialBackoff, options.maxBackoff, MAX_TASKS);
            Operator operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
            operator.register(new TestVMReconciler(vcenter, client, dev.testvm.config.OperatorBeans.reconcilerSettingsOf(config), DiscoveryWiring.of(config.discovery())),
                    o -> o.settingNamespaces(NAMESPACE));
            operator.start();
            say("operator started in-process (java-operator-sdk + TestVMReconciler), discovery backoff "
                    + options.initialBackoff.toMillis() + " ms doubling to " + options.maxBackoff.toMillis()
                    + " ms; its log: " + out.resolve("operator.log"));

            Map<String, Long> ipSeenAt = new ConcurrentHashMap<>();
            Map<String, Long> readySeenAt = new ConcurrentHashMap<>();
            Map<String, TestVM> ready = new ConcurrentHashMap<>();
            Watch watch = client.resources(TestVM.class).inNamespace(NAMESPACE).watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, TestVM testVM) {
                    long now = System.currentTimeMillis();
                    if (testVM.getStatus() != null && testVM.getStatus().getIp() != null) {
                        ipSeenAt.putIfAbsent(testVM.getMetadata().getName(), now);
                        if (options.readiness().equals("none") || testVM.getStatus().getPhase() == dev.testvm.api.Phase.Ready) {
                            readySeenAt.putIfAbsent(testVM.getMetadata().getName(), now);
                            ready.put(testVM.getMetadata().getName(), testVM);
                        }
                    }
                }

                @Override
                public void onClose(WatcherException cause) {}
            });

            var before = simulator.stats();
            List<String> names = new ArrayList<>();
            Map<String, Long> appliedAt = new LinkedHashMap<>();
            for (int i = 1; i <= options.perStrategy; i++) {
                for (Group group : GROUPS) {
                    String name = group.prefix() + "-" + i;
                    appliedAt.put(name, System.currentTimeMillis());
                    client.resource(withReadiness(options, testVM(name, "Templates/" + template + (group.firewalled() ? "-fw" : ""),
                            group.strategy()))).create();
                    names.add(name);
                }
            }
            Instant applied = Instant.now();
            say("applied " + names.size() + " TestVMs; waiting until all have status.ip");
            long deadline = System.currentTimeMillis() + options.timeout.toMillis();
            while (ready.size() < names.size() && System.currentTimeMillis() < deadline) {
                Thread.sleep(250);
            }
            double allReady = Duration.between(applied, Instant.now()).toMillis() / 1000.0;
            watch.close();
            var after = simulator.stats();
            if (ready.size() < names.size()) {
                say("only " + ready.size() + " of " + names.size() + " TestVMs got an IP within " + options.timeout);
            }

            Map<String, Map<String, Object>> vms = new LinkedHashMap<>();
            for (Map<String, Object> vm : simulator.vms()) {
                vms.put(String.valueOf(vm.get("uid")), vm);
            }
            List<Sample> samples = new ArrayList<>();
            for (String name : names) {
                TestVM testVM = ready.get(name);
                if (testVM == null) {
                    continue;
                }
                Map<String, Object> vm = vms.get(testVM.getMetadata().getUid());
                var milestones = testVM.getStatus().getMilestones();
                samples.add(new Sample(name, groupOf(name).label(), testVM.getStatus().getIpSource(),
                        testVM.getStatus().getTimings(), ipSeenAt.get(name), number(vm, "ipAssignedAt"), number(vm, "ipPublishedAt"),
                        Instant.parse(milestones.getPoweredOnAt()).toEpochMilli() - number(vm, "poweredOnAt"),
                        Instant.parse(milestones.getToolsRunningAt()).toEpochMilli() - number(vm, "toolsRunningAt"),
                        appliedAt.get(name), Instant.parse(milestones.getCloneStartedAt()).toEpochMilli(), readySeenAt.get(name),
                        vm != null && vm.get("ips") instanceof List<?> ips && !ips.isEmpty()
                                && ips.get(0).equals(testVM.getStatus().getIp())));
            }
            System.out.println();
            System.out.println(report(options, samples, allReady, before, after));
            System.out.println(addressAndReadiness(options, samples, from));

            say("deleting the TestVMs");
            client.resources(TestVM.class).inNamespace(NAMESPACE).delete();
            long cleanupDeadline = System.currentTimeMillis() + 60_000;
            while (!client.resources(TestVM.class).inNamespace(NAMESPACE).list().getItems().isEmpty()
                    && System.currentTimeMillis() < cleanupDeadline) {
                Thread.sleep(250);
            }
            operator.stop();
            vcenter.close();
        }
    }

    static String report(Options options, List<Sample> samples, double allReady, Simulator.Stats before, Simulator.Stats after) {
        StringBuilder out = new StringBuilder();
        double scale = options.timeScale;
        String scaleNote = scale == 1.0 ? "" : String.format(Locale.ROOT,
                " (simulator time-scale %s: every value below is a real-time equivalent, measured seconds / %s;"
                        + " the operator's own latency is not scaled, so it is overstated by that factor)", fmt(scale), fmt(scale));
        out.append(String.format(Locale.ROOT, "## %d TestVMs per channel, %s linked clones, all applied at once%s%n%n",
                options.perStrategy, options.os, scaleNote));
        Map<String, List<Sample>> byGroup = new LinkedHashMap<>();
        for (Group group : GROUPS) {
            byGroup.put(group.label(), samples.stream().filter(s -> s.group().equals(group.label())).toList());
        }
        Map<String, Double> gettingIp = new LinkedHashMap<>();
        for (var entry : byGroup.entrySet()) {
            List<Sample> list = entry.getValue();
            Map<String, Long> sources = new java.util.TreeMap<>();
            list.forEach(s -> sources.merge(String.valueOf(s.ipSource()), 1L, Long::sum));
            out.append(String.format(Locale.ROOT, "%s (%d TestVMs; ipSource %s)%n%n", entry.getKey(), list.size(), sources));
            out.append("| Phase | Minimum | Maximum | Average |\n| --- | --- | --- | --- |\n");
            out.append(row("Cloning", list, s -> s.timings().getCloneSeconds() / scale));
            out.append(row("Booting", list, s -> s.timings().getToolsSeconds() / scale));
            out.append(row("Getting IP", list, s -> s.timings().getIpSeconds() / scale));
            out.append('\n');
            gettingIp.put(entry.getKey(), list.stream().mapToDouble(s -> s.timings().getIpSeconds() / scale).average().orElse(Double.NaN));
        }
        double tools = gettingIp.get(GROUPS.get(0).label());
        for (Group group : GROUPS.subList(1, GROUPS.size())) {
            double ratio = tools / gettingIp.get(group.label());
            out.append(String.format(Locale.ROOT, "Getting IP, average: tools %.2f s / %s %.2f s = %.1fx (target: at least 20x) -> %s%n",
                    tools, group.label(), gettingIp.get(group.label()), ratio, ratio >= 20 ? "met" : "MISSED"));
        }
        out.append('\n');

        out.append("Discovery latency: status.ip seen by a watch on the API server minus the moment the simulator gave the guest its IP\n\n");
        out.append("| channel | median | p95 | max |\n| --- | --- | --- | --- |\n");
        for (var entry : byGroup.entrySet()) {
            double[] latencies = entry.getValue().stream().mapToDouble(Sample::latencySeconds).sorted().toArray();
            out.append(String.format(Locale.ROOT, "| %s | %.3f s | %.3f s | %.3f s |%n", entry.getKey(),
                    BenchSupport.percentile(latencies, 50), BenchSupport.percentile(latencies, 95), latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1]));
        }
        out.append('\n');
        for (Group group : GROUPS.subList(1, GROUPS.size())) {
            double[] latencies = byGroup.get(group.label()).stream().mapToDouble(Sample::latencySeconds).sorted().toArray();
            double median = BenchSupport.percentile(latencies, 50);
            out.append(String.format(Locale.ROOT, "%s discovery latency: median %.3f s (target < 0.5 s) -> %s, p95 %.3f s%n",
                    group.label(), median, median < 0.5 ? "met" : "MISSED", BenchSupport.percentile(latencies, 95)));
        }
        double[] afterPublish = byGroup.get(GROUPS.get(0).label()).stream().filter(s -> s.ipPublishedAt() > 0)
                .mapToDouble(s -> (s.ipSeenAt() - s.ipPublishedAt()) / 1000.0).sorted().toArray();
        out.append(String.format(Locale.ROOT, "tools: status.ip seen minus Tools publishing the IP (guest.ipAddress): median %.3f s, p95 %.3f s%n",
                BenchSupport.percentile(afterPublish, 50), BenchSupport.percentile(afterPublish, 95)));
        double[] powerLag = samples.stream().mapToDouble(s -> s.poweredOnLag() / 1000.0).sorted().toArray();
        double[] toolsLag = samples.stream().mapToDouble(s -> s.toolsRunningLag() / 1000.0).sorted().toArray();
        out.append(String.format(Locale.ROOT, "milestones noted by the operator minus the simulator's own time (event delivery lag):"
                + " powered on median %.3f s / p95 %.3f s, Tools running median %.3f s / p95 %.3f s%n",
                BenchSupport.percentile(powerLag, 50), BenchSupport.percentile(powerLag, 95), BenchSupport.percentile(toolsLag, 50), BenchSupport.percentile(toolsLag, 95)));
        out.append(String.format(Locale.ROOT, "all %d TestVMs had status.ip %.1f s after they were applied%n", samples.size(), allReady));
        // The operator's own share at the start: from the create call to the clone task being started.
        double[] toClone = samples.stream().mapToDouble(s -> (s.cloneStartedAt() - s.appliedAt()) / 1000.0).sorted().toArray();
        double[] toIp = samples.stream().mapToDouble(s -> (s.ipSeenAt() - s.appliedAt()) / 1000.0).sorted().toArray();
        out.append(String.format(Locale.ROOT, "apply -> clone task started: median %.3f s, p95 %.3f s, max %.3f s"
                + " (%d TestVMs at once, at most %d vCenter tasks in flight)%n",
                BenchSupport.percentile(toClone, 50), BenchSupport.percentile(toClone, 95), toClone[toClone.length - 1], samples.size(), MAX_TASKS));
        out.append(String.format(Locale.ROOT, "apply -> status.ip seen: median %.1f s, p95 %.1f s%n", BenchSupport.percentile(toIp, 50), BenchSupport.percentile(toIp, 95)));
        int guestVms = samples.size() - byGroup.get(GROUPS.get(0).label()).size();
        if (guestVms > 0) {
            out.append("guest-operation calls per guestOperations TestVM (both channels together):");
            for (String method : List.of("StartProgramInGuest", "ListProcessesInGuest", "InitiateFileTransferFromGuest", "DeleteFileInGuest")) {
                out.append(String.format(Locale.ROOT, " %s %.1f", method, (after.requests(method) - before.requests(method)) / (double) guestVms));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Issue 16: which address was chosen (bridges in the guest) and what the readiness phase costs. */
    static String addressAndReadiness(Options options, List<Sample> samples, String from) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "template copied from %s; status.ip is the VM's first NIC's address (the simulator's ips[0],"
                + " never a guest-side bridge) for %d of %d TestVMs%n", from, samples.stream().filter(Sample::ipIsNic0).count(),
                samples.size()));
        if (options.readiness().equals("none")) {
            return out.toString();
        }
        out.append(String.format(Locale.ROOT, "%nreadiness %s (%s); the guest is ready the moment it has its IP, so the phase is the"
                + " operator's own cost%n%n", options.readiness(), options.readiness().equals("command")
                        ? "spec.readiness.command: " + (options.os().equals("linux") ? READINESS_COMMAND_LINUX : READINESS_COMMAND_WINDOWS)
                        : "spec.readiness.guestInfoKey: " + READY_KEY));
        out.append("| channel | apply -> IP seen, median | apply -> Ready seen, median | IP -> Ready seen: median | p95 | timings.readinessSeconds avg |\n");
        out.append("| --- | --- | --- | --- | --- | --- |\n");
        for (Group group : GROUPS) {
            List<Sample> list = samples.stream().filter(s -> s.group().equals(group.label())).toList();
            double[] toIp = list.stream().mapToDouble(s -> (s.ipSeenAt() - s.appliedAt()) / 1000.0).sorted().toArray();
            double[] toReady = list.stream().mapToDouble(s -> (s.readySeenAt() - s.appliedAt()) / 1000.0).sorted().toArray();
            double[] phase = list.stream().mapToDouble(s -> (s.readySeenAt() - s.ipSeenAt()) / 1000.0).sorted().toArray();
            double recorded = list.stream().filter(s -> s.timings().getReadinessSeconds() != null)
                    .mapToDouble(s -> s.timings().getReadinessSeconds()).average().orElse(Double.NaN);
            out.append(String.format(Locale.ROOT, "| %s | %.2f s | %.2f s | %.3f s | %.3f s | %.3f s |%n", group.label(),
                    BenchSupport.percentile(toIp, 50), BenchSupport.percentile(toReady, 50), BenchSupport.percentile(phase, 50),
                    BenchSupport.percentile(phase, 95), recorded));
        }
        return out.toString();
    }

    private static TestVM withReadiness(Options options, TestVM testVM) {
        if (options.readiness().equals("none")) {
            return testVM;
        }
        dev.testvm.api.ReadinessSpec readiness = new dev.testvm.api.ReadinessSpec();
        if (options.readiness().equals("command")) {
            readiness.setCommand(options.os().equals("linux") ? READINESS_COMMAND_LINUX : READINESS_COMMAND_WINDOWS);
        } else {
            readiness.setGuestInfoKey(READY_KEY);
        }
        testVM.getSpec().setReadiness(readiness);
        return testVM;
    }

    private static String row(String phase, List<Sample> samples, ToDoubleFunction<Sample> value) {
        DoubleSummaryStatistics stats = samples.stream().mapToDouble(value).summaryStatistics();
        return String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |%n", phase, stats.getMin(), stats.getMax(), stats.getAverage());
    }

    private static Group groupOf(String name) {
        return GROUPS.stream().filter(g -> name.startsWith(g.prefix() + "-")).findFirst().orElseThrow();
    }

    private static TestVM testVM(String name, String template, IpDiscoveryStrategy strategy) {
        TestVM testVM = new TestVM();
        testVM.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
        TestVMSpec spec = new TestVMSpec();
        spec.setTemplate(template);
        spec.setCloneType(CloneTypeSpec.linked);
        GuestSpec guest = new GuestSpec();
        SecretKeyRef ref = new SecretKeyRef();
        ref.setName(SECRET);
        guest.setCredentialsSecretRef(ref);
        spec.setGuest(guest);
        IpDiscoverySpec discovery = new IpDiscoverySpec();
        discovery.setStrategy(strategy);
        spec.setIpDiscovery(discovery);
        testVM.setSpec(spec);
        return testVM;
    }

    private static long number(Map<String, Object> vm, String key) {
        return vm == null || !(vm.get(key) instanceof Number n) ? 0 : n.longValue();
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static void say(String line) {
        System.out.println("[bench-discovery] " + line);
    }

    private DiscoveryBenchmark() {}
}
