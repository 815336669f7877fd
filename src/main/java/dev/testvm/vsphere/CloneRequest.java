package dev.testvm.vsphere;

import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to start one clone task. Optional placement fields may be null: the client
 * then uses the source's folder, resource pool and datastore.
 *
 * @param snapshot for LINKED: the snapshot to clone from; null means the source's current snapshot
 * @param instanceUuid the clone's {@code config.instanceUuid}; the operator sets it to the TestVM's
 *     UID so that a restarted operator finds the VM instead of cloning again
 */
public record CloneRequest(
        MoRef source,
        CloneType type,
        MoRef snapshot,
        String name,
        MoRef folder,
        MoRef resourcePool,
        MoRef host,
        MoRef datastore,
        String instanceUuid,
        Map<String, String> extraConfig,
        Integer cpus,
        Long memoryMiB,
        String annotation,
        boolean powerOn) {

    public CloneRequest {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        extraConfig = extraConfig == null ? Map.of() : Map.copyOf(extraConfig);
    }
}
