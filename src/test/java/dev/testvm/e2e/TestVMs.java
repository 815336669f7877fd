package dev.testvm.e2e;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.IpDiscoverySpec;
import dev.testvm.api.TestVM;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.TestVMFixture;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.function.Consumer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Small builders and readers shared by the end-to-end tests. */
final class TestVMs {

    private TestVMs() {}

    /** A TestVM of {@code template} (see {@link TestVMFixture}, which tests with an {@code EndToEnd} use directly). */
    static TestVM testVM(String namespace, String name, String template, CloneTypeSpec cloneType) {
        return TestVMFixture.of(namespace, name).template(template).cloneType(cloneType).build();
    }

    /**
     * A TestVM that logs into the guest with the credentials in Secret {@code secret} (null: none)
     * and whose {@code spec.ipDiscovery} {@code discovery} may adjust.
     */
    static TestVM withDiscovery(String namespace, String name, String template, CloneTypeSpec cloneType, String secret,
            Consumer<IpDiscoverySpec> discovery) {
        return TestVMFixture.of(namespace, name).template(template).cloneType(cloneType).guestLogin(secret)
                .discovery(discovery).build();
    }

    static Secret guestSecret(String namespace, String name, String username, String password) {
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .addToStringData("username", username).addToStringData("password", password).build();
    }

    /** The simulator's view of this TestVM's one VM. */
    static Map<String, Object> simulatorVm(Simulator simulator, TestVM testVM) {
        List<Map<String, Object>> vms = simulatorVms(simulator, testVM);
        if (vms.size() != 1) {
            throw new AssertionError("expected one simulator VM for " + testVM.getMetadata().getName() + ", found " + vms);
        }
        return vms.get(0);
    }

    static long millis(Map<String, Object> simulatorVm, String key) {
        return ((Number) simulatorVm.get(key)).longValue();
    }

    static String message(TestVM testVM, String type) {
        return condition(testVM, type).map(Condition::getMessage).orElse("");
    }

    static String reason(TestVM testVM, String type) {
        return condition(testVM, type).map(Condition::getReason).orElse("");
    }

    static Optional<Condition> condition(TestVM testVM, String type) {
        if (testVM == null || testVM.getStatus() == null) {
            return Optional.empty();
        }
        return testVM.getStatus().getConditions().stream().filter(c -> Objects.equals(type, c.getType())).findFirst();
    }

    static boolean isReady(TestVM testVM) {
        return condition(testVM, ConditionTypes.READY).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    static Optional<Condition> failed(TestVM testVM) {
        return condition(testVM, ConditionTypes.FAILED).filter(c -> "True".equals(c.getStatus()));
    }

    /** The simulator's VMs that carry this TestVM's UID in extraConfig. */
    static List<Map<String, Object>> simulatorVms(Simulator simulator, TestVM testVM) {
        String uid = testVM.getMetadata().getUid();
        return simulator.vms().stream().filter(vm -> uid.equals(vm.get("uid"))).toList();
    }
}
