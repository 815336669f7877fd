package dev.testvm.reconciler.steps;

import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.reconciler.status.StatusReport;
import dev.testvm.reconciler.tasks.QueuedTaskStarts;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VmInfo;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * One reconcile pass over one TestVM: the resource, its status being built, the clock, the vCenter
 * behind the TestVM's task line, what this process remembers about the TestVM, and where the steps
 * report what status should say ({@link StatusReport}).
 *
 * @param vmInfos VMs already read in this pass (see {@link VmLookup}); a pass runs on one thread
 */
public record Pass(TestVM testVM, QueuedTaskStarts vcenter, Instant now, ResourceID id, TestVMMemory memory, StatusReport report,
        Map<MoRef, VmInfo> vmInfos) {

    public Pass(TestVM testVM, QueuedTaskStarts vcenter, Instant now, TestVMMemory memory) {
        this(testVM, vcenter, now, memory.id(), memory, new StatusReport(testVM, now), new HashMap<>());
    }

    TestVMStatus status() {
        return testVM.getStatus();
    }

    String uid() {
        return testVM.getMetadata().getUid();
    }
}
