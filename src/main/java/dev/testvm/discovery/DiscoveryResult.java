package dev.testvm.discovery;

import dev.testvm.discovery.DiscoveryOutcome.Found;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link IpDiscoveryCoordinator#step} tells the reconciler.
 *
 * @param outcome {@link Found} → write {@code status.ip}/{@code ipAddresses}/{@code ipSource};
 *     {@code NotYet} → requeue; with strategy auto nothing else occurs (guest-operations failures
 *     fall back to Tools and show up in {@code guestOpsProblem}); with strategy guestOperations
 *     {@code CredentialsRejected}, {@code CommandFailed}, {@code GuestOperationsError} and
 *     {@code Misconfigured} are returned as they are, for the reconciler to decide on
 * @param guestOpsProblem present while guest operations are failing, for a condition; absent
 *     once they are fine (or not used)
 * @param guestOs the resolved OS, for {@code status.guestOS}; empty while it cannot be told
 * @param retryAfter when to step again; {@link Duration#ZERO} for Found
 */
public record DiscoveryResult(
        DiscoveryOutcome outcome,
        Optional<GuestOpsProblem> guestOpsProblem,
        Optional<GuestOs> guestOs,
        Duration retryAfter) {

    public DiscoveryResult {
        Objects.requireNonNull(outcome, "outcome");
        guestOpsProblem = guestOpsProblem == null ? Optional.empty() : guestOpsProblem;
        guestOs = guestOs == null ? Optional.empty() : guestOs;
        Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public Optional<Found> found() {
        return outcome instanceof Found found ? Optional.of(found) : Optional.empty();
    }
}
