package dev.testvm.reconciler.steps;

import dev.testvm.api.IpDiscoverySpec;
import dev.testvm.discovery.Cidr;
import dev.testvm.discovery.NicSelection;
import dev.testvm.reconciler.inventory.PlacementResolver;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.TestVMProblem;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VirtualNic;
import dev.testvm.vsphere.VmInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks the parts of {@code spec.ipDiscovery} that only vCenter can judge, once per TestVM: the
 * network exists and one of the VM's NICs is on it, the NIC index is one the VM has. A mistake
 * there never goes away by waiting (the spec and the VM's devices are fixed), so it is terminal
 * and its message names the field.
 */
public final class IpDiscoveryCheck {

    /** What discovery needs from the check. */
    public record Checked(NicSelection nics, List<Cidr> allow, List<Cidr> exclude) {}

    private final PlacementResolver placement;

    IpDiscoveryCheck(PlacementResolver placement) {
        this.placement = placement;
    }

    Checked check(Pass pass, VmInfo info, IpDiscoverySpec spec) {
        Checked known = pass.memory().ipDiscoveryChecked;
        if (known != null) {
            return known;
        }
        List<Cidr> allow = cidrs("spec.ipDiscovery.cidrs", spec.getCidrs());
        List<Cidr> exclude = cidrs("spec.ipDiscovery.excludeCidrs", spec.getExcludeCidrs());
        String portgroupKey = spec.getNetwork() == null || spec.getNetwork().isBlank() ? null : network(pass, spec.getNetwork());
        NicSelection nics = new NicSelection(spec.getNetwork(), portgroupKey, spec.getNicIndex());
        List<VirtualNic> vmNics = info.virtualNics();
        if (nics.isSet() && !vmNics.isEmpty() && nics.select(vmNics, List.of()).isEmpty() && allBackingsKnown(vmNics)) {
            boolean byIndex = spec.getNicIndex() != null && spec.getNicIndex() >= vmNics.size();
            throw TestVMProblem.terminal(byIndex ? Reasons.NIC_NOT_FOUND : Reasons.NETWORK_NOT_FOUND,
                    (byIndex ? "spec.ipDiscovery.nicIndex: the VM has " + vmNics.size() + " NIC(s)"
                            : nics.describe() + ": no NIC of the VM matches") + " (its NICs: " + describe(vmNics) + ")");
        }
        Checked result = new Checked(nics, allow, exclude);
        pass.memory().ipDiscoveryChecked = result;
        return result;
    }

    /** @return the port group key when the network is a distributed port group, else null */
    private String network(Pass pass, String network) {
        String path = placement.networkPath(pass.testVM().getSpec(), network, pass.vcenter());
        Optional<MoRef> found = pass.vcenter().findByInventoryPath(path);
        MoRef ref = found.orElseThrow(() -> TestVMProblem.terminal(Reasons.NETWORK_NOT_FOUND,
                "spec.ipDiscovery.network: no network at inventory path '" + path + "'"));
        return "DistributedVirtualPortgroup".equals(ref.type()) ? ref.value() : null;
    }

    private static List<Cidr> cidrs(String field, List<String> texts) {
        List<Cidr> result = new ArrayList<>();
        for (String text : texts == null ? List.<String>of() : texts) {
            try {
                result.add(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                throw TestVMProblem.terminal(Reasons.INVALID_CIDR, field + ": " + e.getMessage());
            }
        }
        return result;
    }

    // An NSX (opaque) network names its NIC by an id we do not resolve: then we cannot tell.
    private static boolean allBackingsKnown(List<VirtualNic> nics) {
        return nics.stream().allMatch(n -> n.network() != null || n.portgroupKey() != null);
    }

    private static String describe(List<VirtualNic> nics) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < nics.size(); i++) {
            VirtualNic nic = nics.get(i);
            parts.add(i + ": " + (nic.network() != null ? nic.network() : nic.portgroupKey()));
        }
        return String.join(", ", parts);
    }
}
