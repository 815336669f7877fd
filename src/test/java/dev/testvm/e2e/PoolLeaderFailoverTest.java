package dev.testvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.PoolClaim;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMPool;
import dev.testvm.api.WhenPoolEmpty;
import dev.testvm.testsupport.EndToEnd;
import dev.testvm.testsupport.LeaderCandidates;
import dev.testvm.testsupport.LocalOperator;
import dev.testvm.testsupport.SimulatorExtension;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two operator replicas with leader election; the leader stops while a burst of claims on a warm
 * pool is being served. The follower takes over and finishes: every claimant Ready, every VM held
 * once, the pool refilled, nothing leaked once everything is deleted.
 */
class PoolLeaderFailoverTest {

    static final String NAMESPACE = "pool-leader";
    static final String TEMPLATE = "Templates/ubuntu-22.04";

    static final SimulatorExtension SIM = new SimulatorExtension().timeScale(0.05).shared();

    @RegisterExtension
    static final EndToEnd E2E = EndToEnd.namespace(NAMESPACE, SIM);

    @Test
    void theFollowerFinishesClaimsTheLeaderLeftMidway() {
        LocalOperator a = LeaderCandidates.start(E2E, "pool-a");
        await().atMost(Duration.ofSeconds(60)).until(() -> LeaderCandidates.holder(E2E), "pool-a"::equals);
        LocalOperator b = LeaderCandidates.start(E2E, "pool-b");
        E2E.client().resource(Pools.pool(NAMESPACE, "failover", TEMPLATE, 4, WhenPoolEmpty.Clone)).create();
        await().atMost(Duration.ofSeconds(120)).until(() -> Pools.ready(Pools.get(E2E.client(), NAMESPACE, "failover")) == 4);

        List<String> names = IntStream.rangeClosed(1, 6).mapToObj(i -> "burst-" + i).toList();
        names.forEach(n -> E2E.client().resource(Pools.claimant(NAMESPACE, n, TEMPLATE, "failover")).create());
        a.stop();
        await().atMost(Duration.ofSeconds(90)).until(() -> LeaderCandidates.holder(E2E), "pool-b"::equals);
        await().atMost(Duration.ofSeconds(120)).until(() -> names.stream().map(E2E::get).allMatch(TestVMs::isReady));

        List<TestVM> claimants = names.stream().map(E2E::get).toList();
        assertThat(claimants.stream().map(Pools::vmValue).distinct().count()).as("distinct VMs").isEqualTo(names.size());
        assertThat(claimants).filteredOn(Pools::claimed).as("served from the pool").isNotEmpty();
        assertThat(claimants).allMatch(t -> PoolClaim.CLAIMED.equals(Pools.outcome(t)) || PoolClaim.CLONED.equals(Pools.outcome(t)));
        await().atMost(Duration.ofSeconds(120)).until(() -> Pools.ready(Pools.get(E2E.client(), NAMESPACE, "failover")) == 4);

        E2E.client().resources(TestVMPool.class).inNamespace(NAMESPACE).delete();
        E2E.client().resources(TestVM.class).inNamespace(NAMESPACE).delete();
        await().atMost(Duration.ofSeconds(120)).until(() -> E2E.client().resources(TestVM.class).inNamespace(NAMESPACE).list().getItems().isEmpty()
                && E2E.client().resources(TestVMPool.class).inNamespace(NAMESPACE).list().getItems().isEmpty());
        await().atMost(Duration.ofSeconds(60)).until(() -> SIM.simulator().vms().stream()
                .noneMatch(vm -> String.valueOf(vm.get("name")).startsWith(NAMESPACE + "-")));
        b.stop();
    }
}
