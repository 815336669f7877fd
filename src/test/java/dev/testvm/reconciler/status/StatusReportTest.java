package dev.testvm.reconciler.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.testvm.reconciler.TestVMReconcilerTest;
import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Phase;
import dev.testvm.api.ReadinessSpec;
import dev.testvm.api.TestVM;
import dev.testvm.api.VmStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The phase follows from what status holds, whichever step reported it. */
class StatusReportTest {

    private final TestVM testVM = TestVMReconcilerTest.testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
    private final StatusReport report = new StatusReport(testVM, Instant.parse("2026-12-02T10:00:00Z"));

    @Test
    void aTestVMGoesFromPendingToReadyAsItsFactsArrive() {
        assertThat(StatusReport.phaseOf(testVM)).isEqualTo(Phase.Pending);
        Milestone.of(testVM.getStatus()).setCloneStartedAt("2026-12-02T10:00:00Z");
        assertThat(StatusReport.phaseOf(testVM)).isEqualTo(Phase.Cloning);
        VmStatus vm = new VmStatus();
        vm.setMoRef("VirtualMachine:vm-42");
        testVM.getStatus().setVm(vm);
        assertThat(StatusReport.phaseOf(testVM)).as("cloned, power-on not started yet").isEqualTo(Phase.Cloning);
        testVM.getStatus().setTaskRef("Task:task-7");
        assertThat(StatusReport.phaseOf(testVM)).isEqualTo(Phase.PoweringOn);
        testVM.getStatus().setTaskRef(null);
        report.condition(ConditionTypes.POWERED_ON, true, "PoweredOn", "VM is powered on");
        assertThat(StatusReport.phaseOf(testVM)).isEqualTo(Phase.WaitingForIP);
        testVM.getStatus().setIp("10.0.0.5");
        report.condition(ConditionTypes.IP_ASSIGNED, true, Reasons.IP_FOUND, "IP 10.0.0.5");
        report.ready(Reasons.IP_FOUND, "IP 10.0.0.5");
        report.finish();
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.Ready);
    }

    @Test
    void aReadyTestVMWithATransientProblemStaysReadyAndSaysWhy() {
        testVM.getStatus().setIp("10.0.0.5");
        report.condition(ConditionTypes.IP_ASSIGNED, true, Reasons.IP_FOUND, "IP 10.0.0.5");
        report.notReady(Reasons.VCENTER_UNREACHABLE, "vCenter unreachable");
        assertThat(StatusReport.phaseOf(testVM)).isEqualTo(Phase.Ready);
    }

    @Test
    void anAddressWithReadinessChecksLeftWaitsForTheGuest() {
        ReadinessSpec readiness = new ReadinessSpec();
        readiness.setTcpPort(22);
        testVM.getSpec().setReadiness(readiness);
        testVM.getStatus().setIp("10.0.0.5");
        report.condition(ConditionTypes.IP_ASSIGNED, true, Reasons.IP_FOUND, "IP 10.0.0.5");
        assertThat(StatusReport.phaseOf(testVM)).isEqualTo(Phase.WaitingForGuest);
    }

    @Test
    void failedWinsAndDropsTheTaskInFlight() {
        testVM.getStatus().setTaskRef("Task:task-7");
        report.failed(Reasons.CLONE_FAILED, "clone task task-7 failed");
        assertThat(StatusReport.phaseOf(testVM)).isEqualTo(Phase.Failed);
        assertThat(testVM.getStatus().getTaskRef()).isNull();
        assertThat(Conditions.isTrue(testVM.getStatus(), ConditionTypes.READY)).isFalse();
    }

    @Test
    void readyAndFailedAreOnlyDerived() {
        assertThatThrownBy(() -> report.condition(ConditionTypes.READY, true, "x", "y")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> report.condition(ConditionTypes.FAILED, true, "x", "y")).isInstanceOf(IllegalArgumentException.class);
    }
}
