package dev.testvm.reconciler.steps;

import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Milestones;
import dev.testvm.api.Phase;
import dev.testvm.api.PoolClaim;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.api.VmStatus;
import dev.testvm.reconciler.status.KubeEvents;
import dev.testvm.reconciler.status.Milestone;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.TestVMObserver;
import java.time.Duration;
import java.time.Instant;

/**
 * Writes a claimed pool VM into the claimant's status at once: VM, IP, timings, conditions, phase
 * Ready, and {@code status.pool} saying where it came from. Idempotent, so a claimant that died
 * between its claim and its status patch simply does it again.
 */
final class PoolHandover {

    private final KubeEvents kubeEvents;
    private final TestVMObserver observer;

    PoolHandover(KubeEvents kubeEvents, TestVMObserver observer) {
        this.kubeEvents = kubeEvents;
        this.observer = observer;
    }

    void takeOver(Pass pass, String poolName, TestVM member) {
        TestVM testVM = pass.testVM();
        TestVMStatus from = member.getStatus();
        TestVMStatus status = pass.status();
        status.setVm(copy(from.getVm()));
        status.setIp(from.getIp());
        status.setIpAddresses(from.getIpAddresses());
        status.setIpSource(from.getIpSource());
        status.setGuestOS(from.getGuestOS());
        status.setEffectiveCloneType(from.getEffectiveCloneType());
        status.setTaskRef(null);
        stampMilestones(Milestone.of(status), pass.now().toString());
        Instant created = testVM.getMetadata().getCreationTimestamp() == null ? null : Instant.parse(testVM.getMetadata().getCreationTimestamp());
        Milestone.recomputeTimings(status, created);

        PoolClaim claim = status.getPool() == null ? new PoolClaim() : status.getPool();
        claim.setName(poolName);
        claim.setOutcome(PoolClaim.CLAIMED);
        claim.setMember(member.getMetadata().getName());
        if (claim.getClaimedAt() == null) {
            claim.setClaimedAt(pass.now().toString());
        }
        status.setPool(claim);

        String vm = from.getVm().getName() + " (" + from.getVm().getMoRef() + ")";
        String message = "IP " + from.getIp() + " from pool " + poolName + ": VM " + vm + " of pool TestVM " + member.getMetadata().getName();
        pass.report().condition(ConditionTypes.CLONED, true, PoolClaimStep.CLAIMED_FROM_POOL, "VM " + vm + " taken from pool " + poolName);
        pass.report().condition(ConditionTypes.POWERED_ON, true, "PoweredOn", "VM is powered on");
        pass.report().condition(ConditionTypes.TOOLS_RUNNING, true, "ToolsRunning", "VMware Tools are running");
        pass.report().condition(ConditionTypes.IP_ASSIGNED, true, Reasons.IP_FOUND, message);
        pass.report().ready(PoolClaimStep.CLAIMED_FROM_POOL, message);
        kubeEvents.normal(testVM, PoolClaimStep.CLAIMED_FROM_POOL, message);
        Double total = status.getTimings().getTotalSeconds();
        observer.claimed(testVM, poolName, PoolClaim.CLAIMED, total == null ? null : Duration.ofMillis(Math.round(total * 1000)));
    }

    /** Every step happened at the claim: the claimant waited for none of them. */
    private static void stampMilestones(Milestones m, String now) {
        if (m.getIpAssignedAt() != null) {
            return;
        }
        m.setCloneStartedAt(now);
        m.setClonedAt(now);
        m.setPowerOnStartedAt(now);
        m.setPoweredOnAt(now);
        m.setToolsRunningAt(now);
        m.setIpAssignedAt(now);
    }

    private static VmStatus copy(VmStatus from) {
        VmStatus vm = new VmStatus();
        vm.setMoRef(from.getMoRef());
        vm.setName(from.getName());
        vm.setInstanceUUID(from.getInstanceUUID());
        vm.setHost(from.getHost());
        return vm;
    }
}
