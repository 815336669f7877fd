package dev.testvm.e2e;

import static dev.testvm.e2e.TestVMs.testVM;
import static dev.testvm.testsupport.OperatorTestEnvironment.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;
import dev.testvm.testsupport.EndToEnd;
import dev.testvm.testsupport.Kubectl;
import dev.testvm.testsupport.OperatorTestEnvironment;
import dev.testvm.testsupport.Simulator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The product, end to end: a real kube-apiserver, the operator in-process, our vCenter simulator. */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestEnvironment.class, restrictToAnnotatedClass = false)
class TestVMEndToEndTest {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final EndToEnd E2E = EndToEnd.inProcessOperator();

    @ParameterizedTest(name = "{0} clone")
    @CsvSource({"full, Templates/ubuntu-22.04", "linked, Templates/ubuntu-22.04", "instant, DC0_H0_VM0"})
    void becomesReadyWithAnIpAndDeletionDestroysTheVm(CloneTypeSpec cloneType, String template) {
        Simulator simulator = OperatorTestEnvironment.simulator();
        TestVM created = E2E.client().resource(testVM(NAMESPACE, "e2e-" + cloneType, template, cloneType)).create();

        TestVM ready = await().atMost(READY_TIMEOUT).until(() -> E2E.get(created.getMetadata().getName()), TestVMs::isReady);
        assertThat(ready.getStatus().getPhase()).isEqualTo(Phase.Ready);
        assertThat(ready.getStatus().getIp()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
        assertThat(ready.getStatus().getIpAddresses()).contains(ready.getStatus().getIp());
        assertThat(ready.getStatus().getEffectiveCloneType()).isEqualTo(cloneType.name());
        if (cloneType != CloneTypeSpec.instant) {
            // Instant clones cannot choose their instance UUID; they are found by extraConfig instead.
            assertThat(ready.getStatus().getVm().getInstanceUUID()).isEqualTo(created.getMetadata().getUid());
        }
        assertThat(ready.getStatus().getTimings().getTotalSeconds()).isPositive();
        assertThat(ready.getMetadata().getFinalizers()).isNotEmpty();
        var vms = TestVMs.simulatorVms(simulator, ready);
        assertThat(vms).singleElement().satisfies(vm -> assertThat(vm.get("ips").toString()).contains(ready.getStatus().getIp()));

        E2E.client().resource(ready).delete();
        await().atMost(READY_TIMEOUT).until(() -> E2E.get(created.getMetadata().getName()) == null);
        assertThat(TestVMs.simulatorVms(simulator, ready)).isEmpty();
    }

    @Test
    void kubectlWaitReturnsForReadyAndForTheIp() {
        E2E.client().resource(testVM(NAMESPACE, "e2e-kubectl", "Templates/ubuntu-22.04", CloneTypeSpec.linked)).create();

        Kubectl.Result ready = Kubectl.run(null, "wait", "-n", NAMESPACE, "--for=condition=Ready", "testvm/e2e-kubectl", "--timeout=120s");
        assertThat(ready.exitCode()).as(ready.output()).isZero();
        Kubectl.Result ip = Kubectl.run(null, "wait", "-n", NAMESPACE, "--for=jsonpath={.status.ip}", "tvm/e2e-kubectl", "--timeout=30s");
        assertThat(ip.exitCode()).as(ip.output()).isZero();
        Kubectl.Result read = Kubectl.run(null, "get", "-n", NAMESPACE, "testvm", "e2e-kubectl", "-o", "jsonpath={.status.ip}");
        assertThat(read.output()).isEqualTo(E2E.get("e2e-kubectl").getStatus().getIp());
        Kubectl.Result columns = Kubectl.run(null, "get", "-n", NAMESPACE, "tvm", "e2e-kubectl", "-o", "wide");
        assertThat(columns.output()).contains("PHASE").contains("IP").contains("CLONE").contains("SOURCE").contains("Ready");

        Kubectl.Result delete = Kubectl.run(null, "delete", "-n", NAMESPACE, "testvm", "e2e-kubectl", "--timeout=120s");
        assertThat(delete.exitCode()).as(delete.output()).isZero();
    }

    @Test
    void ttlDeletesTheTestVmAndItsVm() {
        TestVM testVM = testVM(NAMESPACE, "e2e-ttl", "Templates/ubuntu-22.04", CloneTypeSpec.linked);
        testVM.getSpec().setTtl("1m"); // the schema's minimum: a shorter ttl would delete the VM as it is handed out
        E2E.client().resource(testVM).create();

        TestVM ready = await().atMost(READY_TIMEOUT).until(() -> E2E.get("e2e-ttl"), TestVMs::isReady);
        assertThat(ready.getStatus().getExpiresAt()).isNotBlank();
        assertThat(java.time.Instant.parse(ready.getStatus().getExpiresAt()))
                .isAfter(java.time.Instant.parse(ready.getStatus().getMilestones().getIpAssignedAt()));
        await().atMost(READY_TIMEOUT.plusMinutes(1)).until(() -> E2E.get("e2e-ttl") == null);
        assertThat(TestVMs.simulatorVms(OperatorTestEnvironment.simulator(), ready)).isEmpty();
    }
}
