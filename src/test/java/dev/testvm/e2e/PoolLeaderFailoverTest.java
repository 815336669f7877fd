package dev.testvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.PoolClaim;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMPool;
import dev.testvm.api.WhenPoolEmpty;
import dev.testvm.config.LeaderElectionBeans;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.LocalOperator;
import dev.testvm.testsupport.SimulatorExtension;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().timeScale(0.05);

    private static KubernetesClient client;

    @BeforeAll
    static void setUp() {
        client = KubeApiServers.newClient();
        LocalOperator.prepare(client, NAMESPACE);
    }

    @AfterAll
    static void tearDown() {
        client.close();
    }

    @Test
    void theFollowerFinishesClaimsTheLeaderLeftMidway() {
        LocalOperator a = start("pool-a");
        await().atMost(Duration.ofSeconds(60)).until(PoolLeaderFailoverTest::holder, "pool-a"::equals);
        LocalOperator b = start("pool-b");
        client.resource(Pools.pool(NAMESPACE, "failover", TEMPLATE, 4, WhenPoolEmpty.Clone)).create();
        await().atMost(Duration.ofSeconds(120)).until(() -> Pools.ready(Pools.get(client, NAMESPACE, "failover")) == 4);

        List<String> names = IntStream.rangeClosed(1, 6).mapToObj(i -> "burst-" + i).toList();
        names.forEach(n -> client.resource(Pools.claimant(NAMESPACE, n, TEMPLATE, "failover")).create());
        a.stop();
        await().atMost(Duration.ofSeconds(90)).until(PoolLeaderFailoverTest::holder, "pool-b"::equals);
        await().atMost(Duration.ofSeconds(120)).until(() -> names.stream().map(PoolLeaderFailoverTest::get).allMatch(TestVMs::isReady));

        List<TestVM> claimants = names.stream().map(PoolLeaderFailoverTest::get).toList();
        assertThat(claimants.stream().map(Pools::vmValue).distinct().count()).as("distinct VMs").isEqualTo(names.size());
        assertThat(claimants).filteredOn(Pools::claimed).as("served from the pool").isNotEmpty();
        assertThat(claimants).allMatch(t -> PoolClaim.CLAIMED.equals(Pools.outcome(t)) || PoolClaim.CLONED.equals(Pools.outcome(t)));
        await().atMost(Duration.ofSeconds(120)).until(() -> Pools.ready(Pools.get(client, NAMESPACE, "failover")) == 4);

        client.resources(TestVMPool.class).inNamespace(NAMESPACE).delete();
        client.resources(TestVM.class).inNamespace(NAMESPACE).delete();
        await().atMost(Duration.ofSeconds(120)).until(() -> client.resources(TestVM.class).inNamespace(NAMESPACE).list().getItems().isEmpty()
                && client.resources(TestVMPool.class).inNamespace(NAMESPACE).list().getItems().isEmpty());
        await().atMost(Duration.ofSeconds(60)).until(() -> SIM.simulator().vms().stream()
                .noneMatch(vm -> String.valueOf(vm.get("name")).startsWith(NAMESPACE + "-")));
        b.stop();
    }

    private static LocalOperator start(String identity) {
        return LocalOperator.start(client, SIM.simulator(), NAMESPACE, o -> o.withLeaderElectionConfiguration(
                LeaderElectionBeans.builder(NAMESPACE, identity).buildForTest(false)));
    }

    private static String holder() {
        Lease lease = client.leases().inNamespace(NAMESPACE).withName(LeaderElectionBeans.LEASE_NAME).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    private static TestVM get(String name) {
        return client.resources(TestVM.class).inNamespace(NAMESPACE).withName(name).get();
    }
}
