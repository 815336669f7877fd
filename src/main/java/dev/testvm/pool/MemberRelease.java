package dev.testvm.pool;

import dev.testvm.api.PoolClaim;
import dev.testvm.api.TestVM;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What becomes of a claimed member's VM. It belongs to its claimant once the claimant has recorded
 * it: then it is kept (the member goes, the VM stays). Until then the member waits, since the
 * claimant's next pass records it (also after a crash or a failover: the claim label says whose it
 * is). The VM is nobody's, and is destroyed with its member, when the claimant is gone or going,
 * failed, recorded another VM, went on to clone, no longer names this pool, or has not recorded it
 * within {@link #HANDOVER_BOUND} of the claim (its passes keep failing before the claim step).
 * The bound is far beyond a pass (a claim takes well under a second), because a claimant pass that
 * read the member just before the bound could still record the VM; it would then find the VM gone
 * (VMNotFound) rather than share it: a VM is never handed out twice.
 */
public final class MemberRelease {

    public enum Decision { DESTROY_VM, KEEP_VM, WAIT_FOR_CLAIMANT }

    /** How long a claimed member waits for its claimant to record the VM. */
    public static final Duration HANDOVER_BOUND = Duration.ofMinutes(5);

    private MemberRelease() {}

    public static Decision decide(KubernetesClient client, TestVM member) {
        if (!PoolMembers.isClaimed(member) || PoolMembers.vmOf(member) == null) {
            return Decision.DESTROY_VM;
        }
        return decide(member, PoolMembers.claimant(client, member), Instant.now());
    }

    /** The rule on what the API server said: the member and its claimant (same name and UID), if it exists. */
    static Decision decide(TestVM member, Optional<TestVM> claimant, Instant now) {
        if (!PoolMembers.isClaimed(member) || PoolMembers.vmOf(member) == null || claimant.isEmpty()) {
            return Decision.DESTROY_VM;
        }
        TestVM c = claimant.get();
        if (PoolMembers.handedOver(member, c)) {
            return Decision.KEEP_VM;
        }
        if (PoolMembers.vmOf(c) != null || PoolMembers.isDeleting(c) || PoolMembers.isFailed(c) || movedOn(member, c)) {
            return Decision.DESTROY_VM;
        }
        boolean overdue = PoolMembers.claimedAt(member).map(at -> at.plus(HANDOVER_BOUND).isBefore(now)).orElse(false);
        return overdue ? Decision.DESTROY_VM : Decision.WAIT_FOR_CLAIMANT;
    }

    /** The claimant will not take this member: it names another pool (or none) now, or decided to clone. */
    private static boolean movedOn(TestVM member, TestVM claimant) {
        String pool = PoolMembers.poolOf(member).orElse(null);
        String wanted = claimant.getSpec() == null ? null : claimant.getSpec().getPoolRef();
        var status = claimant.getStatus();
        boolean cloning = status != null && (status.getTaskRef() != null
                || (status.getPool() != null && PoolClaim.CLONED.equals(status.getPool().getOutcome())));
        return pool == null || !pool.equals(wanted) || cloning;
    }
}
