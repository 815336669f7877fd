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
import java.util.Set;

/** A VM: reads of its properties, and the tasks that act on it (each returns the task at once). */
public final class VirtualMachine {

    /** {@code TaskInfo.descriptionId} of the two ways we clone. */
    private static final Set<String> CLONE_TASKS = Set.of("VirtualMachine.clone", "VirtualMachine.instantClone");

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

    /**
     * Clone tasks ({@code CloneVM_Task}, {@code InstantClone_Task}) with this VM as source that are
     * still queued or running, from its {@code recentTask}: one read of the VM, one of its tasks.
     */
    public List<MoRef> activeCloneTasks() {
        List<MoRef> recent = Values.moRefs(properties(List.of("recentTask")).get("recentTask"));
        return reader.readEach("Task", recent, List.of("info.descriptionId", "info.state")).stream()
                .filter(task -> CLONE_TASKS.contains(Values.text(task.get("info.descriptionId"))))
                .filter(task -> !Values.taskInfo(task.obj(), task.get("info.state"), null, null).state().done())
                .map(ObjectContent::obj)
                .toList();
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

    public MoRef destroy() {
        return VirtualMachineMethods.destroyTask(session, ref);
    }
}
