package dev.testvm.reconciler;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;
import dev.testvm.reconciler.status.Conditions;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.testsupport.FakeVCenter;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VCenterUnreachableException;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.fault.FaultKind;
import dev.testvm.vsphere.soap.FaultMapper;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One case per row of docs/reliability.md's vCenter fault table ({@link FaultKind#KNOWN}, plus an
 * unmapped fault and an unreachable vCenter), answered to the clone call itself and as the clone
 * task's error: transient faults never fail the TestVM and end with exactly one VM; faults naming
 * the request fail it at once.
 */
class CloneFaultsTest {

    private FakeVCenter vcenter;
    private TestVMReconciler reconciler;

    @BeforeEach
    void setUp() {
        vcenter = new FakeVCenter();
        vcenter.addTemplate("DC0/vm/Templates/ubuntu-22.04", true);
        reconciler = TestVMReconcilerTest.newReconciler(vcenter);
    }

    static Stream<Arguments> faults() {
        Stream<Arguments> table = FaultKind.KNOWN.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .map(e -> Arguments.of(e.getKey(), e.getValue()));
        return Stream.concat(table, Stream.of(Arguments.of("InsufficientResourcesFault", FaultKind.OTHER),
                Arguments.of("HTTP 503", FaultKind.TRANSIENT)));
    }

    private static RuntimeException fault(String type) {
        return type.equals("HTTP 503") ? new VCenterUnreachableException("vCenter answered HTTP 503", null)
                : FaultMapper.exception(type, "injected " + type);
    }

    @ParameterizedTest(name = "{0} on CloneVM_Task: {1}")
    @MethodSource("faults")
    void aFaultAnsweredToTheCloneCallFailsTheTestVmOnlyWhenItNamesTheRequest(String type, FaultKind kind) {
        TestVM testVM = TestVMReconcilerTest.testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        vcenter.cloneCallFaults.add(fault(type));

        reconciler.reconcile(testVM, null); // records the intent
        reconciler.reconcile(testVM, null); // the clone call, answered with the fault

        if (kind == FaultKind.REQUEST) {
            assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.Failed);
            assertThat(reason(testVM, ConditionTypes.FAILED)).isEqualTo(Reasons.CLONE_FAILED);
            assertThat(message(testVM, ConditionTypes.FAILED)).contains(type);
            return;
        }
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.Cloning);
        assertThat(reason(testVM, ConditionTypes.READY)).isIn(Reasons.VCENTER_ERROR, Reasons.VCENTER_UNREACHABLE);
        assertThat(message(testVM, ConditionTypes.READY)).contains(type.equals("HTTP 503") ? "503" : type);
        endsWithOneVm(testVM);
    }

    @ParameterizedTest(name = "clone task ending in {0}: {1}")
    @MethodSource("faults")
    void aCloneTaskEndingInATransientFaultIsClonedAgainAndOthersFailTheTestVm(String type, FaultKind kind) {
        if (type.equals("HTTP 503")) {
            return; // not a task error
        }
        TestVM testVM = TestVMReconcilerTest.testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        reconciler.reconcile(testVM, null);
        reconciler.reconcile(testVM, null);
        vcenter.fail(MoRef.parse(testVM.getStatus().getTaskRef()), type, "injected " + type);

        reconciler.reconcile(testVM, null);

        if (kind != FaultKind.TRANSIENT) {
            assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.Failed);
            assertThat(reason(testVM, ConditionTypes.FAILED)).isEqualTo(Reasons.CLONE_FAILED);
            assertThat(vcenter.clones).hasSize(1);
            return;
        }
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.Cloning);
        assertThat(message(testVM, ConditionTypes.READY)).contains(type).contains("cloning again");
        endsWithOneVm(testVM);
        assertThat(vcenter.clones).as("the failed task made no VM, so one more clone").hasSize(2);
    }

    /** Later passes clone (once), finish the clone and power on: exactly one VM for the TestVM. */
    private void endsWithOneVm(TestVM testVM) {
        for (int i = 0; i < 6 && testVM.getStatus().getPhase() != Phase.WaitingForIP; i++) {
            reconciler.reconcile(testVM, null);
            vcenter.completeAll();
        }
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.WaitingForIP);
        assertThat(vcenter.vms.values().stream().filter(v -> testVM.getMetadata().getUid().equals(v.instanceUuid))).hasSize(1);
    }

    private static String reason(TestVM testVM, String type) {
        return Conditions.find(testVM.getStatus(), type).orElseThrow().getReason();
    }

    private static String message(TestVM testVM, String type) {
        return Conditions.find(testVM.getStatus(), type).orElseThrow().getMessage();
    }
}
