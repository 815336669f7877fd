package dev.testvm.e2e;

import static dev.testvm.e2e.TestVMs.testVM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;
import dev.testvm.testsupport.EndToEnd;
import dev.testvm.testsupport.LocalOperator;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import java.time.Duration;
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
    static final SimulatorExtension SIM = new SimulatorExtension().timeScale(0.2);

    @RegisterExtension
    static final EndToEnd E2E = EndToEnd.namespace(NAMESPACE, SIM);

    @Test
    void operatorStoppedMidCloneAndStartedAgainMakesOneVm() {
        Simulator simulator = SIM.simulator();
        LocalOperator first = startOperator(simulator);
        TestVM created = E2E.client().resource(testVM(NAMESPACE, "restart-1", "Templates/ubuntu-22.04", CloneTypeSpec.full)).create();
        TestVM cloning = await().atMost(Duration.ofSeconds(60)).until(() -> E2E.get("restart-1"),
                t -> t.getStatus() != null && t.getStatus().getPhase() == Phase.Cloning && t.getStatus().getTaskRef() != null);
        first.stop();
        assertThat(TestVMs.simulatorVms(simulator, cloning)).as("clone still running when the operator stopped").isEmpty();

        LocalOperator second = startOperator(simulator);
        TestVM ready = await().atMost(Duration.ofSeconds(90)).until(() -> E2E.get("restart-1"), TestVMs::isReady);
        assertThat(TestVMs.simulatorVms(simulator, ready)).hasSize(1);
        assertThat(ready.getStatus().getVm().getInstanceUUID()).isEqualTo(created.getMetadata().getUid());
        assertThat(simulator.stats().requests("CloneVM_Task")).isEqualTo(1);
        second.stop();

        LocalOperator third = startOperator(simulator);
        E2E.client().resource(ready).delete();
        await().atMost(Duration.ofSeconds(90)).until(() -> E2E.get("restart-1") == null);
        assertThat(TestVMs.simulatorVms(simulator, ready)).isEmpty();
        third.stop();
    }

    @Test
    void operatorStoppedWhileWaitingForTheIpResumesWithoutANewClone() {
        Simulator simulator = SIM.simulator();
        long clonesBefore = simulator.stats().requests("CloneVM_Task");
        LocalOperator first = startOperator(simulator);
        E2E.client().resource(testVM(NAMESPACE, "restart-2", "Templates/ubuntu-22.04", CloneTypeSpec.linked)).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> E2E.get("restart-2"),
                t -> t.getStatus() != null && t.getStatus().getPhase() == Phase.WaitingForIP);
        first.stop();

        LocalOperator second = startOperator(simulator);
        TestVM ready = await().atMost(Duration.ofSeconds(90)).until(() -> E2E.get("restart-2"), TestVMs::isReady);
        assertThat(TestVMs.simulatorVms(simulator, ready)).hasSize(1);
        assertThat(simulator.stats().requests("CloneVM_Task") - clonesBefore).isEqualTo(1);
        E2E.client().resource(ready).delete();
        await().atMost(Duration.ofSeconds(90)).until(() -> E2E.get("restart-2") == null);
        assertThat(TestVMs.simulatorVms(simulator, ready)).isEmpty();
        second.stop();
    }

    private static LocalOperator startOperator(Simulator simulator) {
        return LocalOperator.start(E2E.client(), simulator, NAMESPACE, o -> {});
    }
}
