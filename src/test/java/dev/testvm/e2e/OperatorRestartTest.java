package dev.testvm.e2e;

import static dev.testvm.e2e.TestVMs.testVM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.LocalOperator;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stops the operator in the middle of a TestVM's life and starts a new instance (new process
 * state, new vCenter session): the TestVM still ends Ready with exactly one VM, and deletion by
 * a third instance leaves none. Runs its own operator instances (plain java-operator-sdk, the
 * same reconciler) on namespace {@value #NAMESPACE}, which the in-process Quarkus operator ignores.
 */
class OperatorRestartTest {

    static final String NAMESPACE = "restart";

    /** Slow enough (full clone 2 s, boot 4 s) that "mid-clone" is a wide window. */
    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().timeScale(0.2);

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
    void operatorStoppedMidCloneAndStartedAgainMakesOneVm() {
        Simulator simulator = SIM.simulator();
        LocalOperator first = startOperator(simulator);
        TestVM created = client.resource(testVM(NAMESPACE, "restart-1", "Templates/ubuntu-22.04", CloneTypeSpec.full)).create();
        TestVM cloning = await().atMost(Duration.ofSeconds(60)).until(() -> get("restart-1"),
                t -> t.getStatus() != null && t.getStatus().getPhase() == Phase.Cloning && t.getStatus().getTaskRef() != null);
        first.stop();
        assertThat(TestVMs.simulatorVms(simulator, cloning)).as("clone still running when the operator stopped").isEmpty();

        LocalOperator second = startOperator(simulator);
        TestVM ready = await().atMost(Duration.ofSeconds(90)).until(() -> get("restart-1"), TestVMs::isReady);
        assertThat(TestVMs.simulatorVms(simulator, ready)).hasSize(1);
        assertThat(ready.getStatus().getVm().getInstanceUUID()).isEqualTo(created.getMetadata().getUid());
        assertThat(simulator.stats().requests("CloneVM_Task")).isEqualTo(1);
        second.stop();

        LocalOperator third = startOperator(simulator);
        client.resource(ready).delete();
        await().atMost(Duration.ofSeconds(90)).until(() -> get("restart-1") == null);
        assertThat(TestVMs.simulatorVms(simulator, ready)).isEmpty();
        third.stop();
    }

    @Test
    void operatorStoppedWhileWaitingForTheIpResumesWithoutANewClone() {
        Simulator simulator = SIM.simulator();
        long clonesBefore = simulator.stats().requests("CloneVM_Task");
        LocalOperator first = startOperator(simulator);
        client.resource(testVM(NAMESPACE, "restart-2", "Templates/ubuntu-22.04", CloneTypeSpec.linked)).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> get("restart-2"),
                t -> t.getStatus() != null && t.getStatus().getPhase() == Phase.WaitingForIP);
        first.stop();

        LocalOperator second = startOperator(simulator);
        TestVM ready = await().atMost(Duration.ofSeconds(90)).until(() -> get("restart-2"), TestVMs::isReady);
        assertThat(TestVMs.simulatorVms(simulator, ready)).hasSize(1);
        assertThat(simulator.stats().requests("CloneVM_Task") - clonesBefore).isEqualTo(1);
        client.resource(ready).delete();
        await().atMost(Duration.ofSeconds(90)).until(() -> get("restart-2") == null);
        assertThat(TestVMs.simulatorVms(simulator, ready)).isEmpty();
        second.stop();
    }

    private static LocalOperator startOperator(Simulator simulator) {
        return LocalOperator.start(client, simulator, NAMESPACE, o -> {});
    }

    private static TestVM get(String name) {
        return client.resources(TestVM.class).inNamespace(NAMESPACE).withName(name).get();
    }
}
