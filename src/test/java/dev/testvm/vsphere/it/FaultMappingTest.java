package dev.testvm.vsphere.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.vsphere.fault.FaultKind;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.fault.DuplicateNameException;
import dev.testvm.vsphere.fault.FileNotFoundException;
import dev.testvm.vsphere.fault.GuestOperationsUnavailableException;
import dev.testvm.vsphere.fault.GuestPermissionDeniedException;
import dev.testvm.vsphere.fault.InvalidGuestLoginException;
import dev.testvm.vsphere.fault.InvalidLoginException;
import dev.testvm.vsphere.fault.InvalidPowerStateException;
import dev.testvm.vsphere.fault.InvalidStateException;
import dev.testvm.vsphere.fault.ManagedObjectNotFoundException;
import dev.testvm.vsphere.fault.TaskInProgressException;
import dev.testvm.vsphere.vim.VimVCenter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every mapped fault type, as a SOAP fault and as a task error, injected through the simulator's
 * control API (the natural ways to provoke them are covered in the other tests).
 */
class FaultMappingTest {

    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().shared();

    static VimVCenter vc;

    @BeforeAll
    static void connect() {
        vc = VimVCenter.open(SIM.simulator().connectionSettings(), VimVCenter.Tuning.DEFAULT);
    }

    @AfterAll
    static void close() {
        vc.close();
    }

    @AfterEach
    void clearFaults() {
        SIM.simulator().clearFaults();
    }

    static final Map<String, Class<? extends VimFaultException>> MAPPED = Map.ofEntries(
            Map.entry("InvalidLogin", InvalidLoginException.class),
            Map.entry("ManagedObjectNotFound", ManagedObjectNotFoundException.class),
            Map.entry("InvalidPowerState", InvalidPowerStateException.class),
            Map.entry("InvalidState", InvalidStateException.class),
            Map.entry("GuestOperationsUnavailable", GuestOperationsUnavailableException.class),
            Map.entry("InvalidGuestLogin", InvalidGuestLoginException.class),
            Map.entry("GuestPermissionDenied", GuestPermissionDeniedException.class),
            Map.entry("FileNotFound", FileNotFoundException.class),
            Map.entry("TaskInProgress", TaskInProgressException.class),
            Map.entry("DuplicateName", DuplicateNameException.class));

    @Test
    void soapFaultsArriveAsTypedExceptionsWithTheirType() {
        for (var entry : MAPPED.entrySet()) {
            SIM.simulator().addFault("FindByInventoryPath", entry.getKey(), null, 0, 1);
            assertThatThrownBy(() -> vc.findByInventoryPath(LifecycleTest.VPX_VM))
                    .as(entry.getKey())
                    .isInstanceOf(entry.getValue())
                    .satisfies(e -> assertThat(((VimFaultException) e).faultType()).isEqualTo(entry.getKey()))
                    .satisfies(e -> assertThat(((VimFaultException) e).faultMessage()).isEqualTo("fault injected by the testvm simulator"));
        }
        assertThat(vc.findByInventoryPath(LifecycleTest.VPX_VM)).as("count=1 rules are used up").isPresent();
    }

    @Test
    void injectedNotAuthenticatedIsHealedByOneReLogin() {
        long logins = vc.requestStats().count("Login");
        SIM.simulator().addFault("FindByInventoryPath", "NotAuthenticated", null, 0, 1);
        assertThat(vc.findByInventoryPath(LifecycleTest.VPX_VM)).isPresent();
        assertThat(vc.requestStats().count("Login")).isEqualTo(logins + 1);
    }

    @Test
    void notAuthenticatedTwiceInARowIsReported() {
        SIM.simulator().addFault("FindByInventoryPath", "NotAuthenticated", null, 0, 2);
        assertThatThrownBy(() -> vc.findByInventoryPath(LifecycleTest.VPX_VM))
                .isInstanceOf(dev.testvm.vsphere.fault.NotAuthenticatedException.class);
    }

    @Test
    void taskErrorsArriveAsTypedExceptions() {
        MoRef vm = vc.findByInventoryPath(LifecycleTest.VPX_VM).orElseThrow();
        for (String type : List.of("TaskInProgress", "InvalidState", "DuplicateName")) {
            SIM.simulator().addFault("PowerOffVM_Task", null, type, 0, 1);
            TaskInfo info = Tasks.await(vc, vc.startPowerOff(vm));
            assertThat(info.state()).isEqualTo(TaskInfo.State.ERROR);
            assertThat(info.error()).as(type).isInstanceOf(MAPPED.get(type));
            assertThat(info.error().faultMessage()).isNotBlank();
        }
    }

    @Test
    void powerOnOfATemplateIsInvalidState() {
        MoRef template = vc.findByInventoryPath(LifecycleTest.UBUNTU).orElseThrow();
        Throwable thrown = null;
        TaskInfo info = null;
        try {
            info = Tasks.await(vc, vc.startPowerOn(template));
        } catch (VimFaultException e) {
            thrown = e;
        }
        Throwable fault = thrown != null ? thrown : info.error();
        assertThat(fault).isInstanceOf(InvalidStateException.class);
    }

    /**
     * Each row of docs/reliability.md's vCenter fault table, answered by the simulator to a real
     * call: the client reports the fault type, and its kind is the table's. (NotAuthenticated twice,
     * as once is healed by a re-login.)
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("dev.testvm.vsphere.it.FaultMappingTest#tableRows")
    void everyFaultOfTheTableArrivesWithItsKind(String type) {
        SIM.simulator().addFault("FindByInventoryPath", type, null, 0, type.equals("NotAuthenticated") ? 2 : 1);
        assertThatThrownBy(() -> vc.findByInventoryPath(LifecycleTest.VPX_VM))
                .isInstanceOf(VimFaultException.class)
                .satisfies(e -> assertThat(((VimFaultException) e).faultType()).isEqualTo(type))
                .satisfies(e -> assertThat(FaultKind.of((VimFaultException) e)).isEqualTo(FaultKind.KNOWN.get(type)));
    }

    static java.util.stream.Stream<String> tableRows() {
        return FaultKind.KNOWN.keySet().stream().sorted();
    }
}
