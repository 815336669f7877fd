package dev.testvm.reconciler;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.vsphere.ManagedObjects;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.VmInfo;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The finalizer's work: wait for a clone in flight, then power the VM off and destroy it. The
 * finalizer is released only once vCenter has no VM carrying the TestVM's UID.
 */
final class VmDeletion {

    private final PlacementResolver placement;
    private final VSphereEventSource events;
    private final Duration taskPollInterval;
    private final KubeEvents kubeEvents;
    /** Power-off / destroy task in flight per TestVM UID; losing it on restart only costs one retried call. */
    private final Map<String, MoRef> cleanupTasks = new ConcurrentHashMap<>();

    VmDeletion(PlacementResolver placement, VSphereEventSource events, Duration taskPollInterval, KubeEvents kubeEvents) {
        this.placement = placement;
        this.events = events;
        this.taskPollInterval = taskPollInterval;
        this.kubeEvents = kubeEvents;
    }

    /** Empty when the VM is gone and the finalizer may go; otherwise when to look again. */
    Optional<Duration> run(TestVM testVM, VCenter vcenter) {
        ResourceID id = ResourceID.fromResource(testVM);
        String uid = testVM.getMetadata().getUid();
        TestVMStatus status = testVM.getStatus();
        boolean instant = testVM.getSpec() != null && testVM.getSpec().getCloneType() == CloneTypeSpec.instant;

        MoRef vm = status != null && status.getVm() != null && status.getVm().getMoRef() != null
                ? MoRef.parse(status.getVm().getMoRef()) : null;
        if (vm == null) {
            // A TestVM deleted mid-clone: let the clone finish, then destroy what it made. The clone
            // task is the one in status, or one this operator started whose status patch was lost:
            // deleting a TestVM while its clone starts makes that patch fail with a conflict, and
            // the VM would appear only after the finalizer was gone (seen in hack/bench-scale.sh).
            Set<MoRef> tasks = new LinkedHashSet<>();
            if (status != null && status.getTaskRef() != null) {
                tasks.add(MoRef.parse(status.getTaskRef()));
            }
            tasks.addAll(events.followedTasks(id));
            for (MoRef task : tasks) {
                Optional<TaskInfo> info = taskInfo(vcenter, task);
                if (info.isPresent() && !info.get().state().done()) {
                    events.follow(task, id);
                    return Optional.of(taskPollInterval);
                }
                if (vm == null && info.isPresent() && info.get().result() != null && "VirtualMachine".equals(info.get().result().type())) {
                    vm = info.get().result();
                }
            }
        }
        if (vm == null && CloneStep.hasCloneIntent(status)) {
            // A clone may have been started just before the operator died, without its task being
            // recorded: its VM appears only when it ends, so wait for clones of the source first.
            List<MoRef> running = activeClonesOfSource(testVM, vcenter);
            if (!running.isEmpty()) {
                running.forEach(task -> events.follow(task, id));
                return Optional.of(taskPollInterval);
            }
        }
        if (vm == null) {
            vm = VmIdentity.find(vcenter, uid, instant).orElse(null);
        }
        if (vm == null) {
            finished(id, uid);
            return Optional.empty();
        }

        MoRef inFlight = cleanupTasks.get(uid);
        if (inFlight != null) {
            Optional<TaskInfo> info = taskInfo(vcenter, inFlight);
            if (info.isPresent() && !info.get().state().done()) {
                return Optional.of(taskPollInterval);
            }
            events.unfollow(inFlight, id);
            cleanupTasks.remove(uid);
        }

        VmInfo info;
        try {
            info = vcenter.vmInfo(vm);
        } catch (VimFaultException e) {
            if (!ManagedObjects.isNotFound(e)) {
                throw e;
            }
            // The recorded VM is gone; make sure no other VM carries our UID before letting go.
            Optional<MoRef> other = VmIdentity.find(vcenter, uid, instant);
            if (other.isEmpty()) {
                finished(id, uid);
                return Optional.empty();
            }
            vm = other.get();
            info = vcenter.vmInfo(vm);
        }
        try {
            MoRef task = info.powerState() == PowerState.POWERED_ON ? vcenter.startPowerOff(vm) : vcenter.startDestroy(vm);
            if (info.powerState() != PowerState.POWERED_ON) {
                kubeEvents.normal(testVM, "Destroying", "destroying VM " + info.name() + " (" + vm.value() + ")");
            }
            cleanupTasks.put(uid, task);
            events.follow(task, id);
        } catch (VimFaultException e) {
            if (ManagedObjects.isNotFound(e)) {
                return Optional.of(Duration.ZERO);
            }
            if (!"InvalidPowerState".equals(e.faultType()) && !"TaskInProgress".equals(e.faultType())
                    && !"InvalidState".equals(e.faultType())) {
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

    private void finished(ResourceID id, String uid) {
        cleanupTasks.remove(uid);
        events.unfollowAll(id);
    }

    private static Optional<TaskInfo> taskInfo(VCenter vcenter, MoRef task) {
        try {
            return Optional.of(vcenter.taskInfo(task));
        } catch (VimFaultException e) {
            if (ManagedObjects.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
