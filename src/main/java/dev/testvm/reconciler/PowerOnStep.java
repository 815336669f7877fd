package dev.testvm.reconciler;

import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVMStatus;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.VmInfo;
import java.time.Duration;

/** Powers the clone on (instant clones already run) and records when it happened. */
final class PowerOnStep {

    private final VSphereEventSource events;
    private final Duration taskPollInterval;
    private final KubeEvents kubeEvents;

    PowerOnStep(VSphereEventSource events, Duration taskPollInterval, KubeEvents kubeEvents) {
        this.events = events;
        this.taskPollInterval = taskPollInterval;
        this.kubeEvents = kubeEvents;
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
            events.unfollow(task);
            status.setTaskRef(null);
            if (info.state() == TaskInfo.State.ERROR && VmLookup.read(pass, vm).powerState() != PowerState.POWERED_ON) {
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
