package dev.testvm.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.api.Phase;
import dev.testvm.api.PoolClaim;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMSpec;
import dev.testvm.api.TestVMStatus;
import dev.testvm.api.VmStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Whose a claimed pool VM is, on what the API server says about the member and its claimant. */
class MemberReleaseTest {

    private static final Instant CLAIMED = Instant.parse("2026-12-02T10:00:00Z");

    private final TestVM member = member("vm-7");
    private final TestVM claimant = claimant();

    @Test
    void aClaimantThatRecordedTheVmKeepsIt() {
        claimant.getStatus().setVm(vm("vm-7"));
        assertThat(decide(Optional.of(claimant), CLAIMED.plusSeconds(1))).isEqualTo(MemberRelease.Decision.KEEP_VM);
    }

    @Test
    void theMemberWaitsForAClaimantThatMayStillRecordTheVm() {
        assertThat(decide(Optional.of(claimant), CLAIMED.plusSeconds(30))).isEqualTo(MemberRelease.Decision.WAIT_FOR_CLAIMANT);
    }

    @Test
    void aClaimantThatNeverRecordsTheVmReleasesItAfterTheBound() {
        Instant justBefore = CLAIMED.plus(MemberRelease.HANDOVER_BOUND).minusSeconds(1);
        assertThat(decide(Optional.of(claimant), justBefore)).isEqualTo(MemberRelease.Decision.WAIT_FOR_CLAIMANT);
        Instant after = CLAIMED.plus(MemberRelease.HANDOVER_BOUND).plusSeconds(1);
        assertThat(decide(Optional.of(claimant), after)).isEqualTo(MemberRelease.Decision.DESTROY_VM);
    }

    @Test
    void aClaimantGoneOrGoingLeavesTheVmToNobody() {
        assertThat(decide(Optional.empty(), CLAIMED.plusSeconds(1))).as("gone").isEqualTo(MemberRelease.Decision.DESTROY_VM);
        claimant.getMetadata().setDeletionTimestamp(CLAIMED.toString());
        assertThat(decide(Optional.of(claimant), CLAIMED.plusSeconds(1))).as("being deleted").isEqualTo(MemberRelease.Decision.DESTROY_VM);
    }

    @Test
    void aClaimantThatMovedOnLeavesTheVmToNobody() {
        TestVM failed = claimant();
        failed.getStatus().setPhase(Phase.Failed);
        TestVM otherVm = claimant();
        otherVm.getStatus().setVm(vm("vm-99"));
        TestVM otherPool = claimant();
        otherPool.getSpec().setPoolRef("another");
        TestVM cloning = claimant();
        PoolClaim cloned = new PoolClaim();
        cloned.setName("warm");
        cloned.setOutcome(PoolClaim.CLONED);
        cloning.getStatus().setPool(cloned);
        for (TestVM c : new TestVM[] {failed, otherVm, otherPool, cloning}) {
            assertThat(decide(Optional.of(c), CLAIMED.plusSeconds(1))).isEqualTo(MemberRelease.Decision.DESTROY_VM);
        }
    }

    @Test
    void aClaimWithoutItsTimeIsNotBounded() {
        member.getMetadata().getAnnotations().remove(PoolMembers.CLAIMED_AT_ANNOTATION);
        assertThat(decide(Optional.of(claimant), CLAIMED.plus(Duration.ofDays(1)))).isEqualTo(MemberRelease.Decision.WAIT_FOR_CLAIMANT);
    }

    @Test
    void anUnclaimedMembersVmIsDestroyedWithIt() {
        TestVM unclaimed = member("vm-8");
        unclaimed.getMetadata().getLabels().remove(PoolMembers.CLAIMED_BY_LABEL);
        assertThat(MemberRelease.decide(unclaimed, Optional.of(claimant), CLAIMED)).isEqualTo(MemberRelease.Decision.DESTROY_VM);
    }

    private MemberRelease.Decision decide(Optional<TestVM> who, Instant now) {
        return MemberRelease.decide(member, who, now);
    }

    private static TestVM member(String vmId) {
        TestVM member = new TestVM();
        member.setMetadata(new ObjectMetaBuilder().withName("warm-abcde").withNamespace("ci")
                .addToLabels(PoolMembers.POOL_LABEL, "warm")
                .addToLabels(PoolMembers.CLAIMED_BY_LABEL, "uid-claimant")
                .addToAnnotations(PoolMembers.CLAIMANT_ANNOTATION, "build-1")
                .addToAnnotations(PoolMembers.CLAIMED_AT_ANNOTATION, CLAIMED.toString())
                .build());
        member.setSpec(new TestVMSpec());
        TestVMStatus status = new TestVMStatus();
        status.setVm(vm(vmId));
        status.setPhase(Phase.Ready);
        member.setStatus(status);
        return member;
    }

    private static TestVM claimant() {
        TestVM claimant = new TestVM();
        claimant.setMetadata(new ObjectMetaBuilder().withName("build-1").withNamespace("ci").withUid("uid-claimant").build());
        TestVMSpec spec = new TestVMSpec();
        spec.setPoolRef("warm");
        claimant.setSpec(spec);
        claimant.setStatus(new TestVMStatus());
        return claimant;
    }

    private static VmStatus vm(String id) {
        VmStatus vm = new VmStatus();
        vm.setMoRef("VirtualMachine:" + id);
        return vm;
    }
}
