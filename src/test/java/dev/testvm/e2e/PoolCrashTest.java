package dev.testvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMPool;
import dev.testvm.api.WhenPoolEmpty;
import dev.testvm.pool.PoolMembers;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.LocalOperator;
import dev.testvm.testsupport.OperatorProcess;
import dev.testvm.testsupport.SimulatorExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A warm pool under claims and refills while the operator JVM is SIGKILLed at random moments and
 * started again: no VM is ever held by two TestVMs, no claimant fails, and once the claimants and
 * the pool are deleted no VM is left. {@code -DpoolCrashSeed=N} replays a run (the seed is printed).
 */
class PoolCrashTest {

    static final String NAMESPACE = "pool-crash";
    static final String TEMPLATE = "Templates/ubuntu-22.04";
    static final int CLAIMANTS = 24;
    static final int IN_FLIGHT = 4;
    static final int MAX_KILLS = 10;
    static final Path LOGS = Path.of("target", "pool-crash");

    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().timeScale(0.05);

    private static KubernetesClient client;
    private static int logs;
    private OperatorProcess operator;

    @BeforeAll
    static void setUp() {
        client = KubeApiServers.newClient();
        LocalOperator.prepare(client, NAMESPACE);
    }

    @AfterAll
    static void tearDown() {
        client.close();
    }

    @AfterEach
    void killOperator() {
        if (operator != null) {
            operator.kill();
        }
    }

    @Test
    void killedDuringClaimsAndRefillsNeverHandsAVmOutTwiceAndLeaksNothing() {
        long seed = Long.getLong("poolCrashSeed", System.nanoTime());
        System.out.println("[PoolCrashTest] seed " + seed + " (replay with -DpoolCrashSeed=" + seed + ")");
        Random random = new Random(seed);
        startOperator();
        client.resource(Pools.pool(NAMESPACE, "crashy", TEMPLATE, 4, WhenPoolEmpty.Clone)).create();
        await().atMost(Duration.ofSeconds(120)).until(() -> Pools.ready(Pools.get(client, NAMESPACE, "crashy")) >= 2);

        Map<String, String> state = new TreeMap<>(); // name -> created | deleting | done
        List<String> failures = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        int kills = 0;
        Instant killAt = nextKill(random);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(6));
        int next = 0;
        while (next < CLAIMANTS || state.values().stream().anyMatch(s -> !s.equals("done"))) {
            assertThat(Instant.now()).as("claims not done after 6 minutes (seed " + seed + "): " + state).isBefore(deadline);
            if (kills < MAX_KILLS && Instant.now().isAfter(killAt)) {
                operator.kill();
                kills++;
                startOperator();
                killAt = nextKill(random);
            }
            Map<String, TestVM> current = new HashMap<>();
            client.resources(TestVM.class).inNamespace(NAMESPACE).list().getItems().forEach(t -> current.put(t.getMetadata().getName(), t));
            assertNoVmHeldTwice(current.values(), seed);
            long inFlight = state.values().stream().filter(s -> !s.equals("done")).count();
            if (next < CLAIMANTS && inFlight < IN_FLIGHT) {
                String name = "claimant-" + next++;
                client.resource(Pools.claimant(NAMESPACE, name, TEMPLATE, "crashy")).create();
                state.put(name, "created");
            }
            for (Map.Entry<String, String> entry : state.entrySet()) {
                TestVM seen = current.get(entry.getKey());
                if (entry.getValue().equals("created")) {
                    TestVMs.failed(seen).ifPresent(c -> failures.add(entry.getKey() + ": " + c.getReason() + " " + c.getMessage()));
                    if (TestVMs.isReady(seen) || TestVMs.failed(seen).isPresent()) {
                        outcomes.merge(String.valueOf(Pools.outcome(seen)), 1, Integer::sum);
                        client.resource(seen).delete();
                        entry.setValue("deleting");
                    }
                } else if (entry.getValue().equals("deleting") && seen == null) {
                    entry.setValue("done");
                }
            }
            sleep(Duration.ofMillis(150));
        }
        System.out.printf("[PoolCrashTest] seed %d: %d claimants, %d kills, outcomes %s%n", seed, CLAIMANTS, kills, outcomes);
        assertThat(failures).as("claimants that failed (seed " + seed + ")").isEmpty();
        assertThat(kills).isGreaterThan(0);
        assertThat(outcomes.getOrDefault("Claimed", 0)).as("claims served from the pool (seed " + seed + ")").isGreaterThan(0);

        client.resources(TestVMPool.class).inNamespace(NAMESPACE).withName("crashy").delete();
        await().atMost(Duration.ofSeconds(180)).until(() -> client.resources(TestVM.class).inNamespace(NAMESPACE).list().getItems().isEmpty()
                && Pools.get(client, NAMESPACE, "crashy") == null);
        await().atMost(Duration.ofSeconds(60)).until(() -> SIM.simulator().vms().stream()
                .noneMatch(vm -> String.valueOf(vm.get("name")).startsWith(NAMESPACE + "-")));
    }

    /** Claimants hold distinct VMs, and none holds a VM that an unclaimed pool TestVM still offers. */
    private static void assertNoVmHeldTwice(Iterable<TestVM> testVMs, long seed) {
        Map<String, String> holder = new HashMap<>();
        for (TestVM t : testVMs) {
            String vm = PoolMembers.vmOf(t);
            boolean offered = PoolMembers.poolOf(t).isPresent() && !PoolMembers.isClaimed(t);
            boolean held = PoolMembers.poolOf(t).isEmpty();
            if (vm == null || (!offered && !held)) {
                continue;
            }
            String previous = holder.put(vm, t.getMetadata().getName());
            assertThat(previous).as("VM %s held by %s and %s (seed %d)", vm, previous, t.getMetadata().getName(), seed).isNull();
        }
    }

    private void startOperator() {
        operator = OperatorProcess.start(SIM.simulator(), NAMESPACE, LOGS.resolve("operator-" + (++logs) + ".log"), Duration.ofSeconds(90));
    }

    /** Kill points spread over 0.3-3 s of the operator's work. */
    private static Instant nextKill(Random random) {
        return Instant.now().plusMillis(300 + random.nextInt(2700));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
