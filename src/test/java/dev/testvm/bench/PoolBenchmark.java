package dev.testvm.bench;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.GuestSpec;
import dev.testvm.api.IpDiscoverySpec;
import dev.testvm.api.IpDiscoveryStrategy;
import dev.testvm.api.PoolClaim;
import dev.testvm.api.SecretKeyRef;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMPool;
import dev.testvm.api.TestVMPoolSpec;
import dev.testvm.api.TestVMSpec;
import dev.testvm.api.WhenPoolEmpty;
import dev.testvm.vsphere.vim.VimVCenter;
import java.lang.management.ManagementFactory;
import dev.testvm.config.DiscoveryWiring;
import dev.testvm.pool.PoolObserver;
import dev.testvm.pool.TestVMPoolReconciler;
import dev.testvm.reconciler.TestVMReconciler;
import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.testsupport.TestOperatorConfig;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Apply → Ready from a warm pool vs instant clone vs linked clone, in one run (not a test: a
 * command, see {@code hack/bench-pool.sh} and {@code docs/benchmarks.md}).
 *
 * <p>A real kube-apiserver + etcd, our simulator in real time with the seed's Linux timings
 * (linked clone 1 s, power-on 0.5 s, Tools 20 s and IP 21.5 s after power-on; instant clone 1 s,
 * IP 1.5 s after it), and the operator in-process (TestVMReconciler + TestVMPoolReconciler, 8
 * vCenter tasks in flight). Every TestVM uses guest operations to find its IP.
 * <ol>
 *   <li>Refill: a pool of N is created; time until N are Ready (refill throughput), SOAP requests per pool VM.</li>
 *   <li>Claims alone: the pool paused (no refill traffic), N claimants applied at once; apply → Ready
 *       and SOAP requests per claim, by method.</li>
 *   <li>Same run: the pool refilled to N, then N claimants, N instant and N linked clones applied at once.</li>
 * </ol>
 * Apply → Ready is measured by the client: the create call's start to a watch on the API server
 * seeing condition Ready=True.
 */
public final class PoolBenchmark {

    private static final String NAMESPACE = "bench-pool";
    private static final String SECRET = "bench-guest-login";
    private static final String POOL = "warm";
    private static final String TEMPLATE = "Templates/ubuntu-22.04";
    private static final String RUNNING = "bench-running";
    static final int MAX_TASKS = 8;
    static final String USAGE = "hack/bench-pool.sh [--per-kind 10] [--time-scale 1.0] [--timeout 5m]";

    record Options(int perKind, double timeScale, Duration timeout) {
        static Options parse(String[] args) {
            Map<String, String> values = BenchSupport.flags(args, List.of("per-kind", "time-scale", "timeout"), USAGE);
            return new Options(Integer.parseInt(values.getOrDefault("per-kind", "10")),
                    Double.parseDouble(values.getOrDefault("time-scale", "1.0")),
                    dev.testvm.api.Durations.parse(values.getOrDefault("timeout", "5m")));
        }
    }

    /** When each TestVM was applied and first seen Ready, by name (epoch millis). */
    private final Map<String, Long> appliedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> readyAt = new ConcurrentHashMap<>();
    private final Map<String, TestVM> readyVersions = new ConcurrentHashMap<>();
    private final KubernetesClient client;
    private final Simulator simulator;
    private final Options options;

    private PoolBenchmark(KubernetesClient client, Simulator simulator, Options options) {
        this.client = client;
        this.simulator = simulator;
        this.options = options;
    }

    public static void main(String[] args) {
        try {
            Options options = Options.parse(args);
            Path out = Files.createDirectories(Path.of("target", "bench-pool"));
            BenchSupport.quietLogs(out.resolve("operator.log"));
            say("command: " + USAGE.split(" ")[0] + " " + String.join(" ", args) + "; load average at the start "
                + String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()) + " on "
                + Runtime.getRuntime().availableProcessors() + " CPUs");
            KubeApiServers.kubeConfigYaml();
            try (KubernetesClient client = KubeApiServers.newClient();
                    Simulator simulator = new SimulatorExtension().timeScale(options.timeScale).start()) {
                new PoolBenchmark(client, simulator, options).run(out);
            }
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private void run(Path out) throws Exception {
        BenchSupport.namespaceWithGuestLogin(client, NAMESPACE, SECRET);
        simulator.addTemplate(RUNNING, "ubuntu-22.04", Map.of(), List.of(), true);
        VCenterRegistry vcenter = VCenterRegistry.of("DC0", () -> VimVCenter.connect(simulator.connectionSettings(MAX_TASKS)));
        TestOperatorConfig config = new TestOperatorConfig(simulator.url(), "DC0", Duration.ofSeconds(30),
                Duration.ofMillis(250), Duration.ofMillis(500), MAX_TASKS);
        Operator operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
        operator.register(new TestVMReconciler(vcenter, client, dev.testvm.config.OperatorBeans.reconcilerSettingsOf(config), DiscoveryWiring.of(config.discovery())), o -> o.settingNamespaces(NAMESPACE));
        operator.register(new TestVMPoolReconciler(client, PoolObserver.NOOP), o -> o.settingNamespaces(NAMESPACE));
        operator.start();
        say("simulator " + simulator.url() + " at time-scale " + options.timeScale + " (seed timings), operator in-process, "
                + MAX_TASKS + " vCenter tasks in flight; its log: " + out.resolve("operator.log"));
        Watch watch = watchReady();
        try {
            StringBuilder report = new StringBuilder();
            report.append(refill()).append(claimsAlone()).append(sameRun());
            System.out.println();
            System.out.println(report);
        } finally {
            watch.close();
            cleanUp();
            operator.stop();
            vcenter.close();
        }
    }

    private String refill() throws InterruptedException {
        int n = options.perKind;
        simulator.resetStats();
        long start = System.currentTimeMillis();
        client.resource(pool(n)).create();
        waitUntil("pool " + POOL + " has " + n + " Ready VMs", () -> readyMembers() >= n);
        double seconds = (System.currentTimeMillis() - start) / 1000.0;
        Simulator.Stats stats = simulator.stats();
        return String.format(Locale.ROOT, "## Refill: a pool of %d from empty%n%n%d pool VMs Ready %.1f s after the pool was created:"
                + " %.2f VMs/s (%d vCenter tasks in flight at most, refillConcurrency %d); SOAP requests per pool VM %.1f%n%n",
                n, n, seconds, n / seconds, MAX_TASKS, n, stats.totalRequests() / (double) n);
    }

    private String claimsAlone() throws InterruptedException {
        int n = options.perKind;
        setPaused(true);
        simulator.resetStats();
        List<String> names = apply("claim-alone-", n, Kind.POOL);
        waitUntil(n + " claimants Ready", () -> names.stream().allMatch(readyAt::containsKey));
        Simulator.Stats stats = simulator.stats();
        long fromPool = names.stream().filter(name -> PoolClaim.CLAIMED.equals(outcome(name))).count();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "## Claims alone: %d claimants applied at once, pool of %d paused%n%n", n, n));
        out.append(table(Map.of("pool", names)));
        out.append(claimBreakdown(names));
        out.append(String.format(Locale.ROOT, "%nserved from the pool: %d of %d; SOAP requests per claim: %.2f (", fromPool, n,
                stats.totalRequests() / (double) n));
        new TreeMap<>(stats.requestsByMethod()).forEach((method, count) -> out.append(String.format(Locale.ROOT, "%s %.2f, ", method, count / (double) n)));
        out.setLength(out.length() - 2);
        out.append(")\n\n");
        return out.toString();
    }

    private String sameRun() throws InterruptedException {
        int n = options.perKind;
        setPaused(false);
        waitUntil("pool " + POOL + " refilled to " + n, () -> readyMembers() >= n);
        Map<String, List<String>> kinds = new LinkedHashMap<>();
        kinds.put("pool", new ArrayList<>());
        kinds.put("instant", new ArrayList<>());
        kinds.put("linked", new ArrayList<>());
        for (int i = 1; i <= n; i++) {
            kinds.get("pool").add(applyOne("pool-" + i, Kind.POOL));
            kinds.get("instant").add(applyOne("instant-" + i, Kind.INSTANT));
            kinds.get("linked").add(applyOne("linked-" + i, Kind.LINKED));
        }
        waitUntil("all " + 3 * n + " TestVMs Ready", () -> kinds.values().stream().flatMap(List::stream).allMatch(readyAt::containsKey));
        long fromPool = kinds.get("pool").stream().filter(name -> PoolClaim.CLAIMED.equals(outcome(name))).count();
        String out = String.format(Locale.ROOT, "## Same run: %d claimants, %d instant clones, %d linked clones applied at once%n%n", n, n, n)
                + table(kinds)
                + String.format(Locale.ROOT, "%nclaimants served from the pool: %d of %d (the pool refills meanwhile, its clones queue with the others)%n",
                        fromPool, n)
                + claimBreakdown(kinds.get("pool"));
        double[] pool = seconds(kinds.get("pool"));
        out += String.format(Locale.ROOT, "load average at the end of the run: %.1f on %d CPUs%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
        return out + String.format(Locale.ROOT, "pool apply -> Ready: p50 %.3f s (target < 1 s) -> %s, p95 %.3f s (target < 2 s) -> %s%n",
                BenchSupport.percentile(pool, 50), BenchSupport.percentile(pool, 50) < 1 ? "met" : "MISSED",
                BenchSupport.percentile(pool, 95), BenchSupport.percentile(pool, 95) < 2 ? "met" : "MISSED");
    }

    /** For claimants: apply -> the claim written by the operator (status.pool.claimedAt, the operator's clock). */
    private String claimBreakdown(List<String> names) {
        double[] toClaim = names.stream().map(readyVersions::get).filter(t -> t != null && t.getStatus().getPool() != null
                && t.getStatus().getPool().getClaimedAt() != null)
                .mapToDouble(t -> (java.time.Instant.parse(t.getStatus().getPool().getClaimedAt()).toEpochMilli()
                        - appliedAt.get(t.getMetadata().getName())) / 1000.0).sorted().toArray();
        return String.format(Locale.ROOT, "of which apply -> claim decided in the operator's pass (status.pool.claimedAt): p50 %.3f s, p95 %.3f s;"
                + " the rest is the claim's status patch and the watch delivering it%n",
                BenchSupport.percentile(toClaim, 50), BenchSupport.percentile(toClaim, 95));
    }

    private String table(Map<String, List<String>> kinds) {
        StringBuilder out = new StringBuilder("| apply -> Ready | n | p50 | p95 | max |\n| --- | --- | --- | --- | --- |\n");
        kinds.forEach((kind, names) -> {
            double[] s = seconds(names);
            out.append(String.format(Locale.ROOT, "| %s | %d | %.3f s | %.3f s | %.3f s |%n", kind, s.length,
                    BenchSupport.percentile(s, 50), BenchSupport.percentile(s, 95), s.length == 0 ? Double.NaN : s[s.length - 1]));
        });
        return out.toString();
    }

    private double[] seconds(List<String> names) {
        return names.stream().filter(readyAt::containsKey)
                .mapToDouble(name -> (readyAt.get(name) - appliedAt.get(name)) / 1000.0).sorted().toArray();
    }

    private enum Kind { POOL, INSTANT, LINKED }

    private List<String> apply(String prefix, int count, Kind kind) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            names.add(applyOne(prefix + i, kind));
        }
        return names;
    }

    private String applyOne(String name, Kind kind) {
        TestVMSpec spec = machine(kind == Kind.INSTANT ? "Templates/" + RUNNING : TEMPLATE, kind == Kind.INSTANT ? CloneTypeSpec.instant : CloneTypeSpec.linked);
        if (kind == Kind.POOL) {
            spec.setPoolRef(POOL);
        }
        TestVM testVM = new TestVM();
        testVM.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
        testVM.setSpec(spec);
        appliedAt.put(name, System.currentTimeMillis());
        client.resource(testVM).create();
        return name;
    }

    private static TestVMSpec machine(String template, CloneTypeSpec cloneType) {
        TestVMSpec spec = new TestVMSpec();
        spec.setTemplate(template);
        spec.setCloneType(cloneType);
        GuestSpec guest = new GuestSpec();
        SecretKeyRef ref = new SecretKeyRef();
        ref.setName(SECRET);
        guest.setCredentialsSecretRef(ref);
        spec.setGuest(guest);
        IpDiscoverySpec discovery = new IpDiscoverySpec();
        discovery.setStrategy(IpDiscoveryStrategy.guestOperations);
        spec.setIpDiscovery(discovery);
        return spec;
    }

    private TestVMPool pool(int size) {
        TestVMPool pool = new TestVMPool();
        pool.setMetadata(new ObjectMetaBuilder().withName(POOL).withNamespace(NAMESPACE).build());
        TestVMPoolSpec spec = new TestVMPoolSpec();
        spec.setVm(machine(TEMPLATE, CloneTypeSpec.linked));
        spec.setSize(size);
        spec.setRefillConcurrency(size);
        spec.setWhenEmpty(WhenPoolEmpty.Clone);
        pool.setSpec(spec);
        return pool;
    }

    private void setPaused(boolean paused) {
        client.resources(TestVMPool.class).inNamespace(NAMESPACE).withName(POOL).edit(p -> {
            p.getSpec().setPaused(paused);
            return p;
        });
    }

    private long readyMembers() {
        return client.resources(TestVM.class).inNamespace(NAMESPACE).withLabel("testvm.dev/pool", POOL).list().getItems().stream()
                .filter(m -> m.getMetadata().getLabels().get("testvm.dev/claimed-by") == null && isReady(m)).count();
    }

    private String outcome(String name) {
        TestVM t = readyVersions.get(name);
        return t == null || t.getStatus().getPool() == null ? null : t.getStatus().getPool().getOutcome();
    }

    private Watch watchReady() {
        return client.resources(TestVM.class).inNamespace(NAMESPACE).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, TestVM testVM) {
                long now = System.currentTimeMillis();
                if (isReady(testVM)) {
                    readyAt.putIfAbsent(testVM.getMetadata().getName(), now);
                    readyVersions.putIfAbsent(testVM.getMetadata().getName(), testVM);
                }
            }

            @Override
            public void onClose(WatcherException cause) {}
        });
    }

    private static boolean isReady(TestVM t) {
        return t.getStatus() != null && t.getStatus().getConditions().stream()
                .anyMatch(c -> ConditionTypes.READY.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private void waitUntil(String what, BooleanSupplier done) throws InterruptedException {
        say("waiting until " + what);
        long deadline = System.currentTimeMillis() + options.timeout.toMillis();
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("not within " + options.timeout + ": " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Best effort: a loaded API server may time a collection delete out; try again until the namespace is empty. */
    private void cleanUp() throws InterruptedException {
        say("deleting the pool and the TestVMs");
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                client.resources(TestVMPool.class).inNamespace(NAMESPACE).delete();
                client.resources(TestVM.class).inNamespace(NAMESPACE).delete();
                if (client.resources(TestVM.class).inNamespace(NAMESPACE).list().getItems().isEmpty()) {
                    return;
                }
            } catch (RuntimeException e) {
                say("cleaning up: " + e.getMessage());
            }
            Thread.sleep(1000);
        }
    }

    static void say(String line) {
        System.out.println("[bench-pool] " + line);
    }
}
