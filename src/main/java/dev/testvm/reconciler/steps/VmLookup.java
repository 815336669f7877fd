package dev.testvm.reconciler.steps;

import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.TestVMProblem;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.VmInfo;
import dev.testvm.vsphere.fault.ManagedObjects;

/**
 * Reads the TestVM's VM, turning "gone from vCenter" into a terminal VMNotFound instead of a hang.
 * The power-on and IP steps both need the VM in one pass (the power-on step up to three times):
 * it is read once per pass (one RetrievePropertiesEx), since a pass takes milliseconds and
 * anything that changes afterwards brings its own event and pass.
 */
final class VmLookup {

    private VmLookup() {}

    static VmInfo read(Pass pass, MoRef vm) {
        VmInfo known = pass.vmInfos().get(vm);
        if (known != null) {
            return known;
        }
        try {
            VmInfo info = pass.vcenter().vmInfo(vm);
            pass.vmInfos().put(vm, info);
            return info;
        } catch (VimFaultException e) {
            if (ManagedObjects.isNotFound(e)) {
                throw notFound(pass, vm);
            }
            throw e;
        }
    }

    static TestVMProblem notFound(Pass pass, MoRef vm) {
        String name = pass.status().getVm() == null ? vm.value() : pass.status().getVm().getName();
        return TestVMProblem.terminal(Reasons.VM_NOT_FOUND,
                "VM " + name + " (" + vm.value() + ") no longer exists in vCenter; delete this TestVM and create it again");
    }
}
