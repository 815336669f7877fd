package dev.testvm.e2e;

import static dev.testvm.e2e.TestVMs.testVM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.reconciler.VCenterRegistry;
import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.TestVM;
import dev.testvm.config.LeaderElectionBeans;
import dev.testvm.config.Leadership;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.LocalOperator;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two operator instances with the production lease settings (not exiting when they stop leading) against the real API
 * server: only the lease holder reconciles (the other never even opens a vCenter session), one
 * clone per TestVM, and the follower takes over when the leader stops. Namespace
 * {@value #NAMESPACE}, which the in-process Quarkus operator ignores.
 */
class LeaderElectionTest {

    static final String NAMESPACE = "leader";

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
    void onlyTheLeaderReconcilesAndTheFollowerTakesOver() {
        Simulator simulator = SIM.simulator();
        long clonesBefore = simulator.stats().requests("CloneVM_Task");
        Leadership aLeads = new Leadership();
        Leadership bLeads = new Leadership();
        LocalOperator a = start(simulator, "instance-a", aLeads);
        await().atMost(Duration.ofSeconds(60)).until(LeaderElectionTest::holder, "instance-a"::equals);
        LocalOperator b = start(simulator, "instance-b", bLeads);
        // What the orphan sweeper asks before each sweep.
        await().atMost(Duration.ofSeconds(30)).until(aLeads::isLeading);
        assertThat(bLeads.isLeading()).isFalse();

        TestVM first = client.resource(testVM(NAMESPACE, "leader-1", "Templates/ubuntu-22.04", CloneTypeSpec.linked)).create();
        await().atMost(Duration.ofSeconds(90)).until(() -> get("leader-1"), TestVMs::isReady);
        assertThat(simulator.stats().requests("CloneVM_Task") - clonesBefore).isEqualTo(1);
        assertThat(a.vcenter().find(VCenterRegistry.ENVIRONMENT).orElseThrow().isConnected()).isTrue();
        assertThat(b.vcenter().find(VCenterRegistry.ENVIRONMENT).orElseThrow().isConnected()).as("the follower never talks to vCenter").isFalse();
        assertThat(holder()).isEqualTo("instance-a");

        a.stop();
        await().atMost(Duration.ofSeconds(90)).until(LeaderElectionTest::holder, "instance-b"::equals);
        await().atMost(Duration.ofSeconds(30)).until(bLeads::isLeading);
        assertThat(aLeads.isLeading()).as("a stopped leading").isFalse();
        client.resource(testVM(NAMESPACE, "leader-2", "Templates/ubuntu-22.04", CloneTypeSpec.linked)).create();
        await().atMost(Duration.ofSeconds(90)).until(() -> get("leader-2"), TestVMs::isReady);
        assertThat(simulator.stats().requests("CloneVM_Task") - clonesBefore).isEqualTo(2);

        client.resource(first).delete();
        client.resources(TestVM.class).inNamespace(NAMESPACE).withName("leader-2").delete();
        await().atMost(Duration.ofSeconds(90)).until(() -> client.resources(TestVM.class).inNamespace(NAMESPACE).list().getItems().isEmpty());
        b.stop();
    }

    private static LocalOperator start(Simulator simulator, String identity, Leadership leadership) {
        return LocalOperator.start(client, simulator, NAMESPACE, o -> o.withLeaderElectionConfiguration(
                LeaderElectionBeans.builder(NAMESPACE, identity).withLeaderCallbacks(leadership.callbacks()).buildForTest(false)));
    }

    private static String holder() {
        Lease lease = client.leases().inNamespace(NAMESPACE).withName(LeaderElectionBeans.LEASE_NAME).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    private static TestVM get(String name) {
        return client.resources(TestVM.class).inNamespace(NAMESPACE).withName(name).get();
    }
}
