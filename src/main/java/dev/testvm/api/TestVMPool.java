package dev.testvm.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A warm pool: {@code spec.size} VMs of one machine definition kept Ready, so a TestVM naming the
 * pool in {@code spec.poolRef} gets one at once instead of waiting for a clone and a boot.
 */
@Group(TestVM.GROUP)
@Version(TestVM.VERSION)
@ShortNames("tvmpool")
@ValidationRule(value = "has(self.spec)", message = "spec is required (at least spec.vm.template)")
@ValidationRule(value = "self.metadata.name.size() <= 50",
        message = "metadata.name: at most 50 characters (it is a label value and prefixes the names of the pool's TestVMs)")
@AdditionalPrinterColumn(name = "Size", jsonPath = ".spec.size", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Starting", jsonPath = ".status.starting", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Claimed", jsonPath = ".status.claimed", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Template", jsonPath = ".spec.vm.template", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Problem", jsonPath = ".status.lastRefillProblem", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
public class TestVMPool extends CustomResource<TestVMPoolSpec, TestVMPoolStatus> implements Namespaced {

    @Override
    protected TestVMPoolStatus initStatus() {
        return new TestVMPoolStatus();
    }
}
