package dev.testvm.discovery;

import dev.testvm.vsphere.GuestNic;
import dev.testvm.vsphere.VmInfo;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides which of the addresses a source reported is THE address of a TestVM.
 *
 * <p>Filters run in a fixed order: addresses no other machine could reach (loopback,
 * link-local, multicast, unspecified, reserved) go first, then the family, then the network.
 * The first survivor wins, so the source's own order (interface order in the guest) decides ties.
 *
 * @param network a vSphere network name, or null/blank for any network; it is checked against
 *     what VMware Tools published in {@code guest.net}: the NIC's addresses, or its MAC when the
 *     source printed which interface (MAC) each address belongs to
 */
public record IpFilter(IpFamily family, String network) {

    public IpFilter {
        Objects.requireNonNull(family, "family");
        network = network == null || network.isBlank() ? null : network;
    }

    public static IpFilter of(IpFamily family) {
        return new IpFilter(family, null);
    }

    /**
     * False for addresses that say nothing about how to reach the guest. 169.254/16 is what a
     * guest gives itself while DHCP has not answered, so it must never end discovery; 0/8 and
     * 240/4 (which holds 255.255.255.255) are not host addresses either.
     */
    public static boolean isHostAddress(InetAddress address) {
        if (address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isMulticastAddress()
                || address.isAnyLocalAddress()) {
            return false;
        }
        if (address instanceof Inet4Address) {
            int first = address.getAddress()[0] & 0xff;
            return first != 0 && first < 240;
        }
        return true;
    }

    /**
     * @param found addresses in the order the source reported them
     * @param tools the VM as last read; only its {@code guest.net} is used, for the network filter
     */
    public IpChoice choose(List<InetAddress> found, VmInfo tools) {
        return choose(found, Map.of(), tools);
    }

    /**
     * @param macs canonical address → MAC of the guest interface it was seen on (see
     *     {@link IpScanner#macsByAddress}); lets the network filter decide as soon as Tools list
     *     the NICs, before they publish any address
     */
    public IpChoice choose(List<InetAddress> found, Map<String, String> macs, VmInfo tools) {
        Set<InetAddress> usable = new LinkedHashSet<>();
        for (InetAddress address : found) {
            if (isHostAddress(address)) {
                usable.add(address);
            }
        }
        List<String> addresses = usable.stream().map(IpScanner::format).toList();
        if (usable.isEmpty()) {
            return IpChoice.none(addresses, whyNothingUsable(found));
        }
        List<InetAddress> ofFamily = usable.stream().filter(family::accepts).toList();
        if (ofFamily.isEmpty()) {
            String apipa = hasApipa(found) ? "; the IPv4 address is a self-assigned 169.254 one: DHCP has not answered yet" : "";
            return IpChoice.none(addresses, "no " + family.specValue() + " address yet (found " + addresses + ")" + apipa);
        }
        if (network == null) {
            return new IpChoice(IpScanner.format(ofFamily.get(0)), addresses, null);
        }
        List<GuestNic> nics = tools == null ? List.of() : tools.nics();
        if (nics.isEmpty()) {
            return IpChoice.none(addresses,
                    "waiting for VMware Tools to publish guest.net, needed to tell which address is on network '"
                            + network + "'");
        }
        Set<String> onNetwork = addressesOnNetwork(nics);
        Set<String> macsOnNetwork = macsOnNetwork(nics);
        for (InetAddress address : ofFamily) {
            String text = IpScanner.format(address);
            if (onNetwork.contains(text) || macsOnNetwork.contains(macs.get(text))) {
                return new IpChoice(text, addresses, null);
            }
        }
        return IpChoice.none(addresses, "no " + family.specValue() + " address on network '" + network
                + "' yet (found " + addresses + "; Tools list " + describe(nics) + ")");
    }

    private Set<String> addressesOnNetwork(List<GuestNic> nics) {
        Set<String> result = new LinkedHashSet<>();
        for (GuestNic nic : nics) {
            if (network.equals(nic.network())) {
                for (String text : nic.ipAddresses()) {
                    IpScanner.parseLiteral(text).map(IpScanner::format).ifPresent(result::add);
                }
            }
        }
        return result;
    }

    private Set<String> macsOnNetwork(List<GuestNic> nics) {
        Set<String> result = new LinkedHashSet<>();
        for (GuestNic nic : nics) {
            if (network.equals(nic.network()) && nic.macAddress() != null && !nic.macAddress().isBlank()) {
                result.add(IpScanner.normalizeMac(nic.macAddress()));
            }
        }
        return result;
    }

    private static String describe(List<GuestNic> nics) {
        return nics.stream()
                .map(nic -> (nic.network() == null ? "?" : nic.network()) + "=" + nic.ipAddresses())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static boolean hasApipa(List<InetAddress> found) {
        return found.stream().anyMatch(address -> address instanceof Inet4Address
                && (address.getAddress()[0] & 0xff) == 169 && (address.getAddress()[1] & 0xff) == 254);
    }

    private static String whyNothingUsable(List<InetAddress> found) {
        if (found.isEmpty()) {
            return "no IP address reported yet";
        }
        List<String> seen = found.stream().map(IpScanner::format).toList();
        return hasApipa(found)
                ? "only a self-assigned 169.254 address so far: DHCP has not answered yet " + seen
                : "only loopback, link-local or multicast addresses so far " + seen;
    }
}
