package dev.testvm.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code spec.ipDiscovery.settle}: an address counts only once discovery has reported the same
 * one for that long. Some guests take a DHCP lease, then change it within seconds (a second DHCP
 * client, cloud-init renaming the NIC, a static address applied late); a pipeline handed the first
 * one would fail to log in. Memory only: after an operator restart the wait starts over.
 */
final class IpSettle {

    private record Seen(String ip, Instant since) {}

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    /**
     * @return empty when {@code ip} has been the answer for {@code settle} already; otherwise how
     *     much longer it must stay (a changed address starts the wait again)
     */
    Optional<Duration> remaining(String uid, String ip, Duration settle, Instant now) {
        if (settle.isZero()) {
            return Optional.empty();
        }
        Seen last = seen.compute(uid, (key, old) -> old != null && old.ip().equals(ip) ? old : new Seen(ip, now));
        Duration left = settle.minus(Duration.between(last.since(), now));
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }

    /** Since when {@code ip} has been the answer, or null. */
    Instant since(String uid, String ip) {
        Seen last = seen.get(uid);
        return last != null && last.ip().equals(ip) ? last.since() : null;
    }

    void forget(String uid) {
        seen.remove(uid);
    }
}
