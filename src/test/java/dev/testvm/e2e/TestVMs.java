package dev.testvm.e2e;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMSpec;
import dev.testvm.testsupport.Simulator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Small builders and readers shared by the end-to-end tests. */
final class TestVMs {

    private TestVMs() {}

    static TestVM testVM(String namespace, String name, String template, CloneTypeSpec cloneType) {
        TestVM testVM = new TestVM();
        testVM.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        TestVMSpec spec = new TestVMSpec();
        spec.setTemplate(template);
        spec.setCloneType(cloneType);
        testVM.setSpec(spec);
        return testVM;
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
