package dev.testvm.reconciler.inventory;

import dev.testvm.api.Placement;
import dev.testvm.api.TestVMSpec;
import dev.testvm.policy.InventoryPath;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.TestVMProblem;
import dev.testvm.reconciler.tasks.QueuedTaskStarts;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VCenter;
import java.util.Optional;

/**
 * Turns the TestVM's inventory names into managed object references, naming the field that is
 * wrong. The datacenter of a TestVM that names none is its vCenter's default: the connection's when
 * the pass's vCenter is a {@link QueuedTaskStarts}, else the one given here (the sweeper, which
 * serves one vCenter).
 */
public final class PlacementResolver {

    private final String defaultDatacenter;

    public PlacementResolver(String defaultDatacenter) {
        this.defaultDatacenter = defaultDatacenter;
    }

    public record Resolved(MoRef template, String templatePath, MoRef folder, MoRef resourcePool, MoRef host, MoRef datastore) {}

    public Resolved resolve(TestVMSpec spec, VCenter vcenter) {
        Placement placement = spec.getPlacement() == null ? new Placement() : spec.getPlacement();
        String datacenter = datacenter(placement, vcenter);
        String templatePath = templatePath(spec, vcenter);
        MoRef template = template(spec, vcenter);
        MoRef folder = optional(vcenter, "spec.placement.folder", datacenter + "/vm/", placement.getFolder());
        MoRef host = optional(vcenter, "spec.placement.host", datacenter + "/host/", placement.getHost());
        MoRef datastore = optional(vcenter, "spec.placement.datastore", datacenter + "/datastore/", placement.getDatastore());
        MoRef pool = optional(vcenter, "spec.placement.resourcePool", datacenter + "/host/", placement.getResourcePool());
        if (pool == null && placement.getCluster() != null) {
            MoRef cluster = optional(vcenter, "spec.placement.cluster", datacenter + "/host/", placement.getCluster());
            pool = vcenter.moRefProperty(cluster, "resourcePool")
                    .orElseThrow(() -> TestVMProblem.terminal(Reasons.PLACEMENT_NOT_FOUND,
                            "spec.placement.cluster: '" + placement.getCluster() + "' has no resource pool"));
        }
        return new Resolved(template, templatePath, folder, pool, host, datastore);
    }

    /** The clone source only (one lookup); a missing one is TemplateNotFound. */
    public MoRef template(TestVMSpec spec, VCenter vcenter) {
        String templatePath = templatePath(spec, vcenter);
        return vcenter.findByInventoryPath(templatePath)
                .orElseThrow(() -> TestVMProblem.terminal(Reasons.TEMPLATE_NOT_FOUND,
                        "spec.template: no VM or template at inventory path '" + templatePath + "'"));
    }

    /** The inventory path of the VM or template {@code spec} clones from. */
    public String templatePath(TestVMSpec spec) {
        return templatePath(spec, null);
    }

    /** The inventory path of a network named in the spec: below the datacenter's network folder. */
    public String networkPath(TestVMSpec spec, String network, VCenter vcenter) {
        Placement placement = spec.getPlacement() == null ? new Placement() : spec.getPlacement();
        return datacenter(placement, vcenter) + "/network/" + trim(network);
    }

    private String templatePath(TestVMSpec spec, VCenter vcenter) {
        Placement placement = spec.getPlacement() == null ? new Placement() : spec.getPlacement();
        return normalized("spec.template", datacenter(placement, vcenter) + "/vm/" + trim(spec.getTemplate()));
    }

    /**
     * The one spelling of {@code path} ({@link InventoryPath}): the spelling a VCenter's rules were
     * checked against is the one sent to vCenter.
     */
    private static String normalized(String field, String path) {
        InventoryPath.Result names = InventoryPath.names(path);
        if (!names.ok()) {
            throw TestVMProblem.terminal(Reasons.NOT_ALLOWED, field + ": '" + path + "' " + names.problem());
        }
        return String.join("/", names.names());
    }

    private String datacenter(Placement placement, VCenter vcenter) {
        if (placement.getDatacenter() != null) {
            return placement.getDatacenter();
        }
        return vcenter instanceof QueuedTaskStarts pass ? pass.defaultDatacenter() : defaultDatacenter;
    }

    private static MoRef optional(VCenter vcenter, String field, String prefix, String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String path = normalized(field, prefix + trim(name));
        Optional<MoRef> found = vcenter.findByInventoryPath(path);
        return found.orElseThrow(() -> TestVMProblem.terminal(Reasons.PLACEMENT_NOT_FOUND,
                field + ": nothing at inventory path '" + path + "'"));
    }

    private static String trim(String path) {
        String result = path.strip();
        while (result.startsWith("/")) {
            result = result.substring(1);
        }
        return result;
    }
}
