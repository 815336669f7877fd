package dev.testvm.config;

import dev.testvm.discovery.DiscoverySettings;
import dev.testvm.discovery.IpDiscoveryCoordinator;
import dev.testvm.reconciler.steps.DiscoveryIpFinder;
import dev.testvm.reconciler.steps.GuestCredentialsReader;
import dev.testvm.reconciler.steps.IpFinder;
import dev.testvm.reconciler.steps.IpFinderFactory;

/** Builds the Tools + guest-operations IP discovery from configuration. */
public final class IpFinders {

    private IpFinders() {}

    /** The factory the reconciler takes; also used by tests that run the reconciler outside Quarkus. */
    public static IpFinderFactory factory(OperatorConfig.Discovery discovery) {
        return credentials -> create(discovery, credentials);
    }

    static IpFinder create(OperatorConfig.Discovery discovery, GuestCredentialsReader credentials) {
        DiscoverySettings defaults = DiscoverySettings.defaults();
        DiscoverySettings settings = new DiscoverySettings(discovery.initialBackoff(), discovery.maxBackoff(),
                defaults.firstPollDelay(), defaults.commandTimeout(), defaults.toolsRecheck(), defaults.failureRecheck());
        return new DiscoveryIpFinder(new IpDiscoveryCoordinator(settings), credentials);
    }
}
