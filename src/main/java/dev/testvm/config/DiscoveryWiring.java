package dev.testvm.config;

import dev.testvm.discovery.DiscoverySettings;
import dev.testvm.reconciler.steps.GuestDiscovery;

/** Builds the reconciler's {@link GuestDiscovery} from configuration. */
public final class DiscoveryWiring {

    private DiscoveryWiring() {}

    /** The bean the reconciler takes; also used by tests that run the reconciler outside Quarkus. */
    public static GuestDiscovery of(OperatorConfig.Discovery discovery) {
        DiscoverySettings defaults = DiscoverySettings.defaults();
        return GuestDiscovery.of(new DiscoverySettings(discovery.initialBackoff(), discovery.maxBackoff(),
                defaults.firstPollDelay(), defaults.commandTimeout(), defaults.toolsRecheck(), defaults.failureRecheck()));
    }
}
