package dev.testvm.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Leader election through a coordination.k8s.io Lease, so that several replicas never clone the
 * same VM twice. The quarkus-operator-sdk extension uses this bean only in the profiles listed in
 * {@code quarkus.operator-sdk.activate-leader-election-for-profiles} (default {@code prod}): off
 * in tests and dev mode.
 */
@ApplicationScoped
public class LeaderElectionBeans {

    public static final String LEASE_NAME = "testvm-operator-lease";

    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(
            @ConfigProperty(name = "testvm.leader-election.lease-namespace") Optional<String> leaseNamespace,
            @ConfigProperty(name = "testvm.leader-election.lease-name") Optional<String> leaseName, Leadership leadership) {
        // A replica that loses the lease exits (JOSDK's default) and comes back as a follower.
        return builder(leaseName.orElse(LEASE_NAME), leaseNamespace.orElse(null), null)
                .withLeaderCallbacks(leadership.callbacks()).build();
    }

    /**
     * The lease settings shared by production and tests.
     *
     * @param leaseNamespace null: the namespace the client runs in (the pod's)
     * @param identity       null: the host name (the pod's name)
     */
    public static LeaderElectionConfigurationBuilder builder(String leaseNamespace, String identity) {
        return builder(LEASE_NAME, leaseNamespace, identity);
    }

    /**
     * As above with a Lease of its own: each Deployment serving a shard of the VCenters
     * ({@code testvm.leader-election.lease-name}) elects its leader apart from the others.
     */
    public static LeaderElectionConfigurationBuilder builder(String leaseName, String leaseNamespace, String identity) {
        LeaderElectionConfigurationBuilder builder = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(leaseName);
        if (leaseNamespace != null && !leaseNamespace.isBlank()) {
            builder.withLeaseNamespace(leaseNamespace);
        }
        if (identity != null) {
            builder.withIdentity(identity);
        }
        return builder;
    }
}
