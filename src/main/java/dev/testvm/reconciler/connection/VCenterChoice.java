package dev.testvm.reconciler.connection;

import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.TestVMProblem;
import java.util.Optional;

/**
 * Which vCenter a TestVM lives in. Chosen once, at its first pass, and then pinned in
 * {@code status.vcenter}: marking another VCenter default later must never move a TestVM (its VM,
 * or a clone started for it, is in the first one).
 *
 * <p>Order: the pinned name; a TestVM that made progress before {@code status.vcenter} existed is
 * in the environment's vCenter; {@code spec.vcenter}; the VCenter marked default; the
 * environment's vCenter (unless this replica serves a shard of the VCenter resources only).
 *
 * <p>A VCenter being deleted ({@link VCenterConnection#isRetiring}) takes no new TestVMs; those
 * pinned to it keep it until they are gone (its finalizer waits for them).
 */
public final class VCenterChoice {

    private final VCenterRegistry registry;

    public VCenterChoice(VCenterRegistry registry) {
        this.registry = registry;
    }

    /** The vCenter's name, or empty when none is named, marked default or configured. */
    Optional<String> nameFor(TestVM testVM) {
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
        return registry.defaultName();
    }

    /** Whether this replica serves the TestVM's vCenter (always, unless it serves one shard only). */
    public boolean serves(TestVM testVM) {
        return !registry.isShard() || nameFor(testVM).flatMap(registry::find).isPresent();
    }

    /**
     * Whether nothing can have been cloned for the TestVM: no vCenter was ever chosen, or the one it
     * names is not served (a VCenter that never existed, or was deleted after its last pinned
     * TestVM) and it was never pinned. The clone intent is written in the same status patch as the
     * pin and a clone starts only in a later pass, so an unpinned TestVM has no VM anywhere;
     * deleting it must not wait for a vCenter that will never come.
     */
    public boolean nothingCloned(TestVM testVM) {
        Optional<String> name = nameFor(testVM);
        return name.isEmpty() || (!pinned(testVM) && registry.find(name.get()).isEmpty());
    }

    /** Whether the TestVM's vCenter is pinned already (in status, or implied by earlier progress). */
    static boolean pinned(TestVM testVM) {
        TestVMStatus status = testVM.getStatus();
        return status != null && (status.getVcenter() != null || madeProgress(status));
    }

    /**
     * The connection of the TestVM's vCenter, or a retryable problem naming what is missing.
     *
     * @param admitting a pass that may start work: a retiring vCenter refuses a TestVM not pinned
     *        to it yet. Deletion always gets the connection (a clone may have started while the
     *        status recording it was lost).
     */
    public VCenterConnection connectionFor(TestVM testVM, boolean admitting) {
        String name = nameFor(testVM).orElseThrow(() -> TestVMProblem.retryable(Reasons.VCENTER_NOT_FOUND,
                "spec.vcenter: not set, no VCenter is marked default and the operator has no vCenter configured", null));
        VCenterConnection connection = registry.find(name).orElseThrow(() -> TestVMProblem.retryable(Reasons.VCENTER_NOT_FOUND,
                "spec.vcenter: no VCenter named '" + name + "' is served by this operator", null));
        if (admitting && connection.isRetiring() && !pinned(testVM)) {
            throw TestVMProblem.retryable(Reasons.VCENTER_NOT_FOUND,
                    "spec.vcenter: VCenter '" + name + "' is being deleted and takes no new TestVMs", null);
        }
        return connection;
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
