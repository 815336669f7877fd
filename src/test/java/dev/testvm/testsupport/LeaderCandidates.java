package dev.testvm.testsupport;

import dev.testvm.config.LeaderElectionBeans;
import dev.testvm.config.Leadership;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/**
 * Operator instances that compete for the namespace's Lease, as replicas of the Deployment do
 * (leader-election tests of TestVMs and of pools).
 */
public final class LeaderCandidates {

    private LeaderCandidates() {}

    /** A {@link LocalOperator} on the test's namespace that runs only while it holds the Lease as {@code identity}. */
    public static LocalOperator start(EndToEnd e2e, String identity) {
        return LocalOperator.start(e2e.client(), e2e.simulator(), e2e.namespace(), o -> o.withLeaderElectionConfiguration(
                LeaderElectionBeans.builder(e2e.namespace(), identity).buildForTest(false)));
    }

    /** As above; {@code leadership} learns when it starts and stops leading. */
    public static LocalOperator start(EndToEnd e2e, String identity, Leadership leadership) {
        return LocalOperator.start(e2e.client(), e2e.simulator(), e2e.namespace(), o -> o.withLeaderElectionConfiguration(
                LeaderElectionBeans.builder(e2e.namespace(), identity).withLeaderCallbacks(leadership.callbacks()).buildForTest(false)));
    }

    /** Who holds the Lease now (null: nobody yet). */
    public static String holder(EndToEnd e2e) {
        Lease lease = e2e.client().leases().inNamespace(e2e.namespace()).withName(LeaderElectionBeans.LEASE_NAME).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }
}
