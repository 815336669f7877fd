package dev.testvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMPool;
import dev.testvm.api.WhenPoolEmpty;
import dev.testvm.pool.PoolMembers;
import dev.testvm.testsupport.CrashingOperator;
import dev.testvm.testsupport.EndToEnd;
import dev.testvm.testsupport.SimulatorExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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

    static final SimulatorExtension SIM = new SimulatorExtension().timeScale(0.05).shared();

    @RegisterExtension
    static final EndToEnd E2E = EndToEnd.namespace(NAMESPACE, SIM);

    @RegisterExtension
    static final CrashingOperator OPERATOR = new CrashingOperator(SIM, NAMESPACE, LOGS, 3000);

    @Test
    void killedDuringClaimsAndRefillsNeverHandsAVmOutTwiceAndLeaksNothing() {
        Random random = OPERATOR.seeded("poolCrashSeed", "PoolCrashTest");
        long seed = OPERATOR.seed();
        OPERATOR.start();
        E2E.client().resource(Pools.pool(NAMESPACE, "crashy", TEMPLATE, 4, WhenPoolEmpty.Clone)).create();
        await().atMost(Duration.ofSeconds(120)).until(() -> Pools.ready(Pools.get(E2E.client(), NAMESPACE, "crashy")) >= 2);

        Map<String, String> state = new TreeMap<>(); // name -> created | deleting | done
        List<String> failures = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        OPERATOR.scheduleKill();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(6));
        int next = 0;
        while (next < CLAIMANTS || state.values().stream().anyMatch(s -> !s.equals("done"))) {
            assertThat(Instant.now()).as("claims not done after 6 minutes (seed " + seed + "): " + state).isBefore(deadline);
            OPERATOR.killAndRestartIfDue(MAX_KILLS);
            Map<String, TestVM> current = new HashMap<>();
            E2E.client().resources(TestVM.class).inNamespace(NAMESPACE).list().getItems().forEach(t -> current.put(t.getMetadata().getName(), t));
            assertNoVmHeldTwice(current.values(), seed);
            long inFlight = state.values().stream().filter(s -> !s.equals("done")).count();
            if (next < CLAIMANTS && inFlight < IN_FLIGHT) {
                String name = "claimant-" + next++;
                E2E.client().resource(Pools.claimant(NAMESPACE, name, TEMPLATE, "crashy")).create();
                state.put(name, "created");
            }
            for (Map.Entry<String, String> entry : state.entrySet()) {
                TestVM seen = current.get(entry.getKey());
                if (entry.getValue().equals("created")) {
                    TestVMs.failed(seen).ifPresent(c -> failures.add(entry.getKey() + ": " + c.getReason() + " " + c.getMessage()));
                    if (TestVMs.isReady(seen) || TestVMs.failed(seen).isPresent()) {
                        outcomes.merge(String.valueOf(Pools.outcome(seen)), 1, Integer::sum);
                        E2E.client().resource(seen).delete();
                        entry.setValue("deleting");
                    }
                } else if (entry.getValue().equals("deleting") && seen == null) {
                    entry.setValue("done");
                }
            }
            CrashingOperator.pause(Duration.ofMillis(150));
        }
        System.out.printf("[PoolCrashTest] seed %d: %d claimants, %d kills, outcomes %s%n", seed, CLAIMANTS, OPERATOR.kills(), outcomes);
        assertThat(failures).as("claimants that failed (seed " + seed + ")").isEmpty();
        assertThat(OPERATOR.kills()).isGreaterThan(0);
        assertThat(outcomes.getOrDefault("Claimed", 0)).as("claims served from the pool (seed " + seed + ")").isGreaterThan(0);

        E2E.client().resources(TestVMPool.class).inNamespace(NAMESPACE).withName("crashy").delete();
        await().atMost(Duration.ofSeconds(180)).until(() -> E2E.client().resources(TestVM.class).inNamespace(NAMESPACE).list().getItems().isEmpty()
                && Pools.get(E2E.client(), NAMESPACE, "crashy") == null);
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
}
