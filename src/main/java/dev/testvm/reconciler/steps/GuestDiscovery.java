package dev.testvm.reconciler.steps;

import dev.testvm.discovery.DiscoverySettings;
import dev.testvm.discovery.GuestCommandProbe;
import dev.testvm.discovery.IpDiscoveryCoordinator;

/**
 * Everything the TestVM steps take from {@code dev.testvm.discovery}, as the one bean the
 * reconciler is given: the address finder of {@link IpStep} and the guest-command probe of
 * {@link ReadinessStep}. Each reconciler asks once, when it is built, and owns what it gets (the
 * per-TestVM memory inside is forgotten through {@link TestVMMemories}).
 */
public interface GuestDiscovery {

    /** The finder behind {@link IpStep}; it reads guest credentials through the reconciler's Secret reader. */
    IpFinder ipFinder(GuestCredentialsReader credentials);

    /** Runs {@code spec.readiness.command} in the guest for {@link ReadinessStep}. */
    GuestCommandProbe commandProbe();

    /** Tools and guest operations raced ({@link IpDiscoveryCoordinator}), both paced by {@code settings}. */
    static GuestDiscovery of(DiscoverySettings settings) {
        return new GuestDiscovery() {
            @Override
            public IpFinder ipFinder(GuestCredentialsReader credentials) {
                return new DiscoveryIpFinder(new IpDiscoveryCoordinator(settings), credentials);
            }

            @Override
            public GuestCommandProbe commandProbe() {
                return new GuestCommandProbe(settings);
            }
        };
    }
}
