package dev.testvm.reconciler;

import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.vsphere.VCenter;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;

/** One reconcile pass over one TestVM: the resource, its status being built, and the clock. */
record Pass(TestVM testVM, VCenter vcenter, Instant now, ResourceID id) {

    TestVMStatus status() {
        return testVM.getStatus();
    }

    String uid() {
        return testVM.getMetadata().getUid();
    }
}
