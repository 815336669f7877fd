package dev.testvm.config;

import dev.testvm.discovery.DiscoverySettings;
import dev.testvm.discovery.IpDiscoveryCoordinator;
import dev.testvm.reconciler.DiscoveryIpFinder;
import dev.testvm.reconciler.GuestCredentialsReader;
import dev.testvm.reconciler.IpFinder;

/** Builds the Tools + guest-operations IP discovery from configuration. */
final class IpFinders {

    private IpFinders() {}

    static IpFinder create(OperatorConfig.Discovery discovery, GuestCredentialsReader credentials) {
        DiscoverySettings defaults = DiscoverySettings.defaults();
        DiscoverySettings settings = new DiscoverySettings(discovery.initialBackoff(), discovery.maxBackoff(),
                defaults.firstPollDelay(), defaults.commandTimeout(), defaults.toolsRecheck(), defaults.failureRecheck());
        return new DiscoveryIpFinder(new IpDiscoveryCoordinator(settings), credentials);
    }
}
