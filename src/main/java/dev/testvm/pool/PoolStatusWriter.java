package dev.testvm.pool;

import dev.testvm.api.TestVMPool;
import dev.testvm.api.TestVMPoolStatus;
import java.time.Instant;

/** The pool's status: counts and one Ready condition saying whether the pool is full, and if not why. */
final class PoolStatusWriter {

    static final String READY = "Ready";

    private PoolStatusWriter() {}

    static void write(TestVMPool pool, PoolCensus census, boolean paused, Instant now) {
        TestVMPoolStatus status = pool.getStatus();
        int size = TestVMPoolReconciler.size(pool);
        status.setReady(census.ready.size());
        status.setStarting(census.starting.size());
        status.setClaimed(census.claimants);
        status.setObservedGeneration(pool.getMetadata().getGeneration());
        boolean full = census.ready.size() >= size;
        if (full && census.failed.isEmpty()) {
            status.setLastRefillProblem(null);
        }
        String reason;
        String message;
        if (full) {
            reason = size == 0 ? "ScaledToZero" : "Full";
            message = census.ready.size() + " of " + size + " VMs Ready";
        } else if (paused) {
            reason = "Paused";
            message = census.ready.size() + " of " + size + " VMs Ready; spec.paused stops refilling";
        } else {
            reason = status.getLastRefillProblem() != null ? "RefillFailing" : "Refilling";
            message = census.ready.size() + " of " + size + " VMs Ready, " + census.starting.size() + " starting"
                    + (status.getLastRefillProblem() != null ? "; last problem: " + status.getLastRefillProblem() : "");
        }
        set(pool, full, reason, message, now);
    }

    private static void set(TestVMPool pool, boolean value, String reason, String message, Instant now) {
        pool.getStatus().putCondition(READY, value, reason, message, pool.getMetadata().getGeneration(), now);
    }
}
