package dev.testvm.reconciler.steps;

/** Builds the IP finder once the reconciler has its Secret reader. */
@FunctionalInterface
public interface IpFinderFactory {

    IpFinder create(GuestCredentialsReader credentials);
}
