package dev.testvm.discovery;

import dev.testvm.api.IpFamily;
import dev.testvm.vsphere.soap.FaultMapper;
import dev.testvm.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.testvm.discovery.DiscoveryOutcome.CommandFailed;
import dev.testvm.discovery.DiscoveryOutcome.CredentialsRejected;
import dev.testvm.discovery.DiscoveryOutcome.Found;
import dev.testvm.discovery.DiscoveryOutcome.GuestOperationsError;
import dev.testvm.discovery.DiscoveryOutcome.NotYet;
import dev.testvm.testsupport.FakeVCenter;
import dev.testvm.testsupport.FakeVCenter.Run;
import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.VCenterUnreachableException;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.VmInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GuestOpsDiscoveryTest {

    private final FakeVCenter vcenter = FakeVCenter.guestOnly();
    private final MutableClock clock = new MutableClock();
    private final AtomicInteger ids = new AtomicInteger();
    private final GuestOpsDiscovery discovery = new GuestOpsDiscovery(new GuestProgramRunner(
            DiscoverySettings.defaults(), clock, () -> "t" + ids.incrementAndGet()));
    private final IpFilter ipv4 = IpFilter.of(IpFamily.IPv4);

    private GuestTarget target(VmInfo info, GuestCredentials credentials, String version) {
        return new GuestTarget("uid-42", vcenter, Vms.VM, info, credentials, version);
    }

    private DiscoveryOutcome linuxStep() {
        return discovery.step(target(Vms.linuxBooted(), Vms.GOOD, "1"), GuestOs.LINUX, null, ipv4);
    }

    private static Duration delay(DiscoveryOutcome outcome) {
        assertThat(outcome).isInstanceOf(NotYet.class);
        return ((NotYet) outcome).retryAfter();
    }

    @Test
    void finds_the_address_in_the_linux_command_output_and_cleans_up() {
        vcenter.then(Run.printing(IpScannerTest.LINUX_DEFAULT_OUTPUT));

        assertThat(delay(linuxStep())).isEqualTo(Duration.ofMillis(100));
        DiscoveryOutcome outcome = linuxStep();

        assertThat(outcome).isEqualTo(new Found("10.20.30.42", java.util.List.of("10.20.30.42", "2001:db8:20::42"),
                IpSource.GUEST_OPERATIONS));
        assertThat(vcenter.calls).containsExactly("start", "list", "download", "delete");
        assertThat(vcenter.started.get(0).program()).isEqualTo("/bin/sh");
        assertThat(vcenter.started.get(0).arguments())
                .isEqualTo("-c '(" + GuestCommands.LINUX_DISCOVERY + ") > /tmp/testvm-t1.out 2>&1'");
        assertThat(vcenter.deleted).containsExactly("/tmp/testvm-t1.out");
        assertThat(vcenter.files).isEmpty();
    }

    @Test
    void guest_operations_before_tools_back_off_250_500_500_500() {
        for (int i = 0; i < 4; i++) {
            vcenter.startFaults.add(FaultMapper.exception("GuestOperationsUnavailable",
                    "The guest operations agent could not be contacted."));
        }
        assertThat(delay(linuxStep())).isEqualTo(Duration.ofMillis(250));
        assertThat(delay(linuxStep())).isEqualTo(Duration.ofMillis(500));
        assertThat(delay(linuxStep())).isEqualTo(Duration.ofMillis(500));
        NotYet fourth = (NotYet) linuxStep();
        assertThat(fourth.retryAfter()).isEqualTo(Duration.ofMillis(500));
        assertThat(fourth.why()).contains("GuestOperationsUnavailable");

        vcenter.then(Run.printing("10.0.0.5\n"));
        assertThat(delay(linuxStep())).isEqualTo(Duration.ofMillis(100));
        assertThat(linuxStep()).isInstanceOf(Found.class);
    }

    @Test
    void boot_faults_invalid_power_state_and_file_not_found_are_not_yet() {
        vcenter.startFaults.add(FaultMapper.exception("InvalidPowerState", "The VM is powered off"));
        assertThat(linuxStep()).isInstanceOf(NotYet.class);

        vcenter.then(Run.printing("10.0.0.5"));
        linuxStep();
        vcenter.downloadFaults.add(FaultMapper.exception("FileNotFound", "not there yet"));
        assertThat(linuxStep()).isInstanceOf(NotYet.class);
        // The attempt was dropped: the next step starts a new program.
        vcenter.then(Run.printing("10.0.0.6"));
        linuxStep();
        assertThat(vcenter.started).hasSize(2);
        assertThat(linuxStep()).isEqualTo(new Found("10.0.0.6", java.util.List.of("10.0.0.6"), IpSource.GUEST_OPERATIONS));
    }

    @Test
    void nothing_is_called_while_tools_are_not_running() {
        DiscoveryOutcome outcome = discovery.step(target(Vms.poweredOnNoTools(), Vms.GOOD, "1"), GuestOs.LINUX, null, ipv4);
        assertThat(((NotYet) outcome).why()).contains("Tools");
        assertThat(vcenter.calls).isEmpty();
    }

    @Test
    void waiting_for_tools_does_not_use_up_the_retry_backoff() {
        // Twenty seconds of boot make many reconciles; the first real attempts must still follow quickly.
        for (int i = 0; i < 5; i++) {
            DiscoveryOutcome waiting = discovery.step(target(Vms.poweredOnNoTools(), Vms.GOOD, "1"), GuestOs.LINUX, null, ipv4);
            assertThat(delay(waiting)).as("Tools starting wakes the reconciler; this is the backstop").isEqualTo(Duration.ofSeconds(5));
        }
        vcenter.then(Run.printing("")).then(Run.printing("10.0.0.5"));
        linuxStep();
        NotYet empty = (NotYet) linuxStep();
        assertThat(empty.retryAfter()).as("no address yet: the next attempt is already started").isEqualTo(Duration.ofMillis(100));
        assertThat(empty.why()).contains("guest command output", "started");
        assertThat(linuxStep()).isInstanceOf(Found.class);
        assertThat(vcenter.calls).containsExactly("start", "list", "download", "delete", "start", "list", "download", "delete");
    }

    @Test
    void answers_without_an_address_restart_at_once_eight_times_then_back_off() {
        for (int i = 0; i <= GuestOpsDiscovery.BACK_TO_BACK_ATTEMPTS; i++) {
            vcenter.then(Run.printing("lo: 127.0.0.1\n"));
        }
        linuxStep();
        for (int i = 1; i <= GuestOpsDiscovery.BACK_TO_BACK_ATTEMPTS; i++) {
            assertThat(delay(linuxStep())).as("empty answer %d: next attempt started in the same step", i)
                    .isEqualTo(Duration.ofMillis(100));
            assertThat(vcenter.started).hasSize(i + 1);
        }
        assertThat(delay(linuxStep())).as("then the retry backoff spaces attempts").isEqualTo(Duration.ofMillis(250));
        assertThat(vcenter.started).hasSize(GuestOpsDiscovery.BACK_TO_BACK_ATTEMPTS + 1);
        assertThat(vcenter.files).isEmpty();

        vcenter.then(Run.printing("10.0.0.5"));
        linuxStep();
        assertThat(linuxStep()).isInstanceOf(Found.class);
    }

    @Test
    void a_running_process_is_polled_at_100_200_400_ms_then_every_500() {
        vcenter.then(Run.printing("10.0.0.5").runningFor(4));
        assertThat(delay(linuxStep())).isEqualTo(Duration.ofMillis(100));
        assertThat(delay(linuxStep())).isEqualTo(Duration.ofMillis(100));
        assertThat(delay(linuxStep())).isEqualTo(Duration.ofMillis(200));
        assertThat(delay(linuxStep())).isEqualTo(Duration.ofMillis(400));
        NotYet fourth = (NotYet) linuxStep();
        assertThat(fourth.retryAfter()).isEqualTo(Duration.ofMillis(500));
        assertThat(fourth.why()).contains("still running");
        assertThat(linuxStep()).isInstanceOf(Found.class);
        assertThat(vcenter.calls).containsExactly("start", "list", "list", "list", "list", "list", "download", "delete");
    }

    @Test
    void a_command_running_past_the_timeout_fails() {
        vcenter.then(Run.printing("10.0.0.5").runningFor(1000));
        linuxStep();
        linuxStep();
        clock.advance(Duration.ofSeconds(31));
        DiscoveryOutcome outcome = linuxStep();
        assertThat(outcome).isInstanceOf(CommandFailed.class);
        assertThat(((CommandFailed) outcome).exitCode()).isNull();
        assertThat(((CommandFailed) outcome).message()).contains("timed out");
        assertThat(vcenter.terminated).as("the process is stopped, not abandoned").containsExactly(4000L);
        assertThat(vcenter.deleted).as("and its output file deleted").containsExactly(vcenter.started.get(0).outputPath());
        assertThat(vcenter.running()).isZero();
    }

    @Test
    void a_command_that_never_exits_runs_at_most_once_at_a_time_and_leaves_nothing_behind() {
        for (int i = 0; i < 6; i++) {
            vcenter.then(Run.printing("").runningFor(1_000_000));
        }
        for (int i = 0; i < 60; i++) {
            linuxStep();
            assertThat(vcenter.running()).as("discovery processes in the guest").isLessThanOrEqualTo(1);
            clock.advance(Duration.ofSeconds(3));
        }
        assertThat(vcenter.started).hasSizeGreaterThanOrEqualTo(3);
        assertThat(vcenter.terminated).hasSize(vcenter.started.size() - (int) vcenter.running());
        assertThat(vcenter.files).as("output files left in the guest").hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void exit_code_3_is_a_failure_with_the_first_output_line() {
        vcenter.then(Run.failing(3, "\nsh: 1: ip: not found\nsecond line\n"));
        linuxStep();
        DiscoveryOutcome outcome = linuxStep();
        assertThat(outcome).isInstanceOf(CommandFailed.class);
        CommandFailed failed = (CommandFailed) outcome;
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.firstLine()).isEqualTo("sh: 1: ip: not found");
        assertThat(failed.message()).contains("exited with code 3").contains("ip: not found");
        assertThat(vcenter.deleted).hasSize(1);
    }

    @Test
    void a_failing_command_is_rerun_only_after_a_growing_pause() {
        for (int i = 0; i < 5; i++) {
            vcenter.then(Run.failing(3, "no network yet"));
        }
        vcenter.then(Run.printing("10.0.0.7"));
        java.util.List<Duration> pauses = new java.util.ArrayList<>();
        for (int failure = 0; failure < 5; failure++) {
            linuxStep();
            assertThat(linuxStep()).isInstanceOf(CommandFailed.class);
            int startedAfterFailure = vcenter.started.size();
            Duration pause = delay(linuxStep());
            pauses.add(pause);
            assertThat(linuxStep()).as("still pausing").isInstanceOf(NotYet.class);
            assertThat(vcenter.started).as("no new attempt during the pause").hasSize(startedAfterFailure);
            clock.advance(pause);
        }
        assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(16));
        linuxStep();
        assertThat(linuxStep()).isInstanceOf(Found.class);
        assertThat(vcenter.started).hasSize(6);
    }

    @Test
    void output_over_the_limit_is_a_command_failure_naming_the_limit_and_its_file_is_deleted() {
        vcenter.then(Run.printing("10.99.9.9\n" + "a".repeat(2_000_000)));
        linuxStep();
        DiscoveryOutcome outcome = linuxStep();

        assertThat(outcome).isInstanceOf(CommandFailed.class);
        assertThat(((CommandFailed) outcome).message())
                .isEqualTo("IP discovery command printed more than 512 KiB, the most the operator reads from a guest command;"
                        + " make it print only the network configuration");
        assertThat(vcenter.deleted).hasSize(1);
        assertThat(vcenter.files).isEmpty();
    }

    @Test
    void apipa_output_is_not_yet_then_the_real_address_is_found() {
        vcenter.then(Run.printing(IpScannerTest.IPCONFIG_FRENCH_APIPA)).then(Run.printing(IpScannerTest.IPCONFIG_GERMAN));
        GuestTarget windows = target(Vms.windowsBooted(), Vms.GOOD, "1");

        discovery.step(windows, GuestOs.WINDOWS, null, ipv4);
        NotYet apipa = (NotYet) discovery.step(windows, GuestOs.WINDOWS, null, ipv4);
        assertThat(apipa.retryAfter()).as("the next attempt started at once").isEqualTo(Duration.ofMillis(100));
        assertThat(apipa.why()).contains("169.254");
        assertThat(vcenter.deleted).hasSize(1);

        DiscoveryOutcome outcome = discovery.step(windows, GuestOs.WINDOWS, null, ipv4);
        assertThat(outcome).isEqualTo(new Found("10.20.30.41", java.util.List.of("10.20.30.41"), IpSource.GUEST_OPERATIONS));
        assertThat(vcenter.started).allSatisfy(started -> {
            assertThat(started.program()).isEqualTo("C:\\Windows\\System32\\cmd.exe");
            assertThat(started.arguments()).startsWith("/c \"ipconfig /all > C:\\Windows\\TEMP\\testvm-t");
        });
        assertThat(vcenter.deleted).hasSize(2);
        assertThat(vcenter.files).isEmpty();
    }

    @Test
    void windows_output_in_the_oem_code_page_is_understood() {
        byte[] cp850 = IpScannerTest.IPCONFIG_GERMAN.replace("Medium getrennt", "Medium getrennt \u0081")
                .getBytes(StandardCharsets.ISO_8859_1);
        vcenter.then(new Run(0, 0, cp850));
        GuestTarget windows = target(Vms.windowsBooted(), Vms.GOOD, "1");
        discovery.step(windows, GuestOs.WINDOWS, null, ipv4);
        assertThat(discovery.step(windows, GuestOs.WINDOWS, null, ipv4)).isInstanceOf(Found.class);
    }

    @Test
    void wrong_password_is_not_retried_until_the_credentials_version_changes() {
        GuestTarget wrong = target(Vms.linuxBooted(), Vms.WRONG, "100");
        DiscoveryOutcome first = discovery.step(wrong, GuestOs.LINUX, null, ipv4);
        assertThat(first).isInstanceOf(CredentialsRejected.class);
        assertThat(((CredentialsRejected) first).message()).contains("InvalidGuestLogin");
        assertThat(vcenter.calls).containsExactly("start");

        for (int i = 0; i < 5; i++) {
            assertThat(discovery.step(wrong, GuestOs.LINUX, null, ipv4)).isInstanceOf(CredentialsRejected.class);
        }
        assertThat(vcenter.calls).as("no login attempts with refused credentials").containsExactly("start");

        vcenter.then(Run.printing("10.0.0.5"));
        GuestTarget fixed = target(Vms.linuxBooted(), Vms.GOOD, "101");
        assertThat(discovery.step(fixed, GuestOs.LINUX, null, ipv4)).isInstanceOf(NotYet.class);
        assertThat(discovery.step(fixed, GuestOs.LINUX, null, ipv4)).isInstanceOf(Found.class);
    }

    @Test
    void without_a_version_the_credentials_themselves_are_compared() {
        discovery.step(target(Vms.linuxBooted(), Vms.WRONG, null), GuestOs.LINUX, null, ipv4);
        discovery.step(target(Vms.linuxBooted(), Vms.WRONG, null), GuestOs.LINUX, null, ipv4);
        assertThat(vcenter.calls).hasSize(1);
        discovery.step(target(Vms.linuxBooted(), Vms.GOOD, null), GuestOs.LINUX, null, ipv4);
        assertThat(vcenter.calls).hasSize(2);
    }

    @Test
    void permission_denied_counts_as_rejected_credentials() {
        vcenter.startFaults.add(FaultMapper.exception("GuestPermissionDenied", "not allowed"));
        assertThat(linuxStep()).isInstanceOf(CredentialsRejected.class);
        assertThat(linuxStep()).isInstanceOf(CredentialsRejected.class);
        assertThat(vcenter.calls).hasSize(1);
    }

    @Test
    void other_faults_are_guest_operation_errors() {
        vcenter.startFaults.add(FaultMapper.exception("OperationDisabledByGuest", "guest operations are disabled"));
        DiscoveryOutcome outcome = linuxStep();
        assertThat(outcome).isEqualTo(new GuestOperationsError("OperationDisabledByGuest",
                "OperationDisabledByGuest while starting the IP discovery command: guest operations are disabled"));
    }

    @Test
    void unreachable_vcenter_propagates_and_the_attempt_survives() {
        vcenter.then(Run.printing("10.0.0.5"));
        linuxStep();
        vcenter.listFaults.add(new VCenterUnreachableException("connection refused", null));
        assertThatThrownBy(this::linuxStep).isInstanceOf(VCenterUnreachableException.class);
        assertThat(linuxStep()).isInstanceOf(Found.class);
        assertThat(vcenter.started).hasSize(1);
    }

    @Test
    void a_failed_delete_is_not_fatal() {
        vcenter.then(Run.printing("10.0.0.5"));
        vcenter.deleteFault(FaultMapper.exception("GuestPermissionDenied", "cannot delete"));
        linuxStep();
        assertThat(linuxStep()).isInstanceOf(Found.class);
    }

    @Test
    void forget_drops_the_attempt_in_flight() {
        vcenter.then(Run.printing("10.0.0.5").runningFor(5)).then(Run.printing("10.0.0.6"));
        linuxStep();
        discovery.forget("uid-42");
        linuxStep();
        assertThat(vcenter.started).hasSize(2);
    }

    @Test
    void messages_never_contain_the_password() {
        String password = Vms.GOOD.password();
        vcenter.then(Run.failing(1, "login as ci with " + password + " failed\n"));
        linuxStep();
        CommandFailed failed = (CommandFailed) linuxStep();
        assertThat(failed.firstLine()).doesNotContain(password).contains("***");
        assertThat(failed.message()).doesNotContain(password);
        clock.advance(Duration.ofSeconds(1)); // the pause after a failed command

        vcenter.startFaults.add(FaultMapper.exception("GuestComponentsOutOfDate", "cannot run with " + password));
        GuestOperationsError error = (GuestOperationsError) linuxStep();
        assertThat(error.message()).doesNotContain(password);

        vcenter.startFaults.add(FaultMapper.exception("SystemError", "cannot run with " + password));
        NotYet transientFault = (NotYet) linuxStep();
        assertThat(transientFault.why()).contains("SystemError").doesNotContain(password);

        DiscoveryOutcome rejected = discovery.step(target(Vms.linuxBooted(), Vms.WRONG, "2"), GuestOs.LINUX, null, ipv4);
        assertThat(rejected.toString()).doesNotContain(Vms.WRONG.password());
    }
}
