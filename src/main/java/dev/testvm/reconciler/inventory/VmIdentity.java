package dev.testvm.reconciler.inventory;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VmInfo;
import java.util.Optional;

/**
 * Finds the VM a TestVM owns. Full and linked clones carry the TestVM's UID as instance UUID (one
 * indexed lookup); instant clones cannot set it ({@code VirtualMachineInstantCloneSpec} has no
 * such field), so for them the extraConfig key {@code testvm.dev/uid} is searched as well.
 */
public final class VmIdentity {

    /** extraConfig key marking VMs this operator created; the value is the TestVM's UID. */
    public static final String UID_KEY = "testvm.dev/uid";

    private VmIdentity() {}

    public static Optional<MoRef> find(VCenter vcenter, String uid, boolean searchExtraConfig) {
        Optional<MoRef> byUuid = vcenter.findVmByInstanceUuid(uid);
        if (byUuid.isPresent() || !searchExtraConfig) {
            return byUuid;
        }
        return vcenter.vmsWithExtraConfigKey(UID_KEY).stream()
                .filter(vm -> uid.equals(vm.extraConfig().get(UID_KEY)))
                .map(VmInfo::moRef)
                .findFirst();
    }
}
