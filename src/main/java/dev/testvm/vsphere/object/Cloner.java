package dev.testvm.vsphere.object;

import dev.testvm.vsphere.CloneRequest;
import dev.testvm.vsphere.CloneType;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.fault.NoSnapshotException;
import dev.testvm.vsphere.methods.VirtualMachineMethods;
import dev.testvm.vsphere.property.PropertyReader;
import dev.testvm.vsphere.session.Session;
import dev.testvm.vsphere.types.CloneSpec;
import dev.testvm.vsphere.types.ConfigSpec;
import dev.testvm.vsphere.types.InstantCloneSpec;
import dev.testvm.vsphere.types.ObjectContent;
import dev.testvm.vsphere.types.RelocateSpec;
import dev.testvm.vsphere.types.Values;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a {@link CloneRequest} into a CloneVM_Task or InstantClone_Task.
 *
 * <p>Defaults when placement is not given: the folder is the source's parent folder; the resource
 * pool is the source's pool, or, for a template (templates have no pool), the root pool of the
 * compute resource (cluster or standalone host) the template is registered on, so the clone
 * lands where the template's datastores are reachable; the datastore is left unset, which makes
 * vSphere keep the source's datastore. All of this costs one property read of the source (plus
 * two for the first clone of a template on a given host: host → pool is remembered).
 *
 * <p>A linked clone uses the named snapshot, else the source's current one, with
 * {@code diskMoveType=createNewChildDiskBacking}; a source without one is refused with
 * {@link NoSnapshotException} instead of silently making a full clone.
 *
 * <p>An instant clone can carry only a name, a location and extraConfig
 * ({@code VirtualMachineInstantCloneSpec}); it inherits hardware and power state from its running
 * source. CPU/memory overrides are refused; {@code instanceUuid}, {@code annotation} and
 * {@code powerOn} do not apply and are ignored (identify instant clones by extraConfig).
 */
public final class Cloner {

    private static final List<String> SOURCE_PATHS = List.of("name", "parent", "resourcePool", "runtime.host", "snapshot.currentSnapshot");

    private final Session session;
    private final PropertyReader reader;
    /** Host → root pool of its compute resource: two reads saved per template clone; hosts rarely change cluster. */
    private final Map<MoRef, MoRef> poolOfHost = new ConcurrentHashMap<>();

    public Cloner(Session session, PropertyReader reader) {
        this.session = session;
        this.reader = reader;
    }

    /** Reads what the request leaves open, then starts the task; returns the task. */
    public MoRef start(CloneRequest r) {
        if (r.type() == CloneType.INSTANT && (r.cpus() != null || r.memoryMiB() != null)) {
            throw new IllegalArgumentException("an instant clone inherits CPU and memory from its running source "
                    + r.source() + "; cpus/memoryMiB cannot be set");
        }
        ObjectContent source = new VirtualMachine(session, reader, r.source()).properties(SOURCE_PATHS);
        MoRef folder = r.folder() != null ? r.folder() : Values.moRef(source.get("parent"));
        MoRef pool = r.resourcePool() != null ? r.resourcePool() : defaultPool(r.source(), source);

        if (r.type() == CloneType.INSTANT) {
            RelocateSpec location = new RelocateSpec(r.datastore(), null, pool, r.host());
            return VirtualMachineMethods.instantCloneTask(session, r.source(),
                    new InstantCloneSpec(r.name(), location, r.extraConfig()));
        }

        MoRef snapshot = r.snapshot();
        String diskMoveType = null;
        if (r.type() == CloneType.LINKED) {
            if (snapshot == null) {
                snapshot = Values.moRef(source.get("snapshot.currentSnapshot"));
            }
            if (snapshot == null) {
                throw new NoSnapshotException("source VM '" + Values.text(source.get("name")) + "' (" + r.source()
                        + ") has no snapshot, so it cannot be linked-cloned; take a snapshot of it or ask for a full clone");
            }
            diskMoveType = RelocateSpec.LINKED;
        }
        RelocateSpec location = new RelocateSpec(r.datastore(), diskMoveType, pool, r.host());
        ConfigSpec config = new ConfigSpec(r.instanceUuid(), r.annotation(), r.cpus(), r.memoryMiB(), r.extraConfig());
        CloneSpec spec = new CloneSpec(location, config, r.powerOn(), snapshot);
        return VirtualMachineMethods.cloneVmTask(session, r.source(), folder, r.name(), spec);
    }

    private MoRef defaultPool(MoRef vm, ObjectContent source) {
        MoRef pool = Values.moRef(source.get("resourcePool"));
        if (pool != null) {
            return pool;
        }
        MoRef host = Values.moRef(source.get("runtime.host"));
        if (host == null) {
            throw new IllegalArgumentException("source " + vm + " has neither a resource pool nor a host; give a resource pool");
        }
        MoRef known = poolOfHost.get(host);
        if (known != null) {
            return known;
        }
        MoRef computeResource = reader.read(host, List.of("parent")).map(c -> Values.moRef(c.get("parent")))
                .orElseThrow(() -> new IllegalArgumentException("host " + host + " of source " + vm + " has no parent compute resource"));
        MoRef rootPool = reader.read(computeResource, List.of("resourcePool")).map(c -> Values.moRef(c.get("resourcePool")))
                .orElseThrow(() -> new IllegalArgumentException("compute resource " + computeResource + " has no resource pool"));
        poolOfHost.put(host, rootPool);
        return rootPool;
    }
}
