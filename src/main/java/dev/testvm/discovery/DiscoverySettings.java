package dev.testvm.discovery;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing knobs of IP discovery.
 *
 * @param initialBackoff first retry delay after "not yet" (boot faults, no address yet)
 * @param maxBackoff cap of the doubling retry delay; it bounds how late an address is noticed
 * @param firstPollDelay delay before the first poll of a program just started; discovery
 *     commands usually finish within a few hundred milliseconds
 * @param commandTimeout a guest program running longer than this counts as failed
 * @param toolsRecheck requeue delay while only VMware Tools can answer; property-change events
 *     normally wake the reconciler earlier, this is the backstop
 * @param failureRecheck requeue delay after a guest-operations failure nothing falls back from
 */
public record DiscoverySettings(
        Duration initialBackoff,
        Duration maxBackoff,
        Duration firstPollDelay,
        Duration commandTimeout,
        Duration toolsRecheck,
        Duration failureRecheck) {

    public DiscoverySettings {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(firstPollDelay, "firstPollDelay");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(toolsRecheck, "toolsRecheck");
        Objects.requireNonNull(failureRecheck, "failureRecheck");
        // Backoff validates the pair; fail here rather than on the first step.
        new Backoff(initialBackoff, maxBackoff);
    }

    public static DiscoverySettings defaults() {
        return new DiscoverySettings(
                Backoff.DEFAULT_INITIAL,
                Backoff.DEFAULT_MAX,
                Duration.ofMillis(100),
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30));
    }
}
