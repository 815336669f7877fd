package dev.testvm.reconciler;

import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VmInfo;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * One reconcile pass over one TestVM: the resource, its status being built, and the clock.
 *
 * @param vmInfos VMs already read in this pass (see {@link VmLookup}); a pass runs on one thread
 */
record Pass(TestVM testVM, VCenter vcenter, Instant now, ResourceID id, Map<MoRef, VmInfo> vmInfos) {

    Pass(TestVM testVM, VCenter vcenter, Instant now, ResourceID id) {
        this(testVM, vcenter, now, id, new HashMap<>());
    }

    TestVMStatus status() {
        return testVM.getStatus();
    }

    String uid() {
        return testVM.getMetadata().getUid();
    }
}
