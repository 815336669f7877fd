package dev.testvm.reconciler.status;

import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Phase;
import dev.testvm.api.ReadinessSpec;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import java.time.Instant;

/**
 * The one writer of a TestVM's conditions and phase (after the Keycloak operator's status
 * aggregator). Steps report facts here: what a condition should say ({@link #condition}), why the
 * TestVM is not ready ({@link #notReady}), that it is ready, or that it failed for good. At the end
 * of a pass {@link #finish} derives the phase from what status then holds (the VM, the task in
 * flight, milestones, conditions), so no step decides the phase and no two steps can disagree.
 *
 * <p>Conditions are written as they are reported, so a later step of the same pass reads what an
 * earlier one said.
 */
public final class StatusReport {

    /** The merge patch that shows phase Deleting while the finalizer works (the resource is going away). */
    public static final String DELETING_PATCH = "{\"status\":{\"phase\":\"" + Phase.Deleting + "\"}}";

    private final TestVM testVM;
    private final Instant now;

    public StatusReport(TestVM testVM, Instant now) {
        if (testVM.getStatus() == null) {
            testVM.setStatus(new TestVMStatus());
        }
        this.testVM = testVM;
        this.now = now;
    }

    /** A step's condition (Cloned, PoweredOn, ToolsRunning, IPAssigned, GuestReady, GuestOperations). */
    public void condition(String type, boolean value, String reason, String message) {
        if (ConditionTypes.READY.equals(type) || ConditionTypes.FAILED.equals(type)) {
            throw new IllegalArgumentException(type + " is derived: report ready, notReady or failed");
        }
        Conditions.set(testVM, type, value, reason, message, now);
    }

    public void ready(String reason, String message) {
        Conditions.set(testVM, ConditionTypes.READY, true, reason, message, now);
    }

    public void notReady(String reason, String message) {
        Conditions.set(testVM, ConditionTypes.READY, false, reason, message, now);
    }

    /** A problem waiting cannot fix: Ready false, Failed true, no task followed any more. */
    public void failed(String reason, String message) {
        notReady(reason, message);
        Conditions.set(testVM, ConditionTypes.FAILED, true, reason, message, now);
        testVM.getStatus().setTaskRef(null);
    }

    /** Sets the phase the pass's facts add up to. */
    public void finish() {
        testVM.getStatus().setPhase(phaseOf(testVM));
    }

    /** The phase {@code testVM}'s status stands for; see {@code docs/architecture.md} for the order. */
    static Phase phaseOf(TestVM testVM) {
        TestVMStatus status = testVM.getStatus();
        if (Conditions.isTrue(status, ConditionTypes.FAILED)) {
            return Phase.Failed;
        }
        if (Conditions.isTrue(status, ConditionTypes.READY)) {
            return Phase.Ready;
        }
        if (status.getIp() != null && Conditions.isTrue(status, ConditionTypes.IP_ASSIGNED)) {
            // Ready once the guest passed spec.readiness; a later problem (vCenter unreachable) makes
            // the Ready condition say so, but does not take the TestVM back a phase.
            ReadinessSpec readiness = testVM.getSpec() == null ? null : testVM.getSpec().getReadiness();
            boolean guestChecked = readiness == null || !readiness.hasChecks() || Conditions.isTrue(status, ConditionTypes.GUEST_READY);
            return guestChecked ? Phase.Ready : Phase.WaitingForGuest;
        }
        return beforeTheAddress(testVM, status);
    }

    private static Phase beforeTheAddress(TestVM testVM, TestVMStatus status) {
        boolean hasVm = status.getVm() != null && status.getVm().getMoRef() != null;
        var milestones = status.getMilestones();
        if (hasVm && testVM.getSpec() != null && Boolean.FALSE.equals(testVM.getSpec().getPowerOn())) {
            return Phase.Cloned;
        }
        if (hasVm && Conditions.isTrue(status, ConditionTypes.POWERED_ON)) {
            return Phase.WaitingForIP;
        }
        if (hasVm && (status.getTaskRef() != null || milestones != null && milestones.getPowerOnStartedAt() != null)) {
            return Phase.PoweringOn;
        }
        boolean cloneStarted = status.getTaskRef() != null || milestones != null && milestones.getCloneStartedAt() != null;
        return hasVm || cloneStarted ? Phase.Cloning : Phase.Pending;
    }
}
