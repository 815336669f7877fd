package dev.testvm.reconciler;

import dev.testvm.vsphere.ManagedObjects;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.VmInfo;

/** Reads the TestVM's VM, turning "gone from vCenter" into a terminal VMNotFound instead of a hang. */
final class VmLookup {

    private VmLookup() {}

    static VmInfo read(Pass pass, MoRef vm) {
        try {
            return pass.vcenter().vmInfo(vm);
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
