package dev.testvm.vsphere.object;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VmInfo;
import dev.testvm.vsphere.methods.VirtualMachineMethods;
import dev.testvm.vsphere.property.PropertyReader;
import dev.testvm.vsphere.session.Session;
import dev.testvm.vsphere.types.ConfigSpec;
import dev.testvm.vsphere.types.ObjectContent;
import dev.testvm.vsphere.types.Values;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A VM: reads of its properties, and the tasks that act on it (each returns the task at once). */
public final class VirtualMachine {

    private final Session session;
    private final PropertyReader reader;
    private final MoRef ref;

    public VirtualMachine(Session session, PropertyReader reader, MoRef ref) {
        if (!"VirtualMachine".equals(ref.type())) {
            throw new IllegalArgumentException("not a VirtualMachine: " + ref);
        }
        this.session = session;
        this.reader = reader;
        this.ref = ref;
    }

    public MoRef ref() {
        return ref;
    }

    public VmInfo info() {
        return VmProperties.parse(ref, properties(VmProperties.PATHS));
    }

    /** The snapshot named {@code name}, depth-first through {@code snapshot.rootSnapshotList}. */
    public Optional<MoRef> snapshotNamed(String name) {
        return Optional.ofNullable(Values.findSnapshot(properties(List.of("snapshot.rootSnapshotList")).get("snapshot.rootSnapshotList"), name));
    }

    /** The given paths (unset ones absent); a VM that is gone throws ManagedObjectNotFound. */
    public ObjectContent properties(List<String> paths) {
        return reader.read(ref, paths).orElseGet(() -> new ObjectContent(ref, Map.of()));
    }

    public MoRef powerOn() {
        return VirtualMachineMethods.powerOnVmTask(session, ref, null);
    }

    public MoRef powerOff() {
        return VirtualMachineMethods.powerOffVmTask(session, ref);
    }

    public MoRef reconfigure(ConfigSpec spec) {
        return VirtualMachineMethods.reconfigVmTask(session, ref, spec);
    }

    public MoRef destroy() {
        return VirtualMachineMethods.destroyTask(session, ref);
    }
}
