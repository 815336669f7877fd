package dev.testvm.discovery;

import dev.testvm.api.IpFamily;
import dev.testvm.vsphere.GuestNic;
import dev.testvm.vsphere.VirtualNic;
import dev.testvm.vsphere.VmInfo;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
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
 * link-local, multicast, unspecified, reserved) go first, then the family, then the CIDR lists
 * ({@code excludeCidrs} wins over {@code cidrs}), then the NIC: only addresses on one of the VM's
 * own virtual NICs count, traced by MAC (as govmomi's {@code WaitForNetIP} does) to
 * {@code config.hardware.device}. That is what keeps guest-side bridges, tunnels and virtual
 * switches (docker0, virbr0, cni0, tun0, a Hyper-V vEthernet adapter) out, whatever order the
 * guest lists them in: their MACs are none of the VM's. Survivors are ordered by the VM's NIC
 * order, then by the source's order.
 *
 * <p>Output that prints no MAC at all (a custom command) cannot be traced: its addresses are
 * taken as printed, except that a NIC selection then needs Tools' {@code guest.net} to place them.
 *
 * @param network a vSphere network name, or null/blank for any network (see {@link NicSelection})
 * @param nics which of the VM's NICs may carry the address
 * @param allow {@code spec.ipDiscovery.cidrs}: when not empty, only addresses inside one of them
 * @param exclude {@code spec.ipDiscovery.excludeCidrs}: never addresses inside one of them
 */
public record IpFilter(IpFamily family, NicSelection nics, List<Cidr> allow, List<Cidr> exclude) {

    public IpFilter {
        Objects.requireNonNull(family, "family");
        nics = nics == null ? NicSelection.ANY : nics;
        allow = allow == null ? List.of() : List.copyOf(allow);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }

    public IpFilter(IpFamily family, String network) {
        this(family, new NicSelection(network, null, null), List.of(), List.of());
    }

    public static IpFilter of(IpFamily family) {
        return new IpFilter(family, NicSelection.ANY, List.of(), List.of());
    }

    /** {@code spec.ipDiscovery.network}, null for any. */
    public String network() {
        return nics.network();
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
        List<InetAddress> ofFamily = usable.stream().filter(address -> accepts(family, address)).toList();
        if (ofFamily.isEmpty()) {
            String apipa = hasApipa(found) ? "; the IPv4 address is a self-assigned 169.254 one: DHCP has not answered yet" : "";
            return IpChoice.none(addresses, "no " + family.name() + " address yet (found " + addresses + ")" + apipa);
        }
        List<InetAddress> inRange = ofFamily.stream().filter(this::inRanges).toList();
        if (inRange.isEmpty()) {
            return IpChoice.none(addresses, "no " + family.name() + " address inside " + describeRanges()
                    + " yet (found " + addresses + ")");
        }
        List<VirtualNic> vmNics = tools == null ? List.of() : tools.virtualNics();
        if (vmNics.isEmpty()) {
            return legacyNetworkChoice(inRange, macs, tools, addresses);
        }
        return onVmNics(inRange, macs, tools, vmNics, addresses);
    }

    /**
     * The last filter: only addresses traced (by MAC) to one of the selected NICs of the VM count,
     * the VM's first NIC first.
     *
     * @param addresses every usable address found, for the choice's {@code addresses}
     */
    private IpChoice onVmNics(List<InetAddress> inRange, Map<String, String> macs, VmInfo tools, List<VirtualNic> vmNics,
            List<String> addresses) {
        List<GuestNic> toolsNics = tools.nics();
        List<VirtualNic> selected = nics.select(vmNics, toolsNics);
        if (selected.isEmpty()) {
            return IpChoice.none(addresses, "no NIC of the VM matches " + nics.describe() + " (its NICs: "
                    + describeVmNics(vmNics) + ")");
        }
        List<String> order = selected.stream().map(VirtualNic::macAddress).toList();
        Map<String, String> traced = macs.isEmpty() && nics.isSet() ? macsFromTools(toolsNics) : macs;
        if (traced.isEmpty() && nics.isSet()) {
            return IpChoice.none(addresses, waitingForGuestNet());
        }
        List<InetAddress> onNics = new ArrayList<>();
        for (InetAddress address : inRange) {
            String mac = traced.get(IpScanner.format(address));
            if (traced.isEmpty() || order.contains(mac)) {
                onNics.add(address);
            }
        }
        if (onNics.isEmpty()) {
            return IpChoice.none(addresses, "no " + family.name() + " address on the VM's own NICs ("
                    + nics.describe() + ": " + order + ") yet; found " + describeTraced(inRange, traced));
        }
        // Stable: the VM's first NIC wins over a second one, whatever order the guest printed.
        onNics.sort(Comparator.comparingInt(a -> rank(order, traced.get(IpScanner.format(a)))));
        return new IpChoice(IpScanner.format(onNics.get(0)), addresses, null);
    }

    private boolean inRanges(InetAddress address) {
        if (exclude.stream().anyMatch(c -> c.contains(address))) {
            return false;
        }
        return allow.isEmpty() || allow.stream().anyMatch(c -> c.contains(address));
    }

    private String describeRanges() {
        String allowed = allow.isEmpty() ? "" : "spec.ipDiscovery.cidrs " + allow;
        String excluded = exclude.isEmpty() ? "" : "outside spec.ipDiscovery.excludeCidrs " + exclude;
        return allowed.isEmpty() || excluded.isEmpty() ? allowed + excluded : allowed + " and " + excluded;
    }

    private static int rank(List<String> order, String mac) {
        int index = mac == null ? -1 : order.indexOf(mac);
        return index < 0 ? order.size() : index;
    }

    private static Map<String, String> macsFromTools(List<GuestNic> toolsNics) {
        Map<String, String> result = new LinkedHashMap<>();
        for (GuestNic nic : toolsNics) {
            for (String text : nic.ipAddresses()) {
                IpScanner.parseLiteral(text).ifPresent(a -> result.putIfAbsent(IpScanner.format(a),
                        IpScanner.normalizeMac(nic.macAddress())));
            }
        }
        return result;
    }

    private static String describeTraced(List<InetAddress> found, Map<String, String> traced) {
        return found.stream().map(a -> IpScanner.format(a) + " (MAC " + traced.getOrDefault(IpScanner.format(a), "unknown") + ")")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String describeVmNics(List<VirtualNic> vmNics) {
        return vmNics.stream().map(n -> n.macAddress() + " on " + (n.network() != null ? n.network()
                : n.portgroupKey() != null ? n.portgroupKey() : "?")).collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * The VM's devices are unknown (a source that did not read them): the network is matched
     * through what Tools list in {@code guest.net}, by address or by the interface's MAC.
     */
    private IpChoice legacyNetworkChoice(List<InetAddress> ofFamily, Map<String, String> macs, VmInfo tools,
            List<String> addresses) {
        String network = nics.network();
        if (network == null) {
            return new IpChoice(IpScanner.format(ofFamily.get(0)), addresses, null);
        }
        List<GuestNic> toolsNics = tools == null ? List.of() : tools.nics();
        if (toolsNics.isEmpty()) {
            return IpChoice.none(addresses, waitingForGuestNet());
        }
        Set<String> onNetwork = addressesOnNetwork(toolsNics, network);
        Set<String> macsOnNetwork = macsOnNetwork(toolsNics, network);
        for (InetAddress address : ofFamily) {
            String text = IpScanner.format(address);
            if (onNetwork.contains(text) || macsOnNetwork.contains(macs.get(text))) {
                return new IpChoice(text, addresses, null);
            }
        }
        return IpChoice.none(addresses, "no " + family.name() + " address on network '" + network
                + "' yet (found " + addresses + "; Tools list " + describe(toolsNics) + ")");
    }

    private String waitingForGuestNet() {
        return "waiting for VMware Tools to publish guest.net, needed to tell which address is on " + nics.describe();
    }

    private static Set<String> addressesOnNetwork(List<GuestNic> nics, String network) {
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

    private static Set<String> macsOnNetwork(List<GuestNic> nics, String network) {
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

    /** Whether {@code address} is of {@code family}; the enum's names are the spec's values. */
    static boolean accepts(IpFamily family, InetAddress address) {
        return switch (family) {
            case IPv4 -> address instanceof Inet4Address;
            case IPv6 -> address instanceof Inet6Address;
            case any -> true;
        };
    }
}
