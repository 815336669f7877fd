package dev.testvm.reconciler.steps;

import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVMStatus;
import dev.testvm.reconciler.events.VSphereEventSource;
import dev.testvm.reconciler.status.KubeEvents;
import dev.testvm.reconciler.status.Milestone;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.TestVMProblem;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.VmInfo;
import dev.testvm.vsphere.fault.FaultKind;
import java.time.Duration;
import java.util.Optional;

/** Powers the clone on (instant clones already run) and records when it happened. */
public final class PowerOnStep {

    private final VSphereEventSource events;
    private final TaskInFlight tasks;
    private final Duration taskPollInterval;
    private final KubeEvents kubeEvents;

    public PowerOnStep(VSphereEventSource events, TaskInFlight tasks, Duration taskPollInterval, KubeEvents kubeEvents) {
        this.events = events;
        this.tasks = tasks;
        this.taskPollInterval = taskPollInterval;
        this.kubeEvents = kubeEvents;
    }

    public StepResult run(Pass pass) {
        TestVMStatus status = pass.status();
        if (Boolean.FALSE.equals(pass.testVM().getSpec().getPowerOn())) {
            pass.report().notReady(Reasons.POWER_ON_DISABLED,
                    "spec.powerOn is false: the VM stays powered off and gets no IP");
            return StepResult.STOP;
        }
        MoRef vm = MoRef.parse(status.getVm().getMoRef());
        // A power-on this process started is still ours to follow when the pass got a resource
        // older than our last patch (the informer lags), not a reason to start another.
        Optional<TaskInFlight.Task> inFlight = tasks.find(pass.memory(), status.getTaskRef(), TaskInFlight.Kind.POWER_ON);
        if (inFlight.isPresent() && !finished(pass, vm, inFlight.get())) {
            return StepResult.requeue(taskPollInterval);
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
            pass.report().condition(ConditionTypes.POWERED_ON, true, "PoweredOn", "VM is powered on");
            return StepResult.PROCEED;
        }
        MoRef task = pass.vcenter().startPowerOn(vm);
        tasks.started(pass.memory(), TaskInFlight.Kind.POWER_ON, task);
        status.setTaskRef(task.toString());
        milestones.setPowerOnStartedAt(pass.now().toString());
        milestones.setPoweredOnAt(null);
        pass.report().condition(ConditionTypes.POWERED_ON, false, Reasons.POWERING_ON, "power-on task " + task.value() + " running");
        // The VM joins the watcher's view in the same request as the task (VimVCenter.follow).
        events.follow(vm, pass.id());
        return StepResult.requeue(taskPollInterval);
    }

    /**
     * Whether the power-on in flight is over. The VM says it is on before its task says it is done
     * (vCenter updates them apart, and the watcher may deliver them apart): the VM is what "powered
     * on" means, and noting it at once keeps the booting phase (powered on -> Tools running) honest.
     */
    private boolean finished(Pass pass, MoRef vm, TaskInFlight.Task inFlight) {
        TestVMStatus status = pass.status();
        status.setTaskRef(inFlight.ref().toString());
        TaskInFlight.Look look = tasks.check(pass.vcenter(), pass.memory(), inFlight);
        boolean on = VmLookup.read(pass, vm).powerState() == PowerState.POWERED_ON;
        if (look.running() && !on) {
            return false;
        }
        tasks.ended(pass.memory(), inFlight);
        status.setTaskRef(null);
        TaskInfo info = look.info();
        if (info != null && info.state() == TaskInfo.State.ERROR && !on) {
            MoRef task = inFlight.ref();
            if (info.error() != null && FaultKind.of(info.error()) == FaultKind.TRANSIENT) {
                throw TestVMProblem.retryable(Reasons.VCENTER_ERROR, "power-on task " + task.value()
                        + " failed with a transient fault (" + info.error().getMessage() + "); powering on again", info.error());
            }
            throw TestVMProblem.terminal(Reasons.POWER_ON_FAILED, "power-on task " + task.value() + " failed: "
                    + (info.error() == null ? "unknown error" : info.error().getMessage()));
        }
        return true;
    }
}
