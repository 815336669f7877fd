package dev.testvm.pool;

import dev.testvm.api.PoolClaim;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMPool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One look at a pool: its members sorted by what the reconciler does with them, and the TestVMs
 * that hold a VM claimed from it. Built from one list of the namespace's TestVMs.
 */
final class PoolCensus {

    /** Unclaimed and Ready, oldest first. */
    final List<TestVM> ready = new ArrayList<>();
    /** Unclaimed, being cloned, booted or discovered, oldest first. */
    final List<TestVM> starting = new ArrayList<>();
    /** Unclaimed and Failed: destroyed and replaced. */
    final List<TestVM> failed = new ArrayList<>();
    /** Claimed members: each waits for its claimant to record the VM, then goes (the VM stays). */
    final List<TestVM> claimedMembers = new ArrayList<>();
    /** Members already being deleted. */
    int deleting;
    /** TestVMs holding a VM they claimed from this pool. */
    int claimants;

    static PoolCensus of(TestVMPool pool, List<TestVM> namespace) {
        PoolCensus census = new PoolCensus();
        String name = pool.getMetadata().getName();
        for (TestVM t : namespace) {
            if (name.equals(PoolMembers.poolOf(t).orElse(null))) {
                census.addMember(t);
            } else if (holdsClaimFrom(t, name)) {
                census.claimants++;
            }
        }
        Comparator<TestVM> oldestFirst = Comparator.comparing((TestVM t) -> t.getMetadata().getCreationTimestamp())
                .thenComparing(t -> t.getMetadata().getName());
        census.ready.sort(oldestFirst);
        census.starting.sort(oldestFirst);
        return census;
    }

    private void addMember(TestVM member) {
        if (PoolMembers.isDeleting(member)) {
            deleting++;
        } else if (PoolMembers.isClaimed(member)) {
            claimedMembers.add(member);
        } else if (PoolMembers.isFailed(member)) {
            failed.add(member);
        } else if (PoolMembers.isReady(member)) {
            ready.add(member);
        } else {
            starting.add(member);
        }
    }

    private static boolean holdsClaimFrom(TestVM t, String pool) {
        return !PoolMembers.isDeleting(t) && t.getSpec() != null && pool.equals(t.getSpec().getPoolRef()) && t.getStatus() != null
                && t.getStatus().getPool() != null && PoolClaim.CLAIMED.equals(t.getStatus().getPool().getOutcome());
    }

    int unclaimed() {
        return ready.size() + starting.size();
    }

    /** Ready members older than maxAge. */
    List<TestVM> expired(Optional<Duration> maxAge, Instant now) {
        if (maxAge.isEmpty()) {
            return List.of();
        }
        return ready.stream().filter(m -> created(m).plus(maxAge.get()).isBefore(now)).toList();
    }

    /** When the oldest Ready member reaches maxAge. */
    Optional<Instant> nextExpiry(Optional<Duration> maxAge) {
        return maxAge.flatMap(age -> ready.stream().map(m -> created(m).plus(age)).min(Comparator.naturalOrder()));
    }

    static Instant created(TestVM t) {
        return Instant.parse(t.getMetadata().getCreationTimestamp());
    }
}
