package dev.testvm.reconciler;

/** Builds the IP finder once the reconciler has its Secret reader. */
@FunctionalInterface
public interface IpFinderFactory {

    IpFinder create(GuestCredentialsReader credentials);
}
