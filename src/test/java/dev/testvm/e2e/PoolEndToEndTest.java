package dev.testvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.PoolClaim;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMPool;
import dev.testvm.api.WhenPoolEmpty;
import dev.testvm.reconciler.inventory.ClusterIdentity;
import dev.testvm.reconciler.sweeper.OrphanSweeper;
import dev.testvm.testsupport.EndToEnd;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Warm pools end to end against a real API server and the simulator: concurrent claims (each pool
 * VM handed out once, the rest cloned), maxAge recycling, a pool deleted while its claimed VMs are
 * in use, and whenEmpty Wait. Own simulator and operator instance, namespace {@value #NAMESPACE}.
 */
class PoolEndToEndTest {

    static final String NAMESPACE = "pools";
    static final String TEMPLATE = "Templates/ubuntu-22.04";
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    static final SimulatorExtension SIM = new SimulatorExtension().timeScale(0.05).shared();

    @RegisterExtension
    static final EndToEnd E2E = EndToEnd.namespace(NAMESPACE, SIM).withOperator(o -> {}, 16)
            .cleanUpAfterEach().alsoDelete(TestVMPool.class).timeout(TIMEOUT)
            .afterCleanUp(() -> await().atMost(TIMEOUT).until(() -> ourVms().isEmpty()));

    @Test
    void twentyConcurrentClaimsTakeEachPoolVmOnceAndCloneTheRest() throws Exception {
        TestVMPool pool = Pools.pool(NAMESPACE, "five", TEMPLATE, 5, WhenPoolEmpty.Clone);
        E2E.client().resource(pool).create();
        await().atMost(TIMEOUT).until(() -> Pools.ready(Pools.get(E2E.client(), NAMESPACE, "five")) == 5);
        Set<String> poolVms = new HashSet<>();
        Pools.members(E2E.client(), NAMESPACE, "five").forEach(m -> poolVms.add(Pools.vmValue(m)));
        assertThat(poolVms).hasSize(5);
        // Paused: no refill lands among the claims, so exactly the five warm VMs can be claimed.
        E2E.client().resources(TestVMPool.class).inNamespace(NAMESPACE).withName("five").edit(p -> {
            p.getSpec().setPaused(true);
            return p;
        });

        List<String> names = IntStream.rangeClosed(1, 20).mapToObj(i -> "claim-" + i).toList();
        ExecutorService threads = Executors.newFixedThreadPool(20);
        try {
            List<Future<TestVM>> creations = names.stream()
                    .map(n -> threads.submit(() -> E2E.client().resource(Pools.claimant(NAMESPACE, n, TEMPLATE, "five")).create()))
                    .toList();
            for (Future<TestVM> f : creations) {
                f.get();
            }
        } finally {
            threads.shutdown();
        }
        await().atMost(TIMEOUT).until(() -> names.stream().map(E2E::get).allMatch(TestVMs::isReady));

        List<TestVM> claimants = names.stream().map(E2E::get).toList();
        assertThat(claimants).filteredOn(Pools::claimed).as("served from the pool").hasSize(5);
        assertThat(claimants).filteredOn(t -> PoolClaim.CLONED.equals(Pools.outcome(t))).as("cloned: the pool was empty").hasSize(15);
        assertThat(claimants.stream().map(Pools::vmValue).distinct().count()).as("distinct VMs of 20 TestVMs").isEqualTo(20);
        assertThat(claimants.stream().filter(Pools::claimed).map(Pools::vmValue)).as("claimed VMs are the warm ones")
                .containsExactlyInAnyOrderElementsOf(poolVms);
        for (TestVM claimed : claimants.stream().filter(Pools::claimed).toList()) {
            assertThat(claimed.getStatus().getIp()).isNotBlank();
            assertThat(claimed.getStatus().getTimings().getTotalSeconds()).isNotNull();
            assertThat(TestVMs.reason(claimed, "Ready")).isEqualTo("ClaimedFromPool");
        }
        // The handed-over pool TestVMs go; their VMs stay with the claimants.
        await().atMost(TIMEOUT).until(() -> Pools.members(E2E.client(), NAMESPACE, "five").isEmpty());
        Set<String> alive = vmValues(ourVms());
        assertThat(alive).as("every claimant's VM exists; nothing else").isEqualTo(new HashSet<>(claimants.stream().map(Pools::vmValue).toList()));
        assertThat(sweepOnce().destroyed()).as("the orphan sweeper leaves claimed pool VMs alone").isEmpty();
        await().atMost(TIMEOUT).until(() -> Pools.get(E2E.client(), NAMESPACE, "five").getStatus().getClaimed() == 5);

        E2E.client().resources(TestVM.class).inNamespace(NAMESPACE).withLabel("testvm.dev/pool").delete();
        E2E.client().resources(TestVM.class).inNamespace(NAMESPACE).delete();
        await().atMost(TIMEOUT).until(() -> E2E.client().resources(TestVM.class).inNamespace(NAMESPACE).list().getItems().isEmpty());
        assertThat(ourVms()).as("claimed VMs are destroyed with their TestVMs").isEmpty();
    }

    @Test
    void poolVmsOlderThanMaxAgeAreReplaced() {
        TestVMPool pool = Pools.pool(NAMESPACE, "aging", TEMPLATE, 2, WhenPoolEmpty.Clone);
        pool.getSpec().setMaxAge("8s");
        E2E.client().resource(pool).create();
        await().atMost(TIMEOUT).until(() -> Pools.ready(Pools.get(E2E.client(), NAMESPACE, "aging")) == 2);
        Set<String> firstVms = vmValues(Pools.members(E2E.client(), NAMESPACE, "aging"));
        Set<String> firstMembers = names(Pools.members(E2E.client(), NAMESPACE, "aging"));

        await().atMost(TIMEOUT).until(() -> {
            List<TestVM> now = Pools.members(E2E.client(), NAMESPACE, "aging");
            return now.size() == 2 && now.stream().allMatch(TestVMs::isReady) && names(now).stream().noneMatch(firstMembers::contains);
        });
        await().atMost(TIMEOUT).until(() -> vmValues(ourVms()).stream().noneMatch(firstVms::contains));
        assertThat(vmValues(ourVms())).as("the replacements, nothing else").hasSize(2).doesNotContainAnyElementsOf(firstVms);
    }

    @Test
    void deletingAPoolDestroysOnlyItsUnclaimedVms() {
        E2E.client().resource(Pools.pool(NAMESPACE, "doomed", TEMPLATE, 3, WhenPoolEmpty.Clone)).create();
        await().atMost(TIMEOUT).until(() -> Pools.ready(Pools.get(E2E.client(), NAMESPACE, "doomed")) == 3);
        E2E.client().resource(Pools.claimant(NAMESPACE, "in-use", TEMPLATE, "doomed")).create();
        await().atMost(TIMEOUT).until(() -> TestVMs.isReady(E2E.get("in-use")));
        TestVM inUse = E2E.get("in-use");
        assertThat(Pools.claimed(inUse)).isTrue();

        E2E.client().resources(TestVMPool.class).inNamespace(NAMESPACE).withName("doomed").delete();
        await().atMost(TIMEOUT).until(() -> Pools.get(E2E.client(), NAMESPACE, "doomed") == null
                && Pools.members(E2E.client(), NAMESPACE, "doomed").isEmpty());
        await().atMost(TIMEOUT).until(() -> vmValues(ourVms()).equals(Set.of(Pools.vmValue(inUse))));
        assertThat(TestVMs.isReady(E2E.get("in-use"))).as("the claimant keeps working").isTrue();
        assertThat(powerState(Pools.vmValue(inUse))).isEqualTo("poweredOn");

        E2E.client().resource(E2E.get("in-use")).delete();
        await().atMost(TIMEOUT).until(() -> E2E.get("in-use") == null);
        assertThat(ourVms()).isEmpty();
    }

    @Test
    void whenEmptyWaitShowsWhyAndClaimsOnceTheRefillIsReady() {
        TestVMPool pool = Pools.pool(NAMESPACE, "patient", TEMPLATE, 1, WhenPoolEmpty.Wait);
        pool.getSpec().setPaused(true);
        E2E.client().resource(pool).create();
        E2E.client().resource(Pools.claimant(NAMESPACE, "waiter", TEMPLATE, "patient")).create();
        await().atMost(TIMEOUT).until(() -> "WaitingForPool".equals(TestVMs.reason(E2E.get("waiter"), "Ready")));
        assertThat(Pools.outcome(E2E.get("waiter"))).isEqualTo(PoolClaim.WAITING);
        assertThat(TestVMs.simulatorVms(SIM.simulator(), E2E.get("waiter"))).as("a waiting TestVM clones nothing").isEmpty();

        E2E.client().resources(TestVMPool.class).inNamespace(NAMESPACE).withName("patient").edit(p -> {
            p.getSpec().setPaused(false);
            return p;
        });
        await().atMost(TIMEOUT).until(() -> TestVMs.isReady(E2E.get("waiter")));
        assertThat(Pools.claimed(E2E.get("waiter"))).isTrue();
    }

    private static OrphanSweeper.Sweep sweepOnce() {
        return new OrphanSweeper(() -> E2E.operator().vcenter().find(dev.testvm.reconciler.connection.VCenterRegistry.ENVIRONMENT).orElseThrow().get(), OrphanSweeper.allTestVMs(E2E.client()), ClusterIdentity.of(Optional.empty(), E2E.client()),
                "DC0", Duration.ZERO, Duration.ofSeconds(30), Clock.systemUTC(), new SimpleMeterRegistry()).sweep();
    }

    private static String powerState(String vmValue) {
        return SIM.simulator().vms().stream().filter(vm -> vmValue.equals(vm.get("moRef"))).map(vm -> String.valueOf(vm.get("powerState")))
                .findFirst().orElse("gone");
    }

    /** Simulator VMs cloned in this namespace (pool members' and claimants' alike). */
    private static List<Map<String, Object>> ourVms() {
        return SIM.simulator().vms().stream().filter(vm -> String.valueOf(vm.get("name")).startsWith(NAMESPACE + "-")).toList();
    }

    private static Set<String> vmValues(List<?> vmsOrTestVMs) {
        Set<String> values = new HashSet<>();
        for (Object o : vmsOrTestVMs) {
            values.add(o instanceof TestVM t ? Pools.vmValue(t) : String.valueOf(((Map<?, ?>) o).get("moRef")));
        }
        return values;
    }

    private static Set<String> names(List<TestVM> testVMs) {
        Set<String> names = new HashSet<>();
        testVMs.forEach(t -> names.add(t.getMetadata().getName()));
        return names;
    }
}
