package dev.testvm.reconciler.steps;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.reconciler.events.VSphereEventSource;
import dev.testvm.reconciler.inventory.PlacementResolver;
import dev.testvm.reconciler.inventory.VmIdentity;
import dev.testvm.reconciler.status.KubeEvents;
import dev.testvm.reconciler.status.TestVMProblem;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.VmInfo;
import dev.testvm.vsphere.fault.InvalidStateException;
import dev.testvm.vsphere.fault.ManagedObjects;
import dev.testvm.vsphere.fault.TaskInProgressException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The finalizer's work: wait for a clone in flight, then power the VM off and destroy it. The
 * finalizer is released only once vCenter has no VM carrying the TestVM's UID.
 */
public final class VmDeletion {

    private final PlacementResolver placement;
    private final VSphereEventSource events;
    private final TaskInFlight tasks;
    private final Duration taskPollInterval;
    private final KubeEvents kubeEvents;

    public VmDeletion(PlacementResolver placement, VSphereEventSource events, TaskInFlight tasks, Duration taskPollInterval,
            KubeEvents kubeEvents) {
        this.placement = placement;
        this.events = events;
        this.tasks = tasks;
        this.taskPollInterval = taskPollInterval;
        this.kubeEvents = kubeEvents;
    }

    /** Empty when the VM is gone and the finalizer may go; otherwise when to look again. */
    public Optional<Duration> run(TestVM testVM, VCenter vcenter, TestVMMemory memory) {
        String uid = testVM.getMetadata().getUid();
        TestVMStatus status = testVM.getStatus();
        boolean instant = testVM.getSpec() != null && testVM.getSpec().getCloneType() == CloneTypeSpec.instant;

        MoRef vm = status != null && status.getVm() != null && status.getVm().getMoRef() != null
                ? MoRef.parse(status.getVm().getMoRef()) : null;
        if (vm == null) {
            Optional<Cloning> cloning = cloneInFlight(vcenter, memory, status);
            if (cloning.isPresent() && cloning.get().running()) {
                return Optional.of(taskPollInterval);
            }
            vm = cloning.map(Cloning::vm).orElse(null);
        }
        if (vm == null && CloneStep.hasCloneIntent(status)) {
            // A clone may have been started just before the operator died, without its task being
            // recorded: its VM appears only when it ends, so wait for clones of the source first.
            List<MoRef> running = activeClonesOfSource(testVM, vcenter);
            if (!running.isEmpty()) {
                running.forEach(task -> events.follow(task, memory.id()));
                return Optional.of(taskPollInterval);
            }
        }
        if (vm == null) {
            vm = VmIdentity.find(vcenter, uid, instant).orElse(null);
        }
        if (vm == null) {
            return Optional.empty();
        }
        Optional<TaskInFlight.Task> teardown = tasks.startedHere(memory, TaskInFlight.Kind.POWER_OFF, TaskInFlight.Kind.DESTROY);
        if (teardown.isPresent() && tasks.check(vcenter, memory, teardown.get()).running()) {
            return Optional.of(taskPollInterval);
        }
        return tearDown(testVM, vcenter, memory, vm, instant);
    }

    /** What the TestVM's clone in flight did: still running, or the VM it made (null if none). */
    private record Cloning(boolean running, MoRef vm) {}

    /**
     * A TestVM deleted mid-clone: let the clone finish, then destroy what it made. The clone task is
     * the one in status, or one this operator started whose status patch was lost: deleting a TestVM
     * while its clone starts makes that patch fail with a conflict, and the VM would appear only
     * after the finalizer was gone (seen in hack/bench-scale.sh).
     */
    private Optional<Cloning> cloneInFlight(VCenter vcenter, TestVMMemory memory, TestVMStatus status) {
        Optional<TaskInFlight.Task> clone = tasks.find(memory, status == null ? null : status.getTaskRef(), TaskInFlight.Kind.CLONE);
        if (clone.isEmpty()) {
            return Optional.empty();
        }
        TaskInFlight.Look look = tasks.check(vcenter, memory, clone.get());
        if (look.running()) {
            return Optional.of(new Cloning(true, null));
        }
        MoRef made = look.info() == null ? null : look.info().result();
        return Optional.of(new Cloning(false, made != null && "VirtualMachine".equals(made.type()) ? made : null));
    }

    /** Powers the VM off, or destroys it once it is off; "not found" means done. */
    private Optional<Duration> tearDown(TestVM testVM, VCenter vcenter, TestVMMemory memory, MoRef vm, boolean instant) {
        VmInfo info;
        try {
            info = vcenter.vmInfo(vm);
        } catch (VimFaultException e) {
            if (!ManagedObjects.isNotFound(e)) {
                throw e;
            }
            if (vm.equals(memory.soleCloneVm)) {
                return Optional.empty(); // the only VM ever cloned for this TestVM, gone: nothing to look for
            }
            // The recorded VM is gone; make sure no other VM carries our UID before letting go.
            Optional<MoRef> other = VmIdentity.find(vcenter, testVM.getMetadata().getUid(), instant);
            if (other.isEmpty()) {
                return Optional.empty();
            }
            vm = other.get();
            info = vcenter.vmInfo(vm);
        }
        boolean on = info.powerState() == PowerState.POWERED_ON;
        try {
            MoRef task = on ? vcenter.startPowerOff(vm) : vcenter.startDestroy(vm);
            if (!on) {
                kubeEvents.normal(testVM, "Destroying", "destroying VM " + info.name() + " (" + vm.value() + ")");
            }
            tasks.started(memory, on ? TaskInFlight.Kind.POWER_OFF : TaskInFlight.Kind.DESTROY, task);
        } catch (VimFaultException e) {
            if (ManagedObjects.isNotFound(e)) {
                return Optional.of(Duration.ZERO);
            }
            if (!(e instanceof InvalidStateException) && !(e instanceof TaskInProgressException)) {
                throw e;
            }
            // Another task (e.g. a power-on we started) is still running on the VM: try again shortly.
        }
        return Optional.of(taskPollInterval);
    }

    private List<MoRef> activeClonesOfSource(TestVM testVM, VCenter vcenter) {
        MoRef source;
        try {
            source = placement.template(testVM.getSpec(), vcenter);
        } catch (TestVMProblem templateGone) {
            return List.of();
        }
        return vcenter.activeCloneTasks(source);
    }
}
