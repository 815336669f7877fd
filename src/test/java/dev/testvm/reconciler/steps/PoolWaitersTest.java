package dev.testvm.reconciler.steps;

import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Phase;
import dev.testvm.api.PoolClaim;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMSpec;
import dev.testvm.api.TestVMStatus;
import dev.testvm.api.VmStatus;
import dev.testvm.pool.PoolMembers;
import dev.testvm.reconciler.status.Conditions;
import dev.testvm.reconciler.status.Reasons;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** Which claimants a pool member's change wakes. */
class PoolWaitersTest {

    @Test
    void aClaimableMemberWakesTheUndecidedClaimantsOfItsPoolOnly() {
        TestVM waiting = claimant("waiting", "warm");
        waiting.getStatus().setPool(outcome(PoolClaim.WAITING));
        TestVM notYetPatched = claimant("new", "warm");
        TestVM cloning = claimant("cloning", "warm");
        cloning.getStatus().setPool(outcome(PoolClaim.CLONED));
        TestVM served = claimant("served", "warm");
        served.getStatus().setVm(vm("vm-3"));
        TestVM otherPool = claimant("other", "cold");
        TestVM going = claimant("going", "warm");
        going.getMetadata().setDeletionTimestamp(Instant.now().toString());
        List<TestVM> namespace = List.of(waiting, notYetPatched, cloning, served, otherPool, going);

        assertThat(PoolWaiters.waitersFor(member(true), ns -> namespace.stream()))
                .containsExactlyInAnyOrder(new ResourceID("waiting", "ci"), new ResourceID("new", "ci"));
    }

    @Test
    void aMemberThatCannotBeClaimedWakesNobody() {
        TestVM waiting = claimant("waiting", "warm");
        assertThat(PoolWaiters.waitersFor(member(false), ns -> List.of(waiting).stream())).isEmpty();
        TestVM claimed = member(true);
        claimed.getMetadata().getLabels().put(PoolMembers.CLAIMED_BY_LABEL, "someone");
        assertThat(PoolWaiters.waitersFor(claimed, ns -> List.of(waiting).stream())).isEmpty();
    }

    private static TestVM member(boolean ready) {
        TestVM member = new TestVM();
        member.setMetadata(new ObjectMetaBuilder().withName("warm-abcde").withNamespace("ci")
                .addToLabels(PoolMembers.POOL_LABEL, "warm").withGeneration(1L).build());
        member.setSpec(new TestVMSpec());
        member.setStatus(new TestVMStatus());
        member.getStatus().setVm(vm("vm-1"));
        if (ready) {
            member.getStatus().setIp("10.0.0.1");
            member.getStatus().setPhase(Phase.Ready);
            Conditions.set(member, ConditionTypes.READY, true, Reasons.IP_FOUND, "IP 10.0.0.1 from Tools", Instant.now());
        } else {
            member.getStatus().setPhase(Phase.WaitingForIP);
        }
        return member;
    }

    private static TestVM claimant(String name, String pool) {
        TestVM claimant = new TestVM();
        claimant.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ci").build());
        TestVMSpec spec = new TestVMSpec();
        spec.setPoolRef(pool);
        claimant.setSpec(spec);
        claimant.setStatus(new TestVMStatus());
        return claimant;
    }

    private static PoolClaim outcome(String outcome) {
        PoolClaim claim = new PoolClaim();
        claim.setName("warm");
        claim.setOutcome(outcome);
        return claim;
    }

    private static VmStatus vm(String id) {
        VmStatus vm = new VmStatus();
        vm.setMoRef("VirtualMachine:" + id);
        return vm;
    }
}
