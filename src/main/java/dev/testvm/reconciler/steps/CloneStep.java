package dev.testvm.reconciler.steps;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMSpec;
import dev.testvm.api.TestVMStatus;
import dev.testvm.api.VmStatus;
import dev.testvm.reconciler.events.VSphereEventSource;
import dev.testvm.reconciler.inventory.ClusterIdentity;
import dev.testvm.reconciler.inventory.PlacementResolver;
import dev.testvm.reconciler.inventory.VmIdentity;
import dev.testvm.reconciler.inventory.VmNames;
import dev.testvm.reconciler.status.KubeEvents;
import dev.testvm.reconciler.status.Milestone;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.TestVMProblem;
import dev.testvm.vsphere.CloneRequest;
import dev.testvm.vsphere.CloneType;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.VmInfo;
import dev.testvm.vsphere.fault.FaultKind;
import dev.testvm.vsphere.fault.NoSnapshotException;
import dev.testvm.vsphere.fault.TaskCapacityExceededException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Makes sure the TestVM has exactly one VM: adopts the VM carrying its UID if one exists (so a
 * restarted operator never clones twice), otherwise starts the clone task and records it.
 *
 * <p>Cloning is write-ahead. A first pass only records the intent in status (phase Cloning,
 * {@code milestones.cloneStartedAt}); the clone task is started by a later pass, which sees that
 * intent in the resource and so knows it was persisted. An operator killed after starting the task
 * but before {@code status.taskRef} was patched therefore leaves an intent without a task, and its
 * successor does not clone blindly: while a clone of the same source is queued or running (it may be
 * ours, and its VM appears only when it ends) it waits; then it looks for the VM by UID again, and
 * clones only if there is none.
 */
public final class CloneStep {

    private final PlacementResolver placement;
    private final VSphereEventSource events;
    private final Duration taskPollInterval;
    private final KubeEvents kubeEvents;
    /** Names this cluster on the VM (see {@link ClusterIdentity}). */
    private final Supplier<String> clusterId;
    /**
     * The clone task this process started stays in flight there until a pass sees the VM recorded.
     * A pass may be handed a resource older than this process's last status patch (the informer
     * lags behind it); without it the pass would take the missing taskRef for "no clone yet".
     */
    private final TaskInFlight tasks;
    private final CloudInitData cloudInit;

    public CloneStep(PlacementResolver placement, VSphereEventSource events, TaskInFlight tasks, Duration taskPollInterval,
            KubeEvents kubeEvents, Supplier<String> clusterId, CloudInitData cloudInit) {
        this.tasks = tasks;
        this.cloudInit = cloudInit;
        this.clusterId = clusterId;
        this.placement = placement;
        this.events = events;
        this.taskPollInterval = taskPollInterval;
        this.kubeEvents = kubeEvents;
    }

    public StepResult run(Pass pass) {
        TestVMStatus status = pass.status();
        TestVMMemory memory = pass.memory();
        if (status.getVm() != null && status.getVm().getMoRef() != null) {
            tasks.clear(memory, TaskInFlight.Kind.CLONE);
            return StepResult.PROCEED;
        }
        Optional<TaskInFlight.Task> inFlight = tasks.find(memory, status.getTaskRef(), TaskInFlight.Kind.CLONE);
        if (inFlight.isPresent()) {
            return followCloneTask(pass, inFlight.get());
        }
        if (hasCloneIntent(status) && memory.intentClearToClone) {
            // Our own intent and no clone call sent since: no VM can exist, so the only question is
            // whether a task slot is ours. Waiting for one then costs no vCenter request.
            pass.vcenter().requireTurn();
            return startClone(pass);
        }
        Optional<MoRef> existing = VmIdentity.find(pass.vcenter(), pass.uid(), isInstant(pass));
        if (existing.isPresent()) {
            adopt(pass, existing.get());
            return StepResult.PROCEED;
        }
        if (!hasCloneIntent(status)) {
            return recordIntent(pass);
        }
        if (!memory.intentClearToClone) {
            Optional<StepResult> waiting = waitForEarlierClone(pass);
            if (waiting.isPresent()) {
                return waiting.get();
            }
        }
        return startClone(pass);
    }

    /** The intent written ahead of a clone: cloneStartedAt set, but no task or VM recorded yet. */
    static boolean hasCloneIntent(TestVMStatus status) {
        return status != null && status.getMilestones() != null && status.getMilestones().getCloneStartedAt() != null
                && status.getTaskRef() == null && (status.getVm() == null || status.getVm().getMoRef() == null);
    }

    /** Records the intent; the reconciler patches it into status and comes back at once to clone. */
    private StepResult recordIntent(Pass pass) {
        clusterId.get(); // fails (retryable) before any intent is written if the cluster cannot be named
        TestVMStatus status = pass.status();
        Milestone.of(status).setCloneStartedAt(pass.now().toString());
        pass.report().condition(ConditionTypes.CLONED, false, Reasons.CLONING,
                "starting the clone of " + pass.testVM().getSpec().getTemplate());
        pass.memory().intentClearToClone = true;
        return StepResult.requeue(Duration.ZERO);
    }

    /**
     * For an intent this process cannot vouch for (written by an earlier instance, or followed by
     * a clone call whose outcome is unknown): a requeue while a clone of the source is still
     * queued or running, the adopted VM if the earlier clone made one, or empty when cloning is safe.
     */
    private Optional<StepResult> waitForEarlierClone(Pass pass) {
        MoRef source = placement.template(pass.testVM().getSpec(), pass.vcenter());
        List<MoRef> running = pass.vcenter().activeCloneTasks(source);
        if (!running.isEmpty()) {
            pass.report().condition(ConditionTypes.CLONED, false, Reasons.CLONING,
                    "waiting for clone task(s) " + running.stream().map(MoRef::value).toList() + " of "
                            + pass.testVM().getSpec().getTemplate() + ", which may have been started for this TestVM before the operator restarted");
            running.forEach(task -> events.follow(task, pass.id()));
            return Optional.of(StepResult.requeue(taskPollInterval));
        }
        // Looked up after the task list: a clone that ended in between has made its VM by now.
        Optional<MoRef> vm = VmIdentity.find(pass.vcenter(), pass.uid(), isInstant(pass));
        if (vm.isPresent()) {
            adopt(pass, vm.get());
            return Optional.of(StepResult.PROCEED);
        }
        pass.memory().intentClearToClone = true;
        return Optional.empty();
    }

    private void adopt(Pass pass, MoRef vm) {
        pass.memory().intentClearToClone = false;
        recordVm(pass, vm);
    }

    private StepResult startClone(Pass pass) {
        TestVMSpec spec = pass.testVM().getSpec();
        PlacementResolver.Resolved where = placement.resolve(spec, pass.vcenter());
        CloneTypeSpec type = spec.getCloneType() == null ? CloneTypeSpec.linked : spec.getCloneType();
        MoRef snapshot = type == CloneTypeSpec.linked ? snapshotFor(spec, where, pass.vcenter()) : null;
        boolean vouched = pass.memory().intentClearToClone;
        pass.memory().soleCloneTask = null;
        pass.memory().soleCloneVm = null;
        MoRef task = send(pass, cloneRequest(pass, where, type, snapshot), where);
        pass.memory().soleCloneTask = vouched ? task : null;
        // From here on, a pass that sees the intent but no taskRef (the status patch below was lost)
        // must look for this clone rather than start another.
        pass.memory().intentClearToClone = false;
        tasks.started(pass.memory(), TaskInFlight.Kind.CLONE, task);
        TestVMStatus status = pass.status();
        status.setTaskRef(task.toString());
        status.setEffectiveCloneType(type.name());
        pass.report().condition(ConditionTypes.CLONED, false, Reasons.CLONING,
                type + " clone of " + where.templatePath() + " running as " + task.value());
        kubeEvents.normal(pass.testVM(), "Cloning", type + " clone of " + where.templatePath() + " started (" + task.value() + ")");
        return StepResult.requeue(taskPollInterval);
    }

    private CloneRequest cloneRequest(Pass pass, PlacementResolver.Resolved where, CloneTypeSpec type, MoRef snapshot) {
        TestVM testVM = pass.testVM();
        TestVMSpec spec = testVM.getSpec();
        Map<String, String> extraConfig = new HashMap<>();
        if (spec.getExtraConfig() != null) {
            refuseWhatXmlCannotCarry(spec.getExtraConfig());
            extraConfig.putAll(spec.getExtraConfig());
        }
        extraConfig.putAll(cloudInit.guestinfo(testVM, VmNames.of(testVM), extraConfig));
        extraConfig.put(VmIdentity.UID_KEY, pass.uid());
        extraConfig.put(ClusterIdentity.KEY, clusterId.get());
        var hardware = spec.getHardware();
        return new CloneRequest(
                where.template(),
                wireType(type),
                snapshot,
                VmNames.of(testVM),
                where.folder(),
                where.resourcePool(),
                where.host(),
                where.datastore(),
                pass.uid(),
                extraConfig,
                hardware == null ? null : hardware.getCpus(),
                hardware == null ? null : hardware.getMemoryMiB(),
                "Created by testvm-operator for TestVM " + testVM.getMetadata().getNamespace() + "/"
                        + testVM.getMetadata().getName(),
                false);
    }

    /** Starts the clone; any answer but a task (or our own "no slot") means a clone may be running. */
    private MoRef send(Pass pass, CloneRequest request, PlacementResolver.Resolved where) {
        try {
            return pass.vcenter().startClone(request);
        } catch (TaskCapacityExceededException e) {
            // Nothing was sent: the intent stays clear to clone on the next pass.
            throw e;
        } catch (NoSnapshotException e) {
            // Refused by the client before any call: nothing was sent.
            throw TestVMProblem.terminal(Reasons.SNAPSHOT_NOT_FOUND, "spec.cloneType: a linked clone needs a snapshot, but '"
                    + where.templatePath() + "' has none; snapshot it or use cloneType: full");
        } catch (VimFaultException e) {
            // Even a refusal may hide a clone that started (a fault answered after the task was
            // created): the next pass looks for one before cloning again.
            pass.memory().intentClearToClone = false;
            if (FaultKind.of(e) == FaultKind.REQUEST) {
                throw TestVMProblem.terminal(Reasons.CLONE_FAILED,
                        "cloning '" + where.templatePath() + "' was refused: " + e.getMessage());
            }
            throw TestVMProblem.retryable(Reasons.VCENTER_ERROR,
                    "vCenter answered the clone of '" + where.templatePath() + "' with " + e.getMessage() + "; retrying", e);
        } catch (RuntimeException e) {
            // E.g. the connection broke after the request was sent: a clone may be running, so the
            // next pass must look for it before cloning again.
            pass.memory().intentClearToClone = false;
            throw e;
        }
    }

    /**
     * The schema cannot check map values cheaply enough for the API server's CEL budget, so this
     * does: a character XML 1.0 cannot carry would fail the clone call without naming the field.
     */
    private static void refuseWhatXmlCannotCarry(Map<String, String> extraConfig) {
        java.util.regex.Pattern allowed = java.util.regex.Pattern.compile("[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x{FFFE}\\x{FFFF}]*");
        extraConfig.forEach((key, value) -> {
            if (!allowed.matcher(key).matches() || value != null && !allowed.matcher(value).matches()) {
                throw TestVMProblem.terminal(Reasons.INVALID_SPEC, "spec.extraConfig['" + key.replaceAll("\\p{Cntrl}", "?")
                        + "']: control characters other than tab, LF and CR cannot be sent to vCenter (XML 1.0 cannot carry them)");
            }
        });
    }

    private static boolean isInstant(Pass pass) {
        return pass.testVM().getSpec().getCloneType() == CloneTypeSpec.instant;
    }

    /** The spec's clone type as the vSphere client names it (vsphere knows nothing of the CRD). */
    private static CloneType wireType(CloneTypeSpec type) {
        return switch (type) {
            case full -> CloneType.FULL;
            case linked -> CloneType.LINKED;
            case instant -> CloneType.INSTANT;
        };
    }

    /**
     * The named snapshot; without a name, null: the clone call reads the source once and uses its
     * current snapshot (a source without one is refused there, see {@link #send}).
     */
    private static MoRef snapshotFor(TestVMSpec spec, PlacementResolver.Resolved where, VCenter vcenter) {
        if (spec.getSnapshot() == null || spec.getSnapshot().isBlank()) {
            return null;
        }
        return vcenter.findSnapshot(where.template(), spec.getSnapshot())
                .orElseThrow(() -> TestVMProblem.terminal(Reasons.SNAPSHOT_NOT_FOUND,
                        "spec.snapshot: '" + where.templatePath() + "' has no snapshot named '" + spec.getSnapshot() + "'"));
    }

    private StepResult followCloneTask(Pass pass, TaskInFlight.Task inFlight) {
        MoRef task = inFlight.ref();
        TaskInFlight.Look look = tasks.check(pass.vcenter(), pass.memory(), inFlight);
        if (look.forgotten()) {
            // vCenter forgets finished tasks; the VM, if the clone made one, still carries our UID.
            pass.status().setTaskRef(null);
            return run(pass);
        }
        TaskInfo info = look.info();
        switch (info.state()) {
            case SUCCESS -> {
                pass.status().setTaskRef(null);
                MoRef vm = info.result() != null ? info.result()
                        : VmIdentity.find(pass.vcenter(), pass.uid(), isInstant(pass)).orElseThrow(() -> TestVMProblem.terminal(
                                Reasons.CLONE_FAILED, "clone task " + task.value() + " succeeded but no VM carries this TestVM's UID"));
                if (task.equals(pass.memory().soleCloneTask) && vm.equals(info.result())) {
                    pass.memory().soleCloneVm = vm;
                }
                recordVm(pass, vm);
                return StepResult.PROCEED;
            }
            case ERROR -> {
                pass.status().setTaskRef(null);
                String why = info.error() == null ? "unknown error" : info.error().getMessage();
                if (info.error() != null && FaultKind.of(info.error()) == FaultKind.TRANSIENT) {
                    // The intent stays, so the next pass checks for a VM before cloning again.
                    throw TestVMProblem.retryable(Reasons.VCENTER_ERROR,
                            "clone task " + task.value() + " failed with a transient fault (" + why + "); cloning again", info.error());
                }
                throw TestVMProblem.terminal(Reasons.CLONE_FAILED, "clone task " + task.value() + " failed: " + why);
            }
            default -> {
                // Restores the taskRef when this pass was handed a resource older than our last patch.
                pass.status().setTaskRef(task.toString());
                return StepResult.requeue(taskPollInterval);
            }
        }
    }

    private void recordVm(Pass pass, MoRef vm) {
        VmInfo info = pass.vcenter().vmInfo(vm);
        // The power-on step, next in this pass, needs the same VM: read once (see VmLookup).
        pass.vmInfos().put(vm, info);
        TestVMStatus status = pass.status();
        VmStatus vmStatus = new VmStatus();
        vmStatus.setMoRef(vm.toString());
        vmStatus.setName(info.name());
        vmStatus.setInstanceUUID(info.instanceUuid());
        vmStatus.setHost(info.host() == null ? null : info.host().value());
        status.setVm(vmStatus);
        if (status.getEffectiveCloneType() == null && pass.testVM().getSpec().getCloneType() != null) {
            status.setEffectiveCloneType(pass.testVM().getSpec().getCloneType().name());
        }
        var milestones = Milestone.of(status);
        if (milestones.getClonedAt() == null) {
            milestones.setClonedAt(pass.now().toString());
        }
        pass.report().condition(ConditionTypes.CLONED, true, "Cloned", "VM " + info.name() + " (" + vm.value() + ")");
        kubeEvents.normal(pass.testVM(), "Cloned", "VM " + info.name() + " (" + vm.value() + ") exists");
    }
}
