package dev.testvm.discovery;

import dev.testvm.vsphere.GuestNic;
import dev.testvm.vsphere.VirtualNic;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which of the VM's own virtual NICs may carry its address: every one (the default), the one at a
 * device index, or those on a network.
 *
 * @param network {@code spec.ipDiscovery.network}, null for any
 * @param portgroupKey the network's moRef value when it is a distributed port group (vCenter's
 *     NIC backing names the port group by key, not by name); null when not resolved
 * @param index {@code spec.ipDiscovery.nicIndex}: position among the VM's ethernet cards, 0-based
 */
public record NicSelection(String network, String portgroupKey, Integer index) {

    public static final NicSelection ANY = new NicSelection(null, null, null);

    public NicSelection {
        network = network == null || network.isBlank() ? null : network.trim();
    }

    public boolean isSet() {
        return network != null || index != null;
    }

    /**
     * @param tools Tools' {@code guest.net}: names the network of a NIC whose backing does not
     *     (a distributed port group not resolved here)
     */
    public List<VirtualNic> select(List<VirtualNic> nics, List<GuestNic> tools) {
        List<VirtualNic> chosen = new ArrayList<>();
        for (int i = 0; i < nics.size(); i++) {
            VirtualNic nic = nics.get(i);
            if ((index == null || index == i) && (network == null || onNetwork(nic, tools))) {
                chosen.add(nic);
            }
        }
        return chosen;
    }

    /** For messages: which spec field narrowed the NICs. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (index != null) {
            parts.add("spec.ipDiscovery.nicIndex " + index);
        }
        if (network != null) {
            parts.add("spec.ipDiscovery.network '" + network + "'");
        }
        return parts.isEmpty() ? "any NIC" : String.join(" and ", parts);
    }

    private boolean onNetwork(VirtualNic nic, List<GuestNic> tools) {
        String name = network.contains("/") ? network.substring(network.lastIndexOf('/') + 1) : network;
        if (name.equals(nic.network()) || (portgroupKey != null && portgroupKey.equals(nic.portgroupKey()))) {
            return true;
        }
        if (nic.portgroupKey() == null || portgroupKey != null) {
            return false;
        }
        for (GuestNic reported : tools) {
            if (Objects.equals(IpScanner.normalizeMac(reported.macAddress()), nic.macAddress())
                    && name.equals(reported.network())) {
                return true;
            }
        }
        return false;
    }
}
