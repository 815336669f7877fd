package dev.testvm.reconciler.steps;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code spec.ipDiscovery.settle}: an address counts only once discovery has reported the same
 * one for that long. Some guests take a DHCP lease, then change it within seconds (a second DHCP
 * client, cloud-init renaming the NIC, a static address applied late); a pipeline handed the first
 * one would fail to log in. Memory only: after an operator restart the wait starts over.
 */
final class IpSettle {

    /**
     * @return empty when {@code ip} has been the answer for {@code settle} already; otherwise how
     *     much longer it must stay (a changed address starts the wait again)
     */
    Optional<Duration> remaining(TestVMMemory memory, String ip, Duration settle, Instant now) {
        if (settle.isZero()) {
            return Optional.empty();
        }
        TestVMMemory.SeenIp old = memory.settlingIp;
        TestVMMemory.SeenIp last = old != null && old.ip().equals(ip) ? old : new TestVMMemory.SeenIp(ip, now);
        memory.settlingIp = last;
        Duration left = settle.minus(Duration.between(last.since(), now));
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }

    /** Since when {@code ip} has been the answer, or null. */
    Instant since(TestVMMemory memory, String ip) {
        TestVMMemory.SeenIp last = memory.settlingIp;
        return last != null && last.ip().equals(ip) ? last.since() : null;
    }

    void forget(TestVMMemory memory) {
        memory.settlingIp = null;
    }
}
