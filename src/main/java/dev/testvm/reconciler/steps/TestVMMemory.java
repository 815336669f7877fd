package dev.testvm.reconciler.steps;

import dev.testvm.vsphere.MoRef;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;

/**
 * What this process remembers about one TestVM between its passes, in one place (see
 * {@link TestVMMemories}). Nothing here is the truth about the TestVM: that is its status and the
 * VM in vCenter. Each field only saves a vCenter request or bridges the gap while the informer
 * still hands out a resource older than our last status patch; losing all of it on a restart costs
 * requests, never a second clone.
 *
 * <p>Passes of one TestVM never run at the same time (the framework serialises them), so plain
 * volatile fields suffice.
 */
public final class TestVMMemory {

    /** An address discovery reported, and since when it has stayed the same ({@code spec.ipDiscovery.settle}). */
    record SeenIp(String ip, Instant since) {}

    private final String uid;
    private final ResourceID id;
    /**
     * The recorded clone intent may be acted on without looking for an earlier clone: this process
     * wrote it, or ruled out an earlier clone, and has not sent a clone call since.
     */
    volatile boolean intentClearToClone;
    /**
     * The clone task this process started on an intent it could vouch for ({@link #intentClearToClone}),
     * and then the VM that task made: while set, no other VM can carry the TestVM's UID, so deletion
     * needs no look-up by UID once that VM is gone. Null whenever a clone's outcome was unknown.
     */
    volatile MoRef soleCloneTask;
    volatile MoRef soleCloneVm;
    /** The vSphere task this process started for the TestVM and has not seen end (see {@link TaskInFlight}). */
    volatile TaskInFlight.Task task;
    /** Failed passes in a row, for the retry backoff. */
    public volatile int failedAttempts;
    /** Passing readiness rounds in a row. */
    volatile int readinessStreak;
    volatile SeenIp settlingIp;
    /** Since when Tools have shown the guest with IPv6 addresses only (see {@link Ipv6OnlyGuest}); null otherwise. */
    volatile Instant ipv6OnlySince;
    /** {@code spec.ipDiscovery} as vCenter judged it (checked once per TestVM). */
    volatile IpDiscoveryCheck.Checked ipDiscoveryChecked;
    /** This process let the TestVM go on to clone instead of claiming a pool VM. */
    volatile boolean decidedToClone;

    TestVMMemory(String uid, ResourceID id) {
        this.uid = uid;
        this.id = id;
    }

    String uid() {
        return uid;
    }

    ResourceID id() {
        return id;
    }
}
