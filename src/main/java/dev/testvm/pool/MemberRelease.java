package dev.testvm.pool;

import dev.testvm.api.TestVM;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/**
 * What the finalizer of a deleted pool member does with its VM. An unclaimed member's VM is
 * destroyed as any TestVM's. A claimed member's VM belongs to its claimant once the claimant has
 * recorded it: then it is kept. Until then the member waits, since the claimant may still record
 * it; if the claimant is gone, going away, or recorded another VM, the VM is nobody's and is destroyed.
 */
public final class MemberRelease {

    public enum Decision { DESTROY_VM, KEEP_VM, WAIT_FOR_CLAIMANT }

    private MemberRelease() {}

    public static Decision decide(KubernetesClient client, TestVM member) {
        if (!PoolMembers.isClaimed(member) || PoolMembers.vmOf(member) == null) {
            return Decision.DESTROY_VM;
        }
        Optional<TestVM> claimant = PoolMembers.claimant(client, member);
        if (claimant.isEmpty()) {
            return Decision.DESTROY_VM;
        }
        if (PoolMembers.handedOver(member, claimant.get())) {
            return Decision.KEEP_VM;
        }
        TestVM c = claimant.get();
        if (PoolMembers.vmOf(c) != null || PoolMembers.isDeleting(c) || PoolMembers.isFailed(c)) {
            return Decision.DESTROY_VM;
        }
        return Decision.WAIT_FOR_CLAIMANT;
    }
}
