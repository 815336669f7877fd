package dev.testvm.e2e;

import static dev.testvm.e2e.TestVMs.testVM;
import static dev.testvm.testsupport.OperatorTestEnvironment.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.GuestSpec;
import dev.testvm.api.IpDiscoverySpec;
import dev.testvm.api.IpDiscoveryStrategy;
import dev.testvm.api.Phase;
import dev.testvm.api.SecretKeyRef;
import dev.testvm.api.TestVM;
import dev.testvm.testsupport.EndToEnd;
import dev.testvm.testsupport.OperatorTestEnvironment;
import dev.testvm.testsupport.Simulator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What only vCenter or the cluster can know becomes a status condition naming the field. */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestEnvironment.class, restrictToAnnotatedClass = false)
class TestVMProblemsEndToEndTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final EndToEnd E2E = EndToEnd.inProcessOperator().timeout(TIMEOUT);

    @Test
    void unknownTemplateFails() {
        TestVM failed = createAndAwaitFailed(testVM(NAMESPACE, "no-template", "Templates/does-not-exist", CloneTypeSpec.linked));
        Condition condition = TestVMs.failed(failed).orElseThrow();
        assertThat(condition.getReason()).isEqualTo("TemplateNotFound");
        assertThat(condition.getMessage()).contains("spec.template").contains("DC0/vm/Templates/does-not-exist");
        assertThat(TestVMs.simulatorVms(OperatorTestEnvironment.simulator(), failed)).isEmpty();
    }

    @Test
    void linkedCloneOfSourceWithoutSnapshotFails() {
        TestVM failed = createAndAwaitFailed(testVM(NAMESPACE, "no-snapshot", "Templates/no-snapshot", CloneTypeSpec.linked));
        Condition condition = TestVMs.failed(failed).orElseThrow();
        assertThat(condition.getReason()).isEqualTo("SnapshotNotFound");
        assertThat(condition.getMessage()).contains("spec.cloneType").contains("no-snapshot");
        assertThat(TestVMs.simulatorVms(OperatorTestEnvironment.simulator(), failed)).isEmpty();
    }

    @Test
    void cloneTaskFailingInVCenterFails() {
        OperatorTestEnvironment.simulator().addFault("CloneVM_Task", null, "InsufficientResourcesFault", 0, 1);
        TestVM failed = createAndAwaitFailed(testVM(NAMESPACE, "clone-fails", "Templates/ubuntu-22.04", CloneTypeSpec.full));
        Condition condition = TestVMs.failed(failed).orElseThrow();
        assertThat(condition.getReason()).isEqualTo("CloneFailed");
        assertThat(condition.getMessage()).contains("InsufficientResourcesFault");
        assertThat(TestVMs.simulatorVms(OperatorTestEnvironment.simulator(), failed)).isEmpty();
    }

    @Test
    void missingSecretIsReportedAndCreatingItLetsTheTestVmProceed() {
        TestVM testVM = testVM(NAMESPACE, "late-secret", "Templates/ubuntu-22.04", CloneTypeSpec.linked);
        GuestSpec guest = new GuestSpec();
        SecretKeyRef ref = new SecretKeyRef();
        ref.setName("late-creds");
        guest.setCredentialsSecretRef(ref);
        testVM.getSpec().setGuest(guest);
        IpDiscoverySpec discovery = new IpDiscoverySpec();
        discovery.setStrategy(IpDiscoveryStrategy.guestOperations);
        testVM.getSpec().setIpDiscovery(discovery);
        E2E.client().resource(testVM).create();

        TestVM waiting = await().atMost(TIMEOUT).until(() -> E2E.get("late-secret"),
                t -> reason(t, ConditionTypes.READY).filter("GuestCredentialsSecretNotFound"::equals).isPresent());
        assertThat(TestVMs.condition(waiting, ConditionTypes.READY).orElseThrow().getMessage())
                .contains("spec.guest.credentialsSecretRef.name").contains("late-creds");

        E2E.client().resource(new SecretBuilder().withNewMetadata().withName("late-creds").withNamespace(NAMESPACE).endMetadata()
                .addToStringData("username", Simulator.GUEST_USER).addToStringData("password", Simulator.GUEST_PASSWORD).build()).create();
        TestVM ready = await().atMost(TIMEOUT).until(() -> E2E.get("late-secret"), TestVMs::isReady);
        assertThat(ready.getStatus().getIpSource()).isEqualTo("GuestOperations");
        assertThat(ready.getStatus().getGuestOS()).isEqualTo("linux");
    }

    @Test
    void unreachableVCenterIsReportedAndRecoveredFrom() {
        Simulator simulator = OperatorTestEnvironment.simulator();
        simulator.unreachable(true);
        E2E.client().resource(testVM(NAMESPACE, "vc-down", "Templates/ubuntu-22.04", CloneTypeSpec.linked)).create();

        TestVM waiting = await().atMost(TIMEOUT).until(() -> E2E.get("vc-down"),
                t -> reason(t, ConditionTypes.READY).filter("VCenterUnreachable"::equals).isPresent());
        assertThat(waiting.getStatus().getPhase()).isNotEqualTo(Phase.Failed);

        simulator.unreachable(false);
        TestVM ready = await().atMost(TIMEOUT).until(() -> E2E.get("vc-down"), TestVMs::isReady);
        assertThat(TestVMs.simulatorVms(simulator, ready)).hasSize(1);
    }

    @Test
    void vCenterRejectingTheLoginIsReportedAndRecoveredFrom() {
        Simulator simulator = OperatorTestEnvironment.simulator();
        simulator.addFault("Login", "InvalidLogin", null, 0, 0);
        simulator.expireSessions();
        E2E.client().resource(testVM(NAMESPACE, "vc-login", "Templates/ubuntu-22.04", CloneTypeSpec.linked)).create();

        TestVM waiting = await().atMost(TIMEOUT).until(() -> E2E.get("vc-login"),
                t -> reason(t, ConditionTypes.READY).filter("VCenterLoginFailed"::equals).isPresent());
        assertThat(TestVMs.condition(waiting, ConditionTypes.READY).orElseThrow().getMessage())
                .contains("vCenter refused the operator's login").doesNotContain(simulator.password());

        simulator.clearFaults();
        TestVM ready = await().atMost(TIMEOUT).until(() -> E2E.get("vc-login"), TestVMs::isReady);
        assertThat(TestVMs.simulatorVms(simulator, ready)).hasSize(1);
    }

    private TestVM createAndAwaitFailed(TestVM testVM) {
        E2E.client().resource(testVM).create();
        TestVM failed = await().atMost(TIMEOUT).until(() -> E2E.get(testVM.getMetadata().getName()), t -> TestVMs.failed(t).isPresent());
        assertThat(failed.getStatus().getPhase()).isEqualTo(Phase.Failed);
        assertThat(TestVMs.isReady(failed)).isFalse();
        return failed;
    }

    private static Optional<String> reason(TestVM testVM, String type) {
        return TestVMs.condition(testVM, type).map(Condition::getReason);
    }
}
