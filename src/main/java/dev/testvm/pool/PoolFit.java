package dev.testvm.pool;

import dev.testvm.api.TestVMSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Whether a claimant may take one of a pool's VMs. A claimant's spec still says what machine it
 * wants; a pool VM is that machine only if every field the claimant sets is what the pool's VMs
 * were made with (source, clone type, hardware, extraConfig, guest, IP discovery, cloud-init,
 * readiness, placement, power). Fields the claimant leaves unset take the pool's. The VM must also
 * be in the claimant's vCenter: moRefs mean nothing in another one. A claimant that does not fit
 * clones as usual (see {@code reconciler.PoolClaimStep}); it never waits for VMs it cannot take.
 */
public final class PoolFit {

    /** Fields that do not describe the machine, or (vcenter) are compared by where the VMs are. */
    private static final Set<String> NOT_THE_MACHINE = Set.of("poolRef", "ttl", "vcenter");

    private PoolFit() {}

    /**
     * Empty if the claimant fits; otherwise why not, naming the fields.
     *
     * @param claimantVcenter the vCenter the claimant is pinned to (status.vcenter), null if not yet
     * @param poolVcenter     the vCenter the pool's VMs are in (a member's status.vcenter), or the
     *                        pool's spec.vm.vcenter when it has no VM yet; null: not known
     */
    public static Optional<String> misfit(TestVMSpec claimant, String claimantVcenter, TestVMSpec pool, String poolVcenter) {
        List<String> why = new ArrayList<>();
        if (claimantVcenter != null && poolVcenter != null && !claimantVcenter.equals(poolVcenter)) {
            why.add("this TestVM is in vCenter " + claimantVcenter + ", the pool's VMs in " + poolVcenter);
        }
        List<String> differ = new ArrayList<>();
        Map<String, Object> wanted = fields(claimant);
        Map<String, Object> offered = fields(pool);
        for (Map.Entry<String, Object> field : wanted.entrySet()) {
            if (field.getValue() != null && !NOT_THE_MACHINE.contains(field.getKey())
                    && !Objects.equals(field.getValue(), offered.get(field.getKey()))) {
                differ.add("spec." + field.getKey());
            }
        }
        if (!differ.isEmpty()) {
            why.add(String.join(", ", differ) + (differ.size() == 1 ? " differs" : " differ") + " from the pool's spec.vm");
        }
        return why.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", why));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fields(TestVMSpec spec) {
        Map<String, Object> map = spec == null ? null : Serialization.jsonMapper().convertValue(spec, Map.class);
        return map == null ? Map.of() : new TreeMap<>(map);
    }
}
