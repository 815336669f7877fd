package dev.testvm.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A throw-away vSphere VM cloned from a template; {@code status.ip} is set once it has an address. */
@Group(TestVM.GROUP)
@Version(TestVM.VERSION)
@ShortNames("tvm")
@ValidationRule(value = "has(self.spec)", message = "spec is required (at least spec.template)")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "IP", jsonPath = ".status.ip", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Clone", jsonPath = ".status.effectiveCloneType", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "VM", jsonPath = ".status.vm.name", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Source", jsonPath = ".status.ipSource", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
public class TestVM extends CustomResource<TestVMSpec, TestVMStatus> implements Namespaced {

    public static final String GROUP = "testvm.dev";
    public static final String VERSION = "v1alpha1";

    @Override
    protected TestVMStatus initStatus() {
        return new TestVMStatus();
    }
}
