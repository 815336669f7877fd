package dev.testvm.reconciler.steps;

import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Phase;
import dev.testvm.api.PoolClaim;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.reconciler.status.Conditions;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.StatusReport;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * Ready comes back after a passing problem. A pass that hits a retryable problem (vCenter
 * unreachable, a call interrupted) turns the Ready condition False; for a TestVM already in phase
 * Ready no step is left that would turn it True again (every step finds its work done), so a later
 * pass that gets through all steps without a problem does it here. Found with warm pools: a leader
 * stopped during a claimant's pass, after the handover but during the power-on step's vCenter read;
 * that pass recorded the VM together with the interruption, and the new leader's passes left the
 * claimant Ready=False for good.
 */
public final class ReadyAgain {

    private ReadyAgain() {}

    public static void afterCleanPass(TestVM testVM, StatusReport report) {
        TestVMStatus status = testVM.getStatus();
        if (status.getPhase() != Phase.Ready || status.getIp() == null || Conditions.isTrue(status, ConditionTypes.READY)) {
            return;
        }
        String ipMessage = Conditions.find(status, ConditionTypes.IP_ASSIGNED).map(Condition::getMessage).orElse("IP " + status.getIp());
        if (status.getPool() != null && PoolClaim.CLAIMED.equals(status.getPool().getOutcome())) {
            report.ready(PoolClaimStep.CLAIMED_FROM_POOL, ipMessage);
        } else if (Conditions.isTrue(status, ConditionTypes.GUEST_READY)) {
            String guest = Conditions.find(status, ConditionTypes.GUEST_READY).map(Condition::getMessage).orElse("");
            report.ready(Reasons.GUEST_READY, "IP " + status.getIp() + ", readiness passed: " + guest);
        } else {
            report.ready(Reasons.IP_FOUND, ipMessage);
        }
    }
}
