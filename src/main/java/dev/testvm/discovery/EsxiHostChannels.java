package dev.testvm.discovery;

import dev.testvm.vsphere.MoRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the operator has learnt, across TestVMs, about downloading guest files from each ESXi host:
 * one that could not serve a file (unreachable, certificate refused) is known bad for {@link #BAD_MEMORY}. A TestVM on a known-bad host skips the discovery command
 * whose download is bound to fail and uses the vCenter-only channel at once (on Windows that
 * saves a process start of seconds).
 *
 * <p>The memory is the operator's: a restart learns again with one download per host.
 */
final class EsxiHostChannels {

    /**
     * Firewalls and certificates do not change within seconds; after this long one TestVM tries the
     * host again (costing it one failed download if nothing changed).
     */
    static final Duration BAD_MEMORY = Duration.ofMinutes(5);

    private record Bad(Instant until, GuestOpsProblem problem) {}

    private final Clock clock;
    private final Map<MoRef, Bad> bad = new ConcurrentHashMap<>();

    EsxiHostChannels(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Why {@code host} cannot serve guest files, while that is remembered. */
    Optional<GuestOpsProblem> problem(MoRef host) {
        if (host == null) {
            return Optional.empty();
        }
        Bad known = bad.get(host);
        if (known == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(known.until())) {
            bad.remove(host, known);
            return Optional.empty();
        }
        return Optional.of(known.problem());
    }

    void served(MoRef host) {
        if (host != null) {
            bad.remove(host);
        }
    }

    void failed(MoRef host, GuestOpsProblem problem) {
        if (host != null) {
            bad.put(host, new Bad(clock.instant().plus(BAD_MEMORY), problem));
        }
    }
}
