package dev.testvm.reconciler.tasks;

import dev.testvm.vsphere.CloneRequest;
import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.GuestProcess;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PropertyChange;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.TaskSlots;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VmInfo;
import dev.testvm.vsphere.fault.TaskCapacityExceededException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The vCenter one reconcile pass of one TestVM sees: every task start first takes the TestVM's
 * turn in the {@link TaskSlotQueue}, so the steps (clone, power-on, deletion) need no queue logic
 * of their own. Everything else goes straight through. A refused start throws
 * {@link WaitingForTaskSlotException} (a {@link TaskCapacityExceededException}) with the TestVM's
 * place in line. Power-off and destroy rank as teardown (see the queue).
 */
public final class QueuedTaskStarts implements VCenter {

    private final VCenter delegate;
    private final TaskSlotQueue queue;
    private final String uid;
    private final ResourceID id;
    private final String defaultDatacenter;
    private final String vcenterName;
    /** The pass ended refused a slot; only such a TestVM stays in line (see {@link #passEnded}). */
    private boolean waiting;

    public QueuedTaskStarts(VCenter delegate, TaskSlotQueue queue, String uid, ResourceID id, String defaultDatacenter, String vcenterName) {
        this.delegate = delegate;
        this.queue = queue;
        this.uid = uid;
        this.id = id;
        this.defaultDatacenter = defaultDatacenter;
        this.vcenterName = vcenterName;
    }

    /** The name of the vCenter this pass talks to. */
    public String vcenterName() {
        return vcenterName;
    }

    /** The datacenter of this vCenter that TestVMs naming none use. */
    public String defaultDatacenter() {
        return defaultDatacenter;
    }

    /**
     * Ends the pass: the TestVM stays in line only if its last request for a slot was refused. One
     * that asked for no slot (its VM exists), started its task, or was admitted and then failed
     * (a template typo found by the look-ups after its turn came) leaves, so it cannot hold up the
     * waiters behind it; it keeps its ticket and, should it ask again, its old place.
     */
    public void passEnded() {
        if (!waiting) {
            queue.leave(uid);
        }
    }

    /**
     * Throws {@link WaitingForTaskSlotException} unless this TestVM may start a setup task now. For
     * a step to call before the vCenter look-ups its task needs, so a waiting pass costs no request.
     */
    public void requireTurn() {
        requireTurn(false);
    }

    private void requireTurn(boolean teardown) {
        TaskSlotQueue.Turn turn = queue.request(uid, id, teardown);
        waiting = !turn.admitted();
        if (waiting) {
            throw new WaitingForTaskSlotException(turn.position(), turn.waiting(), delegate.taskSlots().limit());
        }
    }

    private MoRef start(boolean teardown, Supplier<MoRef> start) {
        requireTurn(teardown);
        MoRef task;
        try {
            task = start.get();
        } catch (TaskCapacityExceededException e) {
            // Another start (a sweeper's destroy, an older TestVM's power-on) took the slot first.
            TaskSlotQueue.Turn again = queue.refused(uid, id, teardown);
            waiting = true;
            throw new WaitingForTaskSlotException(again.position(), again.waiting(), e.limit());
        } catch (RuntimeException e) {
            queue.leave(uid);
            throw e;
        }
        queue.started(uid);
        return task;
    }

    @Override
    public MoRef startClone(CloneRequest request) {
        return start(false, () -> delegate.startClone(request));
    }

    @Override
    public MoRef startPowerOn(MoRef vm) {
        return start(false, () -> delegate.startPowerOn(vm));
    }

    @Override
    public MoRef startPowerOff(MoRef vm) {
        return start(true, () -> delegate.startPowerOff(vm));
    }

    @Override
    public MoRef startDestroy(MoRef vm) {
        return start(true, () -> delegate.startDestroy(vm));
    }

    @Override
    public Optional<MoRef> findByInventoryPath(String inventoryPath) {
        return delegate.findByInventoryPath(inventoryPath);
    }

    @Override
    public Optional<MoRef> findVmByInstanceUuid(String instanceUuid) {
        return delegate.findVmByInstanceUuid(instanceUuid);
    }

    @Override
    public VmInfo vmInfo(MoRef vm) {
        return delegate.vmInfo(vm);
    }

    @Override
    public Optional<MoRef> moRefProperty(MoRef object, String propertyPath) {
        return delegate.moRefProperty(object, propertyPath);
    }

    @Override
    public Optional<MoRef> findSnapshot(MoRef vm, String name) {
        return delegate.findSnapshot(vm, name);
    }

    @Override
    public List<VmInfo> vmsWithExtraConfigKey(String key) {
        return delegate.vmsWithExtraConfigKey(key);
    }

    @Override
    public List<MoRef> activeCloneTasks(MoRef source) {
        return delegate.activeCloneTasks(source);
    }

    @Override
    public TaskInfo taskInfo(MoRef task) {
        return delegate.taskInfo(task);
    }

    @Override
    public TaskSlots taskSlots() {
        return delegate.taskSlots();
    }

    @Override
    public void addTaskSlotListener(Runnable listener) {
        delegate.addTaskSlotListener(listener);
    }

    @Override
    public long startProgramInGuest(MoRef vm, GuestCredentials credentials, String programPath, String arguments) {
        return delegate.startProgramInGuest(vm, credentials, programPath, arguments);
    }

    @Override
    public List<GuestProcess> listProcessesInGuest(MoRef vm, GuestCredentials credentials, List<Long> pids) {
        return delegate.listProcessesInGuest(vm, credentials, pids);
    }

    @Override
    public byte[] downloadFileFromGuest(MoRef vm, GuestCredentials credentials, String guestPath) {
        return delegate.downloadFileFromGuest(vm, credentials, guestPath);
    }

    @Override
    public void terminateProcessInGuest(MoRef vm, GuestCredentials credentials, long pid) {
        delegate.terminateProcessInGuest(vm, credentials, pid);
    }

    @Override
    public void deleteFileInGuest(MoRef vm, GuestCredentials credentials, String guestPath) {
        delegate.deleteFileInGuest(vm, credentials, guestPath);
    }

    @Override
    public void follow(MoRef object) {
        delegate.follow(object);
    }

    @Override
    public void unfollow(MoRef object) {
        delegate.unfollow(object);
    }

    @Override
    public void addChangeListener(Consumer<PropertyChange> listener) {
        delegate.addChangeListener(listener);
    }

    /** The pass does not own the connection: closing it is the holder's job. */
    @Override
    public void close() {}
}
