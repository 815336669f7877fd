package dev.testvm.reconciler;

import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVMStatus;
import dev.testvm.vsphere.FaultKind;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.VmInfo;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Powers the clone on (instant clones already run) and records when it happened. */
final class PowerOnStep {

    private final VSphereEventSource events;
    private final Duration taskPollInterval;
    private final KubeEvents kubeEvents;
    /** Power-on tasks this process started, by TestVM UID, until they are done. */
    private final Map<String, MoRef> powerOnsStartedHere = new ConcurrentHashMap<>();

    PowerOnStep(VSphereEventSource events, Duration taskPollInterval, KubeEvents kubeEvents) {
        this.events = events;
        this.taskPollInterval = taskPollInterval;
        this.kubeEvents = kubeEvents;
    }

    /** Forgets what this process knew about the TestVM (it is being deleted). */
    void forget(String uid) {
        powerOnsStartedHere.remove(uid);
    }

    StepResult run(Pass pass) {
        TestVMStatus status = pass.status();
        if (Boolean.FALSE.equals(pass.testVM().getSpec().getPowerOn())) {
            status.setPhase(Phase.Cloned);
            Conditions.set(pass.testVM(), ConditionTypes.READY, false, Reasons.POWER_ON_DISABLED,
                    "spec.powerOn is false: the VM stays powered off and gets no IP", pass.now());
            return StepResult.STOP;
        }
        MoRef vm = MoRef.parse(status.getVm().getMoRef());
        MoRef startedHere = powerOnsStartedHere.get(pass.uid());
        if (status.getTaskRef() == null && startedHere != null) {
            // This pass got a resource older than our last patch (the informer lags): the power-on
            // we started is still ours to follow, not a reason to start another.
            status.setTaskRef(startedHere.toString());
        }
        if (status.getTaskRef() != null) {
            MoRef task = MoRef.parse(status.getTaskRef());
            TaskInfo info = pass.vcenter().taskInfo(task);
            // The VM says it is on before its task says it is done (vCenter updates them apart, and
            // the watcher may deliver them apart): the VM is what "powered on" means, and noting it
            // at once keeps the booting phase (powered on -> Tools running) honest.
            if (!info.state().done() && VmLookup.read(pass, vm).powerState() != PowerState.POWERED_ON) {
                events.follow(task, pass.id());
                return StepResult.requeue(taskPollInterval);
            }
            events.unfollow(task, pass.id());
            status.setTaskRef(null);
            powerOnsStartedHere.remove(pass.uid());
            if (info.state() == TaskInfo.State.ERROR && VmLookup.read(pass, vm).powerState() != PowerState.POWERED_ON) {
                if (info.error() != null && FaultKind.of(info.error()) == FaultKind.TRANSIENT) {
                    throw TestVMProblem.retryable(Reasons.VCENTER_ERROR, "power-on task " + task.value()
                            + " failed with a transient fault (" + info.error().getMessage() + "); powering on again", info.error());
                }
                throw TestVMProblem.terminal(Reasons.POWER_ON_FAILED, "power-on task " + task.value() + " failed: "
                        + (info.error() == null ? "unknown error" : info.error().getMessage()));
            }
        }
        VmInfo info = VmLookup.read(pass, vm);
        var milestones = Milestone.of(status);
        if (info.powerState() == PowerState.POWERED_ON) {
            if (milestones.getPoweredOnAt() == null) {
                milestones.setPoweredOnAt(pass.now().toString());
                if (milestones.getPowerOnStartedAt() == null) {
                    milestones.setPowerOnStartedAt(milestones.getPoweredOnAt());
                }
                kubeEvents.normal(pass.testVM(), "PoweredOn", "VM " + info.name() + " is powered on");
            }
            Conditions.set(pass.testVM(), ConditionTypes.POWERED_ON, true, "PoweredOn", "VM is powered on", pass.now());
            return StepResult.PROCEED;
        }
        MoRef task = pass.vcenter().startPowerOn(vm);
        powerOnsStartedHere.put(pass.uid(), task);
        status.setTaskRef(task.toString());
        status.setPhase(Phase.PoweringOn);
        milestones.setPowerOnStartedAt(pass.now().toString());
        milestones.setPoweredOnAt(null);
        Conditions.set(pass.testVM(), ConditionTypes.POWERED_ON, false, Reasons.POWERING_ON, "power-on task " + task.value() + " running", pass.now());
        events.follow(task, pass.id());
        events.follow(vm, pass.id());
        return StepResult.requeue(taskPollInterval);
    }
}
