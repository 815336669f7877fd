package dev.testvm.reconciler.steps;

import dev.testvm.reconciler.events.VSphereEventSource;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.fault.ManagedObjects;
import java.util.Optional;

/**
 * The one answer to "is a vSphere task of this TestVM in flight?" (CAPV's in-flight check), for
 * every task the operator starts for a TestVM: clone, power-on, power-off and destroy. A step that
 * starts a task reports it with {@link #started}; a later pass finds it with {@link #find} and
 * looks at it with {@link #check}, which follows it while it runs (its end arrives as an event
 * through {@link VSphereEventSource}) and forgets it once it ended.
 *
 * <p>The task is kept in the TestVM's {@link TestVMMemory}; clone and power-on also record it in
 * {@code status.taskRef}, which survives a restart. The memory bridges the moment when the informer
 * still hands out a resource older than the patch that recorded the task. (The clone's write-ahead
 * intent, which makes a lost taskRef safe, stays in {@link CloneStep}.) Reconfiguring is no
 * operation of ours: hardware is set in the clone's spec.
 */
public final class TaskInFlight {

    enum Kind { CLONE, POWER_ON, POWER_OFF, DESTROY }

    record Task(Kind kind, MoRef ref) {}

    /** What {@link #check} saw: the task's info, or none when vCenter no longer knows the task. */
    record Look(Task task, TaskInfo info) {
        boolean running() {
            return info != null && !info.state().done();
        }

        boolean forgotten() {
            return info == null;
        }
    }

    private final VSphereEventSource events;

    public TaskInFlight(VSphereEventSource events) {
        this.events = events;
    }

    /** A step started {@code task}: it is in flight until a pass sees it end, and its changes wake the TestVM. */
    void started(TestVMMemory memory, Kind kind, MoRef task) {
        memory.task = new Task(kind, task);
        events.follow(task, memory.id());
    }

    /**
     * The task of {@code kind} in flight: the one recorded in status (a task ref of that kind, as
     * the caller knows from the TestVM's progress), else the one this process started.
     */
    Optional<Task> find(TestVMMemory memory, String recordedTaskRef, Kind kind) {
        if (recordedTaskRef != null) {
            return Optional.of(new Task(kind, MoRef.parse(recordedTaskRef)));
        }
        Task mine = memory.task;
        return mine != null && mine.kind() == kind ? Optional.of(mine) : Optional.empty();
    }

    /** The task this process started of one of {@code kinds}, if any. */
    Optional<Task> startedHere(TestVMMemory memory, Kind... kinds) {
        Task mine = memory.task;
        for (Kind kind : kinds) {
            if (mine != null && mine.kind() == kind) {
                return Optional.of(mine);
            }
        }
        return Optional.empty();
    }

    /** Reads the task: while it runs it stays followed; once it ended (or vCenter forgot it) it is no longer in flight. */
    Look check(VCenter vcenter, TestVMMemory memory, Task task) {
        TaskInfo info;
        try {
            info = vcenter.taskInfo(task.ref());
        } catch (VimFaultException e) {
            if (!ManagedObjects.isNotFound(e)) {
                throw e;
            }
            // vCenter forgets finished tasks after a while; what the task did is found on the VM.
            ended(memory, task);
            return new Look(task, null);
        }
        if (info.state().done()) {
            ended(memory, task);
        } else {
            events.follow(task.ref(), memory.id());
        }
        return new Look(task, info);
    }

    /** The task is no longer in flight (it ended, or what it was for is done). */
    void ended(TestVMMemory memory, Task task) {
        events.unfollow(task.ref(), memory.id());
        if (task.equals(memory.task)) {
            memory.task = null;
        }
    }

    /** Whatever task of {@code kind} this process started is over (e.g. its VM is recorded). */
    void clear(TestVMMemory memory, Kind kind) {
        Task mine = memory.task;
        if (mine != null && mine.kind() == kind) {
            ended(memory, mine);
        }
    }
}
