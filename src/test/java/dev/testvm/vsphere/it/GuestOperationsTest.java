package dev.testvm.vsphere.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.GuestProcess;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.fault.FileNotFoundException;
import dev.testvm.vsphere.fault.GuestFileTooLargeException;
import dev.testvm.vsphere.fault.GuestOperationsUnavailableException;
import dev.testvm.vsphere.fault.InvalidGuestLoginException;
import dev.testvm.vsphere.fault.InvalidPowerStateException;
import dev.testvm.vsphere.vim.VimVCenter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guest operations: run a command, wait for it, fetch and delete its output; and the guest faults. */
class GuestOperationsTest {

    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().shared();

    static final GuestCredentials GUEST = new GuestCredentials(Simulator.GUEST_USER, Simulator.GUEST_PASSWORD);

    static VimVCenter vc;

    @BeforeAll
    static void connect() {
        vc = VimVCenter.open(SIM.simulator().connectionSettings(), VimVCenter.Tuning.DEFAULT);
    }

    @AfterAll
    static void close() {
        vc.close();
    }

    private static GuestProcess awaitExit(MoRef vm, long pid) {
        AtomicReference<GuestProcess> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<GuestProcess> ps = vc.listProcessesInGuest(vm, GUEST, List.of(pid));
            last.set(ps.isEmpty() ? null : ps.get(0));
            return last.get() != null && last.get().finished();
        });
        return last.get();
    }

    @Test
    void linuxCommandOutputRoundTrip() {
        // Tools come up 250 simulated seconds (5 s at time-scale 0.02) after power-on
        MoRef vm = GuestVms.start(vc, LifecycleTest.UBUNTU, Map.of("testvm.sim.toolsSeconds", "250", "testvm.sim.ipSeconds", "251"));
        try {
            assertThatThrownBy(() -> vc.startProgramInGuest(vm, GUEST, "/bin/sh", "-c 'echo early'"))
                    .isInstanceOf(GuestOperationsUnavailableException.class);
            GuestVms.awaitGuestOperationsReady(vc, vm);

            String out = "/tmp/testvm-it.out";
            long pid = vc.startProgramInGuest(vm, GUEST, "/bin/sh", "-c '(echo hello from the guest) > " + out + " 2>&1'");
            assertThat(pid).isPositive();
            GuestProcess done = awaitExit(vm, pid);
            assertThat(done.exitCode()).isZero();
            assertThat(new String(vc.downloadFileFromGuest(vm, GUEST, out), StandardCharsets.UTF_8)).contains("hello from the guest");

            vc.deleteFileInGuest(vm, GUEST, out);
            assertThatThrownBy(() -> vc.downloadFileFromGuest(vm, GUEST, out)).isInstanceOf(FileNotFoundException.class);
            assertThatThrownBy(() -> vc.deleteFileInGuest(vm, GUEST, out)).isInstanceOf(FileNotFoundException.class);

            long failing = vc.startProgramInGuest(vm, GUEST, "/bin/sh", "-c 'exit 3'");
            assertThat(awaitExit(vm, failing).exitCode()).isEqualTo(3);
            assertThat(vc.listProcessesInGuest(vm, GUEST, List.of())).extracting(GuestProcess::pid).contains(pid, failing);
        } finally {
            GuestVms.destroy(vc, vm);
        }
    }

    @Test
    void windowsCommandOutputRoundTrip() {
        MoRef vm = GuestVms.start(vc, "DC0/vm/Templates/windows-2016", Map.of());
        try {
            GuestVms.awaitGuestOperationsReady(vc, vm);
            String out = "C:\\Windows\\TEMP\\testvm-it.out";
            long pid = vc.startProgramInGuest(vm, GUEST, "C:\\Windows\\System32\\cmd.exe", "/c \"ipconfig > " + out + " 2>&1\"");
            assertThat(awaitExit(vm, pid).exitCode()).isZero();
            assertThat(vc.downloadFileFromGuest(vm, GUEST, out)).isNotEmpty();
            vc.deleteFileInGuest(vm, GUEST, out);
        } finally {
            GuestVms.destroy(vc, vm);
        }
    }

    @Test
    void wrongGuestPasswordIsInvalidGuestLogin() {
        MoRef vm = GuestVms.start(vc, LifecycleTest.UBUNTU, Map.of());
        try {
            GuestVms.awaitGuestOperationsReady(vc, vm);
            GuestCredentials wrong = new GuestCredentials(Simulator.GUEST_USER, "wrong-guest-pw");
            assertThatThrownBy(() -> vc.startProgramInGuest(vm, wrong, "/bin/sh", "-c true"))
                    .isInstanceOf(InvalidGuestLoginException.class)
                    .hasMessageNotContaining("wrong-guest-pw");
            assertThatThrownBy(() -> vc.listProcessesInGuest(vm, wrong, List.of())).isInstanceOf(InvalidGuestLoginException.class);
            assertThatThrownBy(() -> vc.downloadFileFromGuest(vm, wrong, "/etc/hostname")).isInstanceOf(InvalidGuestLoginException.class);
        } finally {
            GuestVms.destroy(vc, vm);
        }
    }

    @Test
    void poweredOffVmIsInvalidPowerState() {
        MoRef vm = GuestVms.start(vc, LifecycleTest.UBUNTU, Map.of());
        try {
            Tasks.awaitSuccess(vc, vc.startPowerOff(vm));
            assertThatThrownBy(() -> vc.startProgramInGuest(vm, GUEST, "/bin/sh", "-c true"))
                    .isInstanceOf(InvalidPowerStateException.class);
        } finally {
            Tasks.await(vc, vc.startDestroy(vm));
        }
    }

    @Test
    void missingProgramOrFileIsFileNotFound() {
        MoRef vm = GuestVms.start(vc, LifecycleTest.UBUNTU, Map.of());
        try {
            GuestVms.awaitGuestOperationsReady(vc, vm);
            assertThatThrownBy(() -> vc.downloadFileFromGuest(vm, GUEST, "/tmp/never-written.out")).isInstanceOf(FileNotFoundException.class);
            assertThatThrownBy(() -> vc.startProgramInGuest(vm, GUEST, "/no/such/program", "")).isInstanceOf(FileNotFoundException.class);
        } finally {
            GuestVms.destroy(vc, vm);
        }
    }

    @Test
    void aGuestFileOverTheLimitIsRefusedAfterReadingOnlyTheLimit() {
        MoRef vm = GuestVms.start(vc, LifecycleTest.UBUNTU, Map.of());
        try {
            GuestVms.awaitGuestOperationsReady(vc, vm);
            String out = "/tmp/testvm-big.out";
            long pid = vc.startProgramInGuest(vm, GUEST, "/bin/sh",
                    "-c '(echo 10.99.9.9; yes aaaaaaaa | head -c 20000000) > " + out + " 2>&1'");
            assertThat(awaitExit(vm, pid).exitCode()).isZero();

            assertThatThrownBy(() -> vc.downloadFileFromGuest(vm, GUEST, out))
                    .isInstanceOf(GuestFileTooLargeException.class)
                    .hasMessageContaining("larger than 512 KiB")
                    .satisfies(e -> assertThat(((GuestFileTooLargeException) e).limit()).isEqualTo(VCenter.GUEST_FILE_MAX_BYTES));

            String small = "/tmp/testvm-at-limit.out";
            long exact = vc.startProgramInGuest(vm, GUEST, "/bin/sh",
                    "-c 'head -c " + VCenter.GUEST_FILE_MAX_BYTES + " /dev/zero > " + small + "'");
            assertThat(awaitExit(vm, exact).exitCode()).isZero();
            assertThat(vc.downloadFileFromGuest(vm, GUEST, small)).hasSize(VCenter.GUEST_FILE_MAX_BYTES);
        } finally {
            GuestVms.destroy(vc, vm);
        }
    }

    @Test
    void aProgramThatNeverExitsIsTerminated() {
        MoRef vm = GuestVms.start(vc, LifecycleTest.UBUNTU, Map.of());
        try {
            GuestVms.awaitGuestOperationsReady(vc, vm);
            long pid = vc.startProgramInGuest(vm, GUEST, "/bin/sh", "-c 'sleep 100000'");
            assertThat(vc.listProcessesInGuest(vm, GUEST, List.of(pid))).singleElement().satisfies(p -> assertThat(p.finished()).isFalse());

            vc.terminateProcessInGuest(vm, GUEST, pid);

            assertThat(awaitExit(vm, pid).finished()).isTrue();
        } finally {
            GuestVms.destroy(vc, vm);
        }
    }
}
