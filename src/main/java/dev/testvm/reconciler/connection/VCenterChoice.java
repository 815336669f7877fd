package dev.testvm.reconciler.connection;

import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.TestVMProblem;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which vCenter a TestVM lives in. Chosen once, at its first pass, and then pinned in
 * {@code status.vcenter}: marking another VCenter default later must never move a TestVM (its VM,
 * or a clone started for it, is in the first one).
 *
 * <p>Order: the pinned name; a TestVM that made progress before {@code status.vcenter} existed is
 * in the environment's vCenter; {@code spec.vcenter}; the VCenter marked default; the
 * environment's vCenter.
 */
public final class VCenterChoice {

    private final VCenterRegistry registry;
    private final Supplier<Optional<String>> markedDefault;

    /** @param markedDefault the name of the VCenter resource marked default, if any */
    public VCenterChoice(VCenterRegistry registry, Supplier<Optional<String>> markedDefault) {
        this.registry = registry;
        this.markedDefault = markedDefault;
    }

    /** The vCenter's name, or empty when none is named, marked default or configured. */
    public Optional<String> nameFor(TestVM testVM) {
        TestVMStatus status = testVM.getStatus();
        if (status != null && status.getVcenter() != null) {
            return Optional.of(status.getVcenter());
        }
        if (madeProgress(status)) {
            return Optional.of(VCenterRegistry.ENVIRONMENT);
        }
        String named = testVM.getSpec() == null ? null : testVM.getSpec().getVcenter();
        if (named != null && !named.isBlank()) {
            return Optional.of(named);
        }
        Optional<String> marked = markedDefault.get();
        if (marked.isPresent()) {
            return marked;
        }
        return registry.hasEnvironment() ? Optional.of(VCenterRegistry.ENVIRONMENT) : Optional.empty();
    }

    /** The connection of the TestVM's vCenter, or a retryable problem naming what is missing. */
    public VCenterConnection connectionFor(TestVM testVM) {
        String name = nameFor(testVM).orElseThrow(() -> TestVMProblem.retryable(Reasons.VCENTER_NOT_FOUND,
                "spec.vcenter: not set, no VCenter is marked default and the operator has no vCenter configured", null));
        return registry.find(name).orElseThrow(() -> TestVMProblem.retryable(Reasons.VCENTER_NOT_FOUND,
                "spec.vcenter: no VCenter named '" + name + "' is served by this operator", null));
    }

    /** Whether the status shows a clone intent, task or VM: work done before vCenters were chosen. */
    private static boolean madeProgress(TestVMStatus status) {
        if (status == null) {
            return false;
        }
        boolean vm = status.getVm() != null && status.getVm().getMoRef() != null;
        boolean intent = status.getMilestones() != null && status.getMilestones().getCloneStartedAt() != null;
        return vm || intent || status.getTaskRef() != null;
    }
}
