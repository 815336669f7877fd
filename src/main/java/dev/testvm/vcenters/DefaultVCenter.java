package dev.testvm.vcenters;

import dev.testvm.api.VCenterResource;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which VCenter TestVMs without {@code spec.vcenter} use: the one marked default; with several,
 * the first by name (each other one says so in its Ready message). One being deleted is no longer
 * anyone's default.
 */
final class DefaultVCenter {

    private DefaultVCenter() {}

    static Optional<String> among(Stream<VCenterResource> vcenters) {
        return vcenters.filter(vc -> vc.getMetadata().getDeletionTimestamp() == null)
                .filter(vc -> vc.getSpec() != null && Boolean.TRUE.equals(vc.getSpec().getIsDefault()))
                .map(vc -> vc.getMetadata().getName())
                .min(Comparator.naturalOrder());
    }
}
