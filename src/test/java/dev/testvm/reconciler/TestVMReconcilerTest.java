package dev.testvm.reconciler;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMSpec;
import dev.testvm.config.DiscoveryWiring;
import dev.testvm.config.OperatorConfig;
import dev.testvm.discovery.GuestCommandProbe;
import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.reconciler.events.VSphereEventSource;
import dev.testvm.reconciler.inventory.ClusterIdentity;
import dev.testvm.reconciler.status.Conditions;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.steps.GuestCredentialsReader;
import dev.testvm.reconciler.steps.GuestDiscovery;
import dev.testvm.reconciler.steps.IpDiscoveryCheck;
import dev.testvm.reconciler.steps.IpFinder;
import dev.testvm.reconciler.steps.Pass;
import dev.testvm.testsupport.FakeVCenter;
import dev.testvm.testsupport.TestOperatorConfig;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** The reconciler's steps against a fake of our own VCenter interface. */
public class TestVMReconcilerTest {

    private FakeVCenter vcenter;
    private TestVMReconciler reconciler;

    @BeforeEach
    void setUp() {
        vcenter = new FakeVCenter();
        vcenter.addTemplate("DC0/vm/Templates/ubuntu-22.04", true);
        vcenter.addTemplate("DC0/vm/Templates/no-snapshot", false);
        reconciler = newReconciler(vcenter);
    }

    static TestVMReconciler newReconciler(FakeVCenter vcenter) {
        return newReconciler(VCenterRegistry.of("DC0", () -> vcenter));
    }

    /** A reconciler serving every vCenter in {@code vcenters}. */
    static TestVMReconciler newReconciler(VCenterRegistry vcenters) {
        IpFinder toolsOnly = new IpFinder() {
            @Override
            public Result find(Pass pass, MoRef vm, dev.testvm.vsphere.VmInfo info, dev.testvm.api.IpDiscoverySpec spec,
                    IpDiscoveryCheck.Checked checked) {
                return info.ipAddress() == null
                        ? Result.notYet(Reasons.WAITING_FOR_IP, "no IP yet", Duration.ofSeconds(1), null)
                        : Result.found(info.ipAddress(), List.of(info.ipAddress()), "Tools", "linux");
            }

            @Override
            public void forget(String uid) {}
        };
        GuestDiscovery configured = DiscoveryWiring.of(config().discovery());
        GuestDiscovery discovery = new GuestDiscovery() {
            @Override
            public IpFinder ipFinder(GuestCredentialsReader credentials) {
                return toolsOnly;
            }

            @Override
            public GuestCommandProbe commandProbe() {
                return configured.commandProbe();
            }
        };
        return new TestVMReconciler(vcenters, null, dev.testvm.config.OperatorBeans.reconcilerSettingsOf(config()), discovery);
    }

    /** The two passes that record the clone intent and then start the clone. */
    private void startClone(TestVM testVM) {
        reconciler.reconcile(testVM, null);
        reconciler.reconcile(testVM, null);
    }

    /** The same TestVM as a restarted operator reads it: status as last patched. */
    private static TestVM asPersisted(TestVM testVM) {
        TestVM copy = testVM(testVM.getSpec().getTemplate(), testVM.getSpec().getCloneType());
        copy.getMetadata().setUid(testVM.getMetadata().getUid());
        copy.setStatus(io.fabric8.kubernetes.client.utils.Serialization.clone(testVM.getStatus()));
        return copy;
    }

    public static TestVM testVM(String template, CloneTypeSpec type) {
        TestVM testVM = new TestVM();
        testVM.setMetadata(new ObjectMetaBuilder().withName("build-42").withNamespace("ci").withUid(UUID.randomUUID().toString())
                .withGeneration(1L).withCreationTimestamp(Instant.now().toString()).build());
        TestVMSpec spec = new TestVMSpec();
        spec.setTemplate(template);
        spec.setCloneType(type);
        testVM.setSpec(spec);
        return testVM;
    }

    @Test
    void clonesPowersOnAndRecordsTheToolsIp() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);

        // Write-ahead: the first pass only records the intent and comes straight back.
        UpdateControl<TestVM> control = reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.Cloning);
        assertThat(testVM.getStatus().getMilestones().getCloneStartedAt()).isNotNull();
        assertThat(testVM.getStatus().getTaskRef()).isNull();
        assertThat(control.isPatchStatus()).isTrue();
        assertThat(control.getScheduleDelay()).contains(1L);
        assertThat(vcenter.clones).isEmpty();

        control = reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.Cloning);
        assertThat(testVM.getStatus().getTaskRef()).startsWith("Task:");
        assertThat(control.isPatchStatus()).isTrue();
        assertThat(vcenter.clones).singleElement().satisfies(request -> {
            assertThat(request.instanceUuid()).isEqualTo(testVM.getMetadata().getUid());
            assertThat(request.extraConfig()).containsEntry("testvm.dev/uid", testVM.getMetadata().getUid());
            // No snapshot named: the client links to the template's current one (read with the clone).
            assertThat(request.type()).isEqualTo(dev.testvm.vsphere.CloneType.LINKED);
            assertThat(request.snapshot()).isNull();
            assertThat(request.name()).startsWith("ci-build-42-");
        });

        // Reconciling again while the clone runs starts nothing new.
        reconciler.reconcile(testVM, null);
        assertThat(vcenter.clones).hasSize(1);

        vcenter.completeAll();
        reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.PoweringOn);
        assertThat(testVM.getStatus().getVm().getMoRef()).startsWith("VirtualMachine:");
        assertThat(Conditions.isTrue(testVM.getStatus(), ConditionTypes.CLONED)).isTrue();

        vcenter.completeAll();
        FakeVCenter.Vm vm = vcenter.vmByUuid(testVM.getMetadata().getUid());
        assertThat(vm.power).isEqualTo(PowerState.POWERED_ON);
        control = reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.WaitingForIP);
        assertThat(control.getScheduleDelay()).contains(1000L);

        vm.tools = true;
        vm.ip = "10.77.0.5";
        reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.Ready);
        assertThat(testVM.getStatus().getIp()).isEqualTo("10.77.0.5");
        assertThat(testVM.getStatus().getIpSource()).isEqualTo("Tools");
        assertThat(Conditions.isTrue(testVM.getStatus(), ConditionTypes.READY)).isTrue();
        assertThat(testVM.getStatus().getTimings().getTotalSeconds()).isNotNull();
        assertThat(testVM.getStatus().getObservedGeneration()).isEqualTo(1L);
    }

    @Test
    void aPassWaitingForTheIpReadsTheVmOnce() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        startClone(testVM);
        vcenter.completeAll();
        reconciler.reconcile(testVM, null);
        vcenter.completeAll();
        reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.WaitingForIP);
        String vm = MoRef.parse(testVM.getStatus().getVm().getMoRef()).value();

        // The power-on step and the IP step both look at the VM: one RetrievePropertiesEx serves both.
        vcenter.calls.clear();
        reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.WaitingForIP);
        assertThat(vcenter.calls).filteredOn(call -> call.startsWith("vmInfo ")).containsExactly("vmInfo " + vm);

        // The next pass reads it again: what the guest did meanwhile is seen.
        vcenter.vmByUuid(testVM.getMetadata().getUid()).tools = true;
        vcenter.vmByUuid(testVM.getMetadata().getUid()).ip = "10.77.0.5";
        reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.Ready);
    }

    @Test
    void adoptsTheVmCarryingItsUidInsteadOfCloningAgain() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        startClone(testVM);
        vcenter.completeAll();

        // A restarted operator that lost the status (e.g. the patch never landed) finds the VM by UUID.
        TestVM restarted = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        restarted.getMetadata().setUid(testVM.getMetadata().getUid());
        newReconciler(vcenter).reconcile(restarted, null);

        assertThat(vcenter.clones).hasSize(1);
        assertThat(restarted.getStatus().getVm().getInstanceUUID()).isEqualTo(testVM.getMetadata().getUid());
    }

    @Test
    void missingTemplateFailsNamingTheField() {
        TestVM testVM = testVM("Templates/nope", CloneTypeSpec.full);
        startClone(testVM);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.Failed);
        var failed = Conditions.find(testVM.getStatus(), ConditionTypes.FAILED).orElseThrow();
        assertThat(failed.getReason()).isEqualTo("TemplateNotFound");
        assertThat(failed.getMessage()).contains("spec.template").contains("DC0/vm/Templates/nope");
        assertThat(vcenter.clones).isEmpty();
    }

    @Test
    void linkedCloneOfSourceWithoutSnapshotFails() {
        TestVM testVM = testVM("Templates/no-snapshot", CloneTypeSpec.linked);
        startClone(testVM);
        var failed = Conditions.find(testVM.getStatus(), ConditionTypes.FAILED).orElseThrow();
        assertThat(failed.getReason()).isEqualTo("SnapshotNotFound");
        assertThat(failed.getMessage()).contains("spec.cloneType").contains("no-snapshot").contains("has none");
        assertThat(vcenter.clones).isEmpty();
    }

    @Test
    void failedCloneTaskIsTerminal() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.full);
        startClone(testVM);
        vcenter.fail(MoRef.parse(testVM.getStatus().getTaskRef()), "InsufficientResourcesFault", "not enough memory");
        reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.Failed);
        assertThat(Conditions.find(testVM.getStatus(), ConditionTypes.FAILED).orElseThrow().getMessage())
                .contains("not enough memory");
    }

    @Test
    void deletionMidCloneWaitsForTheCloneThenDestroysIt() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        startClone(testVM);

        DeleteControl control = reconciler.cleanup(testVM, null);
        assertThat(control.isRemoveFinalizer()).isFalse();
        assertThat(vcenter.calls).noneMatch(c -> c.startsWith("startDestroy"));

        vcenter.completeAll(); // the clone finishes after the delete
        control = reconciler.cleanup(testVM, null);
        assertThat(control.isRemoveFinalizer()).isFalse();
        vcenter.completeAll(); // destroy
        control = reconciler.cleanup(testVM, null);
        assertThat(control.isRemoveFinalizer()).isTrue();
        assertThat(vcenter.vmByUuid(testVM.getMetadata().getUid())).isNull();
    }

    @Test
    void deletionRightAfterTheCloneStartedWaitsForItEvenIfTheStatusPatchWasLost() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.full);
        startClone(testVM);
        assertThat(testVM.getStatus().getTaskRef()).isNotNull();

        // The TestVM was deleted while the clone started: the status with taskRef never reached
        // the API server, so the finalizer sees the TestVM without it.
        TestVM deleted = testVM("Templates/ubuntu-22.04", CloneTypeSpec.full);
        deleted.getMetadata().setUid(testVM.getMetadata().getUid());
        assertThat(reconciler.cleanup(deleted, null).isRemoveFinalizer()).isFalse();

        vcenter.completeAll(); // the clone finishes and its VM appears
        assertThat(vcenter.vmByUuid(testVM.getMetadata().getUid())).isNotNull();
        DeleteControl control = reconciler.cleanup(deleted, null);
        for (int i = 0; i < 5 && !control.isRemoveFinalizer(); i++) {
            vcenter.completeAll();
            control = reconciler.cleanup(deleted, null);
        }
        assertThat(control.isRemoveFinalizer()).isTrue();
        assertThat(vcenter.vmByUuid(testVM.getMetadata().getUid())).isNull();
    }

    @Test
    void deletionPowersOffThenDestroys() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        startClone(testVM);
        vcenter.completeAll();
        reconciler.reconcile(testVM, null);
        vcenter.completeAll();

        assertThat(reconciler.cleanup(testVM, null).isRemoveFinalizer()).isFalse();
        assertThat(vcenter.calls).anyMatch(c -> c.startsWith("startPowerOff"));
        vcenter.completeAll();
        assertThat(reconciler.cleanup(testVM, null).isRemoveFinalizer()).isFalse();
        assertThat(vcenter.calls).anyMatch(c -> c.startsWith("startDestroy"));
        vcenter.completeAll();
        assertThat(reconciler.cleanup(testVM, null).isRemoveFinalizer()).isTrue();
    }

    @Test
    void deletionLooksForOtherVmsByUidOnlyWhenThisProcessCannotVouchForTheClone() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        startClone(testVM);
        vcenter.completeAll();
        reconciler.reconcile(testVM, null);
        vcenter.completeAll();
        TestVM persisted = asPersisted(testVM);

        // This process wrote the intent, sent the one clone and recorded its VM: once that VM is
        // destroyed, no other VM can carry the UID.
        vcenter.calls.clear();
        assertThat(deleteUntilGone(reconciler, testVM)).isTrue();
        assertThat(vcenter.calls).noneMatch(c -> c.startsWith("findVmByInstanceUuid"));

        // A restarted operator knows nothing of how the VM came to be: it looks before letting go.
        vcenter.calls.clear();
        assertThat(deleteUntilGone(newReconciler(vcenter), persisted)).isTrue();
        assertThat(vcenter.calls).anyMatch(c -> c.startsWith("findVmByInstanceUuid"));
    }

    private boolean deleteUntilGone(TestVMReconciler deleting, TestVM testVM) {
        DeleteControl control = deleting.cleanup(testVM, null);
        for (int i = 0; i < 5 && !control.isRemoveFinalizer(); i++) {
            vcenter.completeAll();
            control = deleting.cleanup(testVM, null);
        }
        return control.isRemoveFinalizer();
    }

    @Test
    void aDeletedTestVMIsForgottenEverywhere() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        String uid = testVM.getMetadata().getUid();
        startClone(testVM);
        vcenter.completeAll();
        reconciler.reconcile(testVM, null); // power-on in flight: a task and the VM followed
        assertThat(reconciler.memories().find(uid)).isPresent();
        assertThat(vcenter.followed).isNotEmpty();

        assertThat(deleteUntilGone(reconciler, testVM)).isTrue();
        assertThat(reconciler.memories().find(uid)).as("the TestVM's record").isEmpty();
        assertThat(reconciler.memories().size()).isZero();
        assertThat(vcenter.followed).as("nothing of it followed any more").isEmpty();
        assertThat(reconciler.taskSlotQueue().hasTicket(uid)).as("its place in the task line").isFalse();
    }

    @Test
    void vmDestroyedOutOfBandIsReported() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        startClone(testVM);
        vcenter.completeAll();
        reconciler.reconcile(testVM, null);
        vcenter.completeAll();
        reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.WaitingForIP);
        vcenter.vms.remove(MoRef.parse(testVM.getStatus().getVm().getMoRef()));
        reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.Failed);
        assertThat(Conditions.find(testVM.getStatus(), ConditionTypes.FAILED).orElseThrow().getReason()).isEqualTo("VMNotFound");
    }

    @Test
    void taskLimitReachedKeepsWhatThePassRecordedAndRetriesSoon() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        startClone(testVM);
        vcenter.completeAll();
        vcenter.refuseTasks = 1;

        // The clone is recorded, then starting the power-on task is refused by the task limit.
        UpdateControl<TestVM> control = reconciler.reconcile(testVM, null);

        assertThat(control.isPatchStatus()).isTrue();
        assertThat(control.getScheduleDelay()).contains(TestVMReconciler.CAPACITY_RETRY.toMillis());
        assertThat(testVM.getStatus().getVm().getMoRef()).isNotNull();
        String clonedAt = testVM.getStatus().getMilestones().getClonedAt();
        assertThat(clonedAt).isNotNull();
        var ready = Conditions.find(testVM.getStatus(), ConditionTypes.READY).orElseThrow();
        assertThat(ready.getReason()).isEqualTo("WaitingForCapacity");
        assertThat(ready.getMessage()).isEqualTo("waiting for a vCenter task slot: position 1 of 1, limit 8");
        assertThat(testVM.getStatus().getPhase()).isNotEqualTo(Phase.Failed);

        reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.PoweringOn);
        assertThat(testVM.getStatus().getMilestones().getClonedAt()).isEqualTo(clonedAt);
    }

    @Test
    void testVmsWaitingForATaskSlotAreServedInTheOrderTheyAsked() {
        vcenter.taskLimit = 1;
        TestVM a = named(testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked), "a");
        TestVM b = named(testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked), "b");
        TestVM c = named(testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked), "c");

        // Each TestVM's first pass only records its clone intent (write-ahead); the second asks for a slot.
        for (TestVM each : List.of(a, a, b, b, c, c)) {
            reconciler.reconcile(each, null);
        }
        assertThat(a.getStatus().getTaskRef()).isNotNull();
        assertThat(readyMessage(b)).isEqualTo("waiting for a vCenter task slot: position 1 of 1, limit 1");
        assertThat(readyMessage(c)).isEqualTo("waiting for a vCenter task slot: position 2 of 2, limit 1");

        vcenter.completeAll(); // a's clone ends: one slot free
        reconciler.reconcile(c, null);
        assertThat(c.getStatus().getTaskRef()).as("c may not pass b").isNull();
        assertThat(readyMessage(c)).isEqualTo("waiting for a vCenter task slot: position 2 of 2, limit 1");
        reconciler.reconcile(b, null);
        assertThat(b.getStatus().getPhase()).isEqualTo(Phase.Cloning);

        // a asked before c, so a's power-on goes before c's clone.
        reconciler.reconcile(a, null);
        assertThat(readyMessage(a)).isEqualTo("waiting for a vCenter task slot: position 1 of 2, limit 1");
        vcenter.completeAll();
        reconciler.reconcile(c, null);
        assertThat(c.getStatus().getTaskRef()).isNull();
        reconciler.reconcile(a, null);
        assertThat(a.getStatus().getPhase()).isEqualTo(Phase.PoweringOn);

        // c is deleted while waiting: it leaves the line and nothing is cloned for it.
        int clones = vcenter.clones.size();
        c.getMetadata().setDeletionTimestamp(Instant.now().toString());
        assertThat(reconciler.cleanup(c, null).isRemoveFinalizer()).isTrue();
        vcenter.completeAll();
        assertThat(vcenter.clones).hasSize(clones);
    }

    @Test
    void aTestVmThatFailsAfterItsTurnCameLeavesTheLineAndTheNextOneClones() {
        vcenter.taskLimit = 1;
        TestVM typo = named(testVM("Templates/typo", CloneTypeSpec.linked), "typo");
        TestVM noSnapshot = named(testVM("Templates/no-snapshot", CloneTypeSpec.linked), "no-snapshot");
        TestVM good = named(testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked), "good");

        startClone(typo);
        startClone(noSnapshot);
        assertThat(typo.getStatus().getPhase()).isEqualTo(Phase.Failed);
        assertThat(noSnapshot.getStatus().getPhase()).isEqualTo(Phase.Failed);
        assertThat(reconciler.taskSlotQueue().waiting()).as("failed TestVMs hold no place in line").isZero();

        startClone(good);
        assertThat(good.getStatus().getTaskRef()).as("the one slot is free: the valid TestVM clones at once").isNotNull();
        reconciler.reconcile(typo, null);
        assertThat(reconciler.taskSlotQueue().waiting()).as("a failed TestVM's later passes do not queue it").isZero();
    }

    @Test
    void anUnexpectedExceptionEndsAsAConditionAndDoesNotHoldTheFinalizerOutsideTheOperatorsRetry() {
        TestVMReconciler broken = newReconciler(VCenterRegistry.of("DC0", () -> {
            throw new IllegalStateException("a bug");
        }));
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);

        UpdateControl<TestVM> control = broken.reconcile(testVM, null);

        assertThat(control.isPatchStatus()).isTrue();
        var ready = Conditions.find(testVM.getStatus(), ConditionTypes.READY).orElseThrow();
        assertThat(ready.getReason()).isEqualTo("ReconcileError");
        assertThat(ready.getMessage()).contains("IllegalStateException");
        assertThat(control.getScheduleDelay()).contains(1000L);

        testVM.getMetadata().setDeletionTimestamp(Instant.now().toString());
        DeleteControl deletion = broken.cleanup(testVM, null);
        assertThat(deletion.isRemoveFinalizer()).as("no VM can be ruled out, so the finalizer stays").isFalse();
        assertThat(deletion.getScheduleDelay()).as("retried by the operator itself").isPresent();

        var errorStatus = broken.updateErrorStatus(testVM, null, new java.io.IOException("status patch failed"));
        assertThat(errorStatus.getResource()).isPresent();
        assertThat(Conditions.find(testVM.getStatus(), ConditionTypes.READY).orElseThrow().getMessage()).contains("IOException");
    }

    @Test
    void aControlCharacterInAnExtraConfigValueFailsNamingTheFieldBeforeAnyClone() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        testVM.getSpec().setExtraConfig(java.util.Map.of("guestinfo.token", "ab\u0001cd"));
        startClone(testVM);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.Failed);
        var failed = Conditions.find(testVM.getStatus(), ConditionTypes.FAILED).orElseThrow();
        assertThat(failed.getReason()).isEqualTo("InvalidSpec");
        assertThat(failed.getMessage()).startsWith("spec.extraConfig['guestinfo.token']").doesNotContain("ab\u0001cd");
        assertThat(vcenter.clones).isEmpty();
    }

    private static TestVM named(TestVM testVM, String name) {
        testVM.getMetadata().setName(name);
        return testVM;
    }

    private static String readyMessage(TestVM testVM) {
        return Conditions.find(testVM.getStatus(), ConditionTypes.READY).orElseThrow().getMessage();
    }

    @Test
    void vmPoweredOnBeforeItsTaskReportsDoneIsNotedAtOnce() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        startClone(testVM);
        vcenter.completeAll();
        reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.PoweringOn);
        MoRef powerOnTask = MoRef.parse(testVM.getStatus().getTaskRef());

        // The VM's power state changed; the task still says running.
        vcenter.vmByUuid(testVM.getMetadata().getUid()).power = PowerState.POWERED_ON;
        reconciler.reconcile(testVM, null);

        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.WaitingForIP);
        assertThat(testVM.getStatus().getTaskRef()).isNull();
        assertThat(testVM.getStatus().getMilestones().getPoweredOnAt()).isNotNull();
        assertThat(vcenter.runningTasks()).containsExactly(powerOnTask);
    }

    @Test
    void ipDiscoveryTimeoutSaysWhatTheLastAttemptSaw() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        dev.testvm.api.IpDiscoverySpec discovery = new dev.testvm.api.IpDiscoverySpec();
        discovery.setTimeout("1s");
        testVM.getSpec().setIpDiscovery(discovery);
        startClone(testVM);
        vcenter.completeAll();
        reconciler.reconcile(testVM, null);
        vcenter.completeAll();
        reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.WaitingForIP);

        testVM.getStatus().getMilestones().setPoweredOnAt(Instant.now().minusSeconds(5).toString());
        reconciler.reconcile(testVM, null);

        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.Failed);
        var failed = Conditions.find(testVM.getStatus(), ConditionTypes.FAILED).orElseThrow();
        assertThat(failed.getReason()).isEqualTo("IPDiscoveryTimeout");
        assertThat(failed.getMessage()).isEqualTo("spec.ipDiscovery.timeout: no IP found within 1s of power-on (last: no IP yet)");
    }

    static final String CLUSTER = "unit-test-cluster";

    /** The test configuration with a configured cluster name: there is no API server to read kube-system from. */
    public static OperatorConfig config() {
        OperatorConfig base = new TestOperatorConfig(URI.create("https://127.0.0.1/sdk"), "DC0", Duration.ofSeconds(30));
        return new OperatorConfig() {
            public VCenter vcenter() { return base.vcenter(); }
            public Optional<String> clusterId() { return Optional.of(CLUSTER); }
            public Discovery discovery() { return base.discovery(); }
            public Sweeper sweeper() { return base.sweeper(); }
            public VCenters vcenters() { return base.vcenters(); }
        };
    }

    @Test
    void theClonedVmCarriesTheTestVmUidAndThisClustersName() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        startClone(testVM);
        assertThat(vcenter.clones).singleElement().satisfies(request -> assertThat(request.extraConfig())
                .containsEntry("testvm.dev/uid", testVM.getMetadata().getUid())
                .containsEntry(ClusterIdentity.KEY, CLUSTER));
    }

    @Test
    void operatorDeadBeforeItRecordedTheTaskWaitsForThatCloneInsteadOfCloningAgain() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.full);
        reconciler.reconcile(testVM, null);
        TestVM persisted = asPersisted(testVM); // the intent landed ...
        reconciler.reconcile(testVM, null); // ... the clone started, and the operator died before the taskRef patch
        assertThat(vcenter.clones).hasSize(1);
        assertThat(persisted.getStatus().getTaskRef()).isNull();

        TestVMReconciler restarted = newReconciler(vcenter);
        UpdateControl<TestVM> control = restarted.reconcile(persisted, null);
        assertThat(vcenter.clones).as("no second clone while the first runs").hasSize(1);
        assertThat(control.getScheduleDelay()).isPresent();
        assertThat(Conditions.find(persisted.getStatus(), ConditionTypes.CLONED).orElseThrow().getMessage())
                .contains("waiting for clone task");

        vcenter.completeAll();
        restarted.reconcile(persisted, null);
        assertThat(vcenter.clones).hasSize(1);
        assertThat(persisted.getStatus().getVm().getInstanceUUID()).isEqualTo(testVM.getMetadata().getUid());
        assertThat(persisted.getStatus().getPhase()).isEqualTo(Phase.PoweringOn);
    }

    /**
     * After a restart two TestVMs wait for the same clone of their template (either may be its
     * owner). No timer runs in this test: only the task's change event can wake them.
     */
    @Test
    void twoTestVMsWaitingForOneCloneAreBothWokenByItsEnd() {
        TestVM first = testVM("Templates/ubuntu-22.04", CloneTypeSpec.full);
        reconciler.reconcile(first, null);
        TestVM firstPersisted = asPersisted(first);
        reconciler.reconcile(first, null); // the clone started; the operator died before the taskRef patch
        TestVM second = testVM("Templates/ubuntu-22.04", CloneTypeSpec.full);
        second.getMetadata().setName("build-43");
        reconciler.reconcile(second, null); // only its intent landed
        MoRef clone = vcenter.runningTasks().get(0);

        TestVMReconciler restarted = newReconciler(vcenter);
        List<io.javaoperatorsdk.operator.processing.event.ResourceID> woken = new java.util.concurrent.CopyOnWriteArrayList<>();
        VSphereEventSource events = (VSphereEventSource) restarted.prepareEventSources(null).get(0);
        events.setEventHandler(event -> woken.add(event.getRelatedCustomResourceID()));
        events.start();
        restarted.reconcile(firstPersisted, null);
        restarted.reconcile(second, null);
        assertThat(vcenter.clones).as("both wait for the running clone").hasSize(1);
        assertThat(woken).isEmpty();

        vcenter.complete(clone);
        vcenter.report(new dev.testvm.vsphere.PropertyChange(clone, java.util.Set.of("info.state"), false));

        assertThat(woken).containsExactlyInAnyOrder(
                io.javaoperatorsdk.operator.processing.event.ResourceID.fromResource(firstPersisted),
                io.javaoperatorsdk.operator.processing.event.ResourceID.fromResource(second));
    }

    @Test
    void intentWithoutARunningCloneOrVmClonesOnce() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        reconciler.reconcile(testVM, null); // intent landed; the operator died before calling vCenter

        TestVMReconciler restarted = newReconciler(vcenter);
        restarted.reconcile(testVM, null);
        assertThat(vcenter.calls).contains("activeCloneTasks " + vcenter.inventory.get("DC0/vm/Templates/ubuntu-22.04").value());
        assertThat(vcenter.clones).hasSize(1);
        assertThat(testVM.getStatus().getTaskRef()).isNotNull();
    }

    @Test
    void cloneCallWithALostAnswerIsNotRepeatedBlindly() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        vcenter.loseNextCloneAnswer = true;
        startClone(testVM);
        var ready = Conditions.find(testVM.getStatus(), ConditionTypes.READY).orElseThrow();
        assertThat(ready.getReason()).isEqualTo("VCenterUnreachable");
        assertThat(testVM.getStatus().getTaskRef()).isNull();

        reconciler.reconcile(testVM, null);
        assertThat(vcenter.clones).as("the clone vCenter did start is waited for").hasSize(1);
        vcenter.completeAll();
        reconciler.reconcile(testVM, null);
        assertThat(vcenter.clones).hasSize(1);
        assertThat(testVM.getStatus().getVm().getMoRef()).isNotNull();
    }

    @Test
    void cloneRefusedForCapacityIsStartedOnTheNextPassWithoutALookup() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        vcenter.refuseTasks = 1;
        startClone(testVM);
        assertThat(vcenter.clones).isEmpty();
        reconciler.reconcile(testVM, null);
        assertThat(vcenter.clones).hasSize(1);
        assertThat(vcenter.calls).noneMatch(c -> c.startsWith("activeCloneTasks"));
    }

    @Test
    void deletionOfATestVmWhoseCloneWasNotRecordedWaitsForTheCloneThenDestroysIt() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        reconciler.reconcile(testVM, null);
        TestVM persisted = asPersisted(testVM);
        reconciler.reconcile(testVM, null); // clone started, taskRef never persisted

        TestVMReconciler restarted = newReconciler(vcenter);
        DeleteControl control = restarted.cleanup(persisted, null);
        assertThat(control.isRemoveFinalizer()).as("the clone in flight would leak").isFalse();

        vcenter.completeAll(); // the clone ends: its VM now exists
        control = restarted.cleanup(persisted, null);
        assertThat(control.isRemoveFinalizer()).isFalse();
        vcenter.completeAll(); // destroy
        control = restarted.cleanup(persisted, null);
        assertThat(control.isRemoveFinalizer()).isTrue();
        assertThat(vcenter.vmByUuid(testVM.getMetadata().getUid())).isNull();
    }

    @Test
    void aPassHandedAResourceOlderThanItsLastPatchNeitherClonesNorPowersOnAgain() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        TestVM noStatus = asPersisted(testVM);
        reconciler.reconcile(testVM, null);
        TestVM intentOnly = asPersisted(testVM);
        reconciler.reconcile(testVM, null);
        assertThat(vcenter.clones).hasSize(1);

        // The informer still holds versions from before the clone started.
        reconciler.reconcile(noStatus, null);
        reconciler.reconcile(asPersisted(noStatus), null);
        reconciler.reconcile(intentOnly, null);
        assertThat(vcenter.clones).as("clones").hasSize(1);
        assertThat(intentOnly.getStatus().getTaskRef()).isEqualTo(testVM.getStatus().getTaskRef());

        vcenter.completeAll();
        reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.PoweringOn);
        TestVM clonedNotPoweringOn = asPersisted(testVM);
        clonedNotPoweringOn.getStatus().setTaskRef(null);
        clonedNotPoweringOn.getStatus().setPhase(Phase.Cloning);
        reconciler.reconcile(clonedNotPoweringOn, null);
        assertThat(vcenter.calls.stream().filter(c -> c.startsWith("startPowerOn"))).as("power-on tasks").hasSize(1);
        assertThat(vcenter.clones).hasSize(1);
    }

    /**
     * While vCenter cannot be reached, each pass comes back after twice the pause of the one before,
     * up to a minute: what keeps an outage from becoming a hot loop. (VCenterFaultsEndToEndTest
     * prints how many requests an outage then costs; that figure is a measurement, not a bound.)
     */
    @Test
    void unreachableVCenterIsRetriedWithADoublingPause() {
        TestVM testVM = testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        reconciler.reconcile(testVM, null); // records the clone intent
        vcenter.down = true;
        List<Long> pauses = new java.util.ArrayList<>();
        for (int pass = 0; pass < 8; pass++) {
            pauses.add(reconciler.reconcile(testVM, null).getScheduleDelay().orElseThrow());
            assertThat(Conditions.find(testVM.getStatus(), ConditionTypes.READY).orElseThrow().getReason()).isEqualTo("VCenterUnreachable");
        }
        assertThat(pauses).containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 60000L, 60000L);
        assertThat(vcenter.clones).as("no clone while vCenter is away").isEmpty();

        vcenter.down = false;
        reconciler.reconcile(testVM, null);
        assertThat(vcenter.clones).as("the clone starts once vCenter is back").hasSize(1);
    }
}
