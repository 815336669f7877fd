package dev.testvm.e2e;

import static dev.testvm.e2e.TestVMs.testVM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.TestVM;
import dev.testvm.config.Leadership;
import dev.testvm.testsupport.EndToEnd;
import dev.testvm.testsupport.LeaderCandidates;
import dev.testvm.testsupport.LocalOperator;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import java.time.Duration;
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

    static final SimulatorExtension SIM = new SimulatorExtension().timeScale(0.05).shared();

    @RegisterExtension
    static final EndToEnd E2E = EndToEnd.namespace(NAMESPACE, SIM);

    @Test
    void onlyTheLeaderReconcilesAndTheFollowerTakesOver() {
        Simulator simulator = SIM.simulator();
        long clonesBefore = simulator.stats().requests("CloneVM_Task");
        Leadership aLeads = new Leadership();
        Leadership bLeads = new Leadership();
        LocalOperator a = LeaderCandidates.start(E2E, "instance-a", aLeads);
        await().atMost(Duration.ofSeconds(60)).until(() -> LeaderCandidates.holder(E2E), "instance-a"::equals);
        LocalOperator b = LeaderCandidates.start(E2E, "instance-b", bLeads);
        // What the orphan sweeper asks before each sweep.
        await().atMost(Duration.ofSeconds(30)).until(aLeads::isLeading);
        assertThat(bLeads.isLeading()).isFalse();

        TestVM first = E2E.client().resource(testVM(NAMESPACE, "leader-1", "Templates/ubuntu-22.04", CloneTypeSpec.linked)).create();
        await().atMost(Duration.ofSeconds(90)).until(() -> E2E.get("leader-1"), TestVMs::isReady);
        assertThat(simulator.stats().requests("CloneVM_Task") - clonesBefore).isEqualTo(1);
        assertThat(a.vcenter().find(VCenterRegistry.ENVIRONMENT).orElseThrow().isConnected()).isTrue();
        assertThat(b.vcenter().find(VCenterRegistry.ENVIRONMENT).orElseThrow().isConnected()).as("the follower never talks to vCenter").isFalse();
        assertThat(LeaderCandidates.holder(E2E)).isEqualTo("instance-a");

        a.stop();
        await().atMost(Duration.ofSeconds(90)).until(() -> LeaderCandidates.holder(E2E), "instance-b"::equals);
        await().atMost(Duration.ofSeconds(30)).until(bLeads::isLeading);
        assertThat(aLeads.isLeading()).as("a stopped leading").isFalse();
        E2E.client().resource(testVM(NAMESPACE, "leader-2", "Templates/ubuntu-22.04", CloneTypeSpec.linked)).create();
        await().atMost(Duration.ofSeconds(90)).until(() -> E2E.get("leader-2"), TestVMs::isReady);
        assertThat(simulator.stats().requests("CloneVM_Task") - clonesBefore).isEqualTo(2);

        E2E.client().resource(first).delete();
        E2E.client().resources(TestVM.class).inNamespace(NAMESPACE).withName("leader-2").delete();
        await().atMost(Duration.ofSeconds(90)).until(() -> E2E.client().resources(TestVM.class).inNamespace(NAMESPACE).list().getItems().isEmpty());
        b.stop();
    }
}
