package dev.testvm.policy;

import dev.testvm.api.AllowedNamespaces;
import dev.testvm.api.AllowedPlacements;
import dev.testvm.api.AllowedSources;
import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.Placement;
import dev.testvm.api.TestVMSpec;
import dev.testvm.api.VCenterSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A VCenter's rules checked against a TestVM before any vCenter call is made for it. Inventory
 * paths are built as the clone builds them (datacenter, then vm/host/datastore folder, then the
 * TestVM's name) and normalized by {@link InventoryPath} before they are compared.
 */
public final class VCenterRules {

    private final String vcenter;
    private final VCenterSpec spec;

    public VCenterRules(String vcenter, VCenterSpec spec) {
        this.vcenter = vcenter;
        this.spec = spec;
    }

    /**
     * The first rule {@code testVM} breaks, if any.
     *
     * @param namespaceLabels the labels of the TestVM's namespace, read only if a selector needs them
     * @param othersInNamespace TestVMs of the namespace already in this vCenter, counted only if there is a limit
     */
    public Optional<Refusal> check(String namespace, TestVMSpec testVM, Supplier<Map<String, String>> namespaceLabels,
            Supplier<Integer> othersInNamespace) {
        Optional<Refusal> refusal = namespace(namespace, namespaceLabels);
        if (refusal.isEmpty()) {
            refusal = source(testVM);
        }
        if (refusal.isEmpty()) {
            refusal = placement(testVM);
        }
        if (refusal.isEmpty() && spec.getMaxTestVMsPerNamespace() != null) {
            int others = othersInNamespace.get();
            if (others >= spec.getMaxTestVMsPerNamespace()) {
                refusal = Optional.of(refuse("metadata.namespace", "maxTestVMsPerNamespace",
                        "namespace " + namespace + " already has " + others + " TestVMs in VCenter " + vcenter
                                + ", its maxTestVMsPerNamespace is " + spec.getMaxTestVMsPerNamespace()));
            }
        }
        return refusal;
    }

    private Optional<Refusal> namespace(String namespace, Supplier<Map<String, String>> labels) {
        AllowedNamespaces allowed = spec.getAllowedNamespaces();
        if (allowed != null && allowed.getNames() != null && allowed.getNames().contains(namespace)) {
            return Optional.empty();
        }
        if (allowed != null && allowed.getSelector() != null && Selectors.matches(allowed.getSelector(), labels.get())) {
            return Optional.empty();
        }
        return Optional.of(refuse("metadata.namespace", "allowedNamespaces",
                "namespace " + namespace + " may not use VCenter " + vcenter + ": it is neither among allowedNamespaces.names"
                        + " nor matched by allowedNamespaces.selector"));
    }

    private Optional<Refusal> source(TestVMSpec testVM) {
        String path = datacenter(testVM) + "/vm/" + testVM.getTemplate();
        AllowedSources allowed = spec.getAllowedSources();
        if (testVM.getCloneType() == CloneTypeSpec.instant) {
            List<String> rules = allowed == null ? null : allowed.getInstantCloneSources();
            return check("spec.template", "allowedSources.instantCloneSources", path, rules == null ? List.of() : rules,
                    "instant clones (which copy the running source's memory)");
        }
        if (allowed == null || allowed.getPaths() == null) {
            return pathProblem("spec.template", path);
        }
        return check("spec.template", "allowedSources.paths", path, allowed.getPaths(), "clones");
    }

    private Optional<Refusal> placement(TestVMSpec testVM) {
        Placement placement = testVM.getPlacement();
        if (placement == null) {
            return Optional.empty();
        }
        AllowedPlacements allowed = spec.getAllowedPlacements() == null ? new AllowedPlacements() : spec.getAllowedPlacements();
        String dc = datacenter(testVM);
        Optional<Refusal> refusal = placed("spec.placement.folder", "allowedPlacements.folders", dc + "/vm/", placement.getFolder(),
                allowed.getFolders());
        if (refusal.isEmpty()) {
            refusal = placed("spec.placement.resourcePool", "allowedPlacements.resourcePools", dc + "/host/",
                    placement.getResourcePool(), allowed.getResourcePools());
        }
        if (refusal.isEmpty()) {
            refusal = placed("spec.placement.cluster", "allowedPlacements.resourcePools", dc + "/host/", placement.getCluster(),
                    allowed.getResourcePools());
        }
        if (refusal.isEmpty()) {
            refusal = placed("spec.placement.host", "allowedPlacements.resourcePools", dc + "/host/", placement.getHost(),
                    allowed.getResourcePools());
        }
        if (refusal.isEmpty()) {
            refusal = placed("spec.placement.datastore", "allowedPlacements.datastores", dc + "/datastore/",
                    placement.getDatastore(), allowed.getDatastores());
        }
        return refusal;
    }

    private Optional<Refusal> placed(String field, String rule, String prefix, String value, List<String> rules) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return check(field, rule, prefix + value, rules == null ? List.of() : rules, "placements");
    }

    private Optional<Refusal> check(String field, String rule, String path, List<String> rules, String what) {
        InventoryPath.Result names = InventoryPath.names(path);
        if (!names.ok()) {
            return Optional.of(refuse(field, rule, "'" + path + "' " + names.problem()));
        }
        for (String allowed : rules) {
            if (PathGlob.of(allowed).matches(names.names())) {
                return Optional.empty();
            }
        }
        String normalized = String.join("/", names.names());
        String why = rules.isEmpty() ? "VCenter " + vcenter + " allows no " + what + " here (" + rule + " is empty)"
                : "it is not within VCenter " + vcenter + "'s " + rule + " " + rules;
        return Optional.of(refuse(field, rule, "'" + normalized + "' may not be used: " + why));
    }

    private static Optional<Refusal> pathProblem(String field, String path) {
        InventoryPath.Result names = InventoryPath.names(path);
        return names.ok() ? Optional.empty() : Optional.of(refuse(field, "inventory path", "'" + path + "' " + names.problem()));
    }

    private String datacenter(TestVMSpec testVM) {
        Placement placement = testVM.getPlacement();
        return placement != null && placement.getDatacenter() != null ? placement.getDatacenter() : spec.getDatacenter();
    }

    private static Refusal refuse(String field, String rule, String detail) {
        return new Refusal(field, rule, field + ": " + detail + " (rule " + rule + ")");
    }
}
