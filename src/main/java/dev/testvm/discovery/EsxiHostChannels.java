package dev.testvm.discovery;

import dev.testvm.vsphere.MoRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the operator has learnt, across TestVMs, about downloading guest files from each ESXi host:
 * a host that served a file is known good; one that could not (unreachable, certificate refused)
 * is known bad for {@link #BAD_MEMORY}. A TestVM on a known-bad host skips the download that is
 * bound to fail and uses the vCenter-only channel at once; while a host is unknown, the discovery
 * command also asks Tools to publish the network, so that one process start serves whichever
 * channel turns out to work (on Windows every process start costs seconds).
 *
 * <p>The memory is the operator's: a restart learns again with one download per host.
 */
final class EsxiHostChannels {

    /**
     * Firewalls and certificates do not change within seconds; after this long one TestVM tries the
     * host again (its discovery command still asks Tools, so the retry costs it nothing).
     */
    static final Duration BAD_MEMORY = Duration.ofMinutes(5);

    enum State { UNKNOWN, GOOD, BAD }

    private record Bad(Instant until, GuestOpsProblem problem) {}

    private final Clock clock;
    private final Set<MoRef> good = ConcurrentHashMap.newKeySet();
    private final Map<MoRef, Bad> bad = new ConcurrentHashMap<>();

    EsxiHostChannels(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** UNKNOWN when {@code host} is null (not read yet): nothing is assumed about it. */
    State state(MoRef host) {
        if (host == null) {
            return State.UNKNOWN;
        }
        if (problem(host).isPresent()) {
            return State.BAD;
        }
        return good.contains(host) ? State.GOOD : State.UNKNOWN;
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
            good.add(host);
        }
    }

    void failed(MoRef host, GuestOpsProblem problem) {
        if (host != null) {
            good.remove(host);
            bad.put(host, new Bad(clock.instant().plus(BAD_MEMORY), problem));
        }
    }
}
