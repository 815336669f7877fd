package dev.testvm.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this replica holds the operator's Lease, as java-operator-sdk's leader election reports
 * it through {@link LeaderCallbacks}. For work outside the reconciler that only one replica may do
 * (the orphan sweeper).
 */
@Singleton
public class Leadership {

    private final AtomicBoolean leading = new AtomicBoolean();

    public LeaderCallbacks callbacks() {
        return new LeaderCallbacks(() -> leading.set(true), () -> leading.set(false), newLeader -> {});
    }

    /** True between "started leading" and "stopped leading"; always false if leader election never runs. */
    public boolean isLeading() {
        return leading.get();
    }
}
