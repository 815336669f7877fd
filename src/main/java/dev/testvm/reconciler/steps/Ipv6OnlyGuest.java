package dev.testvm.reconciler.steps;

import dev.testvm.vsphere.GuestNic;
import dev.testvm.vsphere.VmInfo;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code spec.ipDiscovery.family: IPv4} (the default) on a guest that has only IPv6 addresses:
 * waiting for the whole {@code ipDiscovery.timeout} (10 min by default) would only make a CI job
 * fail late. The guest counts as IPv6-only when VMware Tools (whose report is the guest's whole
 * network, refreshed at least every 30 s) list a global IPv6 address and no IPv4 address at all,
 * while discovery finds no IPv4 address either; once that has held for {@link #GRACE} without a
 * break, the TestVM fails with {@link Reasons#NO_IPV4_ADDRESS}. A self-assigned 169.254 address
 * counts as IPv4 (DHCP is still trying), so it stops the clock.
 *
 * <p>Why a minute: SLAAC brings IPv6 up within a second or two, while a DHCPv4 server may take
 * tens of seconds (dhclient's own timeout is 60 s); a minute of "IPv6 only" also spans two Tools
 * polls, so both sources have had their say. Memory only: a restarted operator starts over.
 */
final class Ipv6OnlyGuest {

    static final Duration GRACE = Duration.ofSeconds(60);

    /** Since when the guest has shown only {@code addresses}. */
    record Seen(List<String> addresses, Instant since) {
        Instant failsAt() {
            return since.plus(GRACE);
        }
    }

    /** Empty (and the clock reset) unless Tools show the guest IPv6-only now. */
    Optional<Seen> observe(TestVMMemory memory, VmInfo info, Instant now) {
        List<String> addresses = ipv6Only(info);
        if (addresses.isEmpty()) {
            memory.ipv6OnlySince = null;
            return Optional.empty();
        }
        if (memory.ipv6OnlySince == null) {
            memory.ipv6OnlySince = now;
        }
        return Optional.of(new Seen(addresses, memory.ipv6OnlySince));
    }

    void forget(TestVMMemory memory) {
        memory.ipv6OnlySince = null;
    }

    /** Tools' global IPv6 addresses when they list no IPv4 address; otherwise empty. */
    static List<String> ipv6Only(VmInfo info) {
        Set<String> reported = new LinkedHashSet<>();
        for (GuestNic nic : info.nics()) {
            reported.addAll(nic.ipAddresses());
        }
        if (info.ipAddress() != null && !info.ipAddress().isBlank()) {
            reported.add(info.ipAddress());
        }
        List<String> global = new ArrayList<>();
        for (String text : reported) {
            String literal = text.contains("%") ? text.substring(0, text.indexOf('%')) : text;
            if (!literal.contains(":")) {
                return List.of();
            }
            parse(literal).filter(Ipv6OnlyGuest::isGlobal).ifPresent(a -> global.add(literal));
        }
        return global;
    }

    private static boolean isGlobal(InetAddress address) {
        return !address.isLinkLocalAddress() && !address.isLoopbackAddress() && !address.isMulticastAddress()
                && !address.isAnyLocalAddress();
    }

    private static Optional<InetAddress> parse(String literal) {
        if (!literal.matches("[0-9A-Fa-f:.]+")) {
            return Optional.empty();
        }
        try {
            // A literal of hex digits, colons and dots: never a name lookup.
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
