package dev.testvm.discovery;

import dev.testvm.api.GuestOsSpec;
import dev.testvm.api.IpDiscoveryStrategy;
import dev.testvm.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.discovery.DiscoveryOutcome.CommandFailed;
import dev.testvm.discovery.DiscoveryOutcome.Found;
import dev.testvm.discovery.DiscoveryOutcome.Misconfigured;
import dev.testvm.discovery.DiscoveryOutcome.NotYet;
import dev.testvm.testsupport.FakeVCenter;
import dev.testvm.testsupport.FakeVCenter.Run;
import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.GuestNic;
import dev.testvm.vsphere.VmInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IpDiscoveryCoordinatorTest {

    private final FakeVCenter vcenter = FakeVCenter.guestOnly();
    private final AtomicInteger ids = new AtomicInteger();
    private final MutableClock clock = new MutableClock();
    private final IpDiscoveryCoordinator coordinator =
            new IpDiscoveryCoordinator(DiscoverySettings.defaults(), clock, () -> "c" + ids.incrementAndGet());

    private DiscoveryRequest.Builder request(VmInfo info) {
        return DiscoveryRequest.builder("uid-42", vcenter, Vms.VM, info);
    }

    private DiscoveryRequest auto(VmInfo info, GuestCredentials credentials, String version) {
        return request(info).strategy(IpDiscoveryStrategy.auto).credentials(credentials, version, "guest-creds").build();
    }

    @Test
    void tools_strategy_reads_only_what_tools_published() {
        DiscoveryResult none = coordinator.step(request(Vms.linuxBooted()).strategy(IpDiscoveryStrategy.tools)
                .credentials(Vms.GOOD, "1", "guest-creds").build());
        assertThat(none.outcome()).isInstanceOf(NotYet.class);
        assertThat(none.retryAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(none.guestOs()).contains(GuestOs.LINUX);

        DiscoveryResult found = coordinator.step(request(Vms.linuxWithToolsIp("10.0.0.9", "VM Network"))
                .strategy(IpDiscoveryStrategy.tools).build());
        assertThat(found.outcome()).isEqualTo(new Found("10.0.0.9", List.of("10.0.0.9"), IpSource.TOOLS));
        assertThat(found.retryAfter()).isZero();
        assertThat(vcenter.calls).isEmpty();
    }

    @Test
    void auto_without_credentials_is_tools_only() {
        DiscoveryResult result = coordinator.step(request(Vms.linuxBooted()).build());
        assertThat(result.outcome()).isInstanceOf(NotYet.class);
        assertThat(result.guestOpsProblem()).isEmpty();
        assertThat(vcenter.calls).isEmpty();
    }

    @Test
    void auto_takes_tools_when_tools_already_have_an_address() {
        DiscoveryResult result = coordinator.step(auto(Vms.linuxWithToolsIp("10.0.0.9", "VM Network"), Vms.GOOD, "1"));
        assertThat(result.found()).map(Found::source).contains(IpSource.TOOLS);
        assertThat(vcenter.calls).isEmpty();
    }

    @Test
    void auto_lets_guest_operations_win_while_tools_have_nothing() {
        vcenter.then(Run.printing(IpScannerTest.LINUX_DEFAULT_OUTPUT));
        DiscoveryResult first = coordinator.step(auto(Vms.linuxBooted(), Vms.GOOD, "1"));
        assertThat(first.outcome()).isInstanceOf(NotYet.class);
        assertThat(((NotYet) first.outcome()).why()).contains("Tools");
        assertThat(first.retryAfter()).isEqualTo(Duration.ofMillis(100));

        DiscoveryResult second = coordinator.step(auto(Vms.linuxBooted(), Vms.GOOD, "1"));
        assertThat(second.outcome()).isEqualTo(
                new Found("10.20.30.42", List.of("10.20.30.42", "2001:db8:20::42"), IpSource.GUEST_OPERATIONS));
        assertThat(second.guestOpsProblem()).isEmpty();
        assertThat(second.guestOs()).contains(GuestOs.LINUX);
    }

    @Test
    void auto_abandons_the_guest_command_when_tools_answer_first() {
        vcenter.then(Run.printing("10.0.0.5").runningFor(10)).then(Run.printing("10.0.0.6"));
        coordinator.step(auto(Vms.linuxBooted(), Vms.GOOD, "1"));
        coordinator.step(auto(Vms.linuxBooted(), Vms.GOOD, "1"));
        DiscoveryResult result = coordinator.step(auto(Vms.linuxWithToolsIp("10.0.0.9", "VM Network"), Vms.GOOD, "1"));
        assertThat(result.found()).map(Found::ip).contains("10.0.0.9");
        assertThat(result.found()).map(Found::source).contains(IpSource.TOOLS);
    }

    @Test
    void auto_falls_back_to_tools_when_credentials_are_rejected_and_retries_when_the_secret_changes() {
        DiscoveryResult rejected = coordinator.step(auto(Vms.linuxBooted(), Vms.WRONG, "7"));
        assertThat(rejected.outcome()).isInstanceOf(NotYet.class);
        assertThat(rejected.retryAfter()).isEqualTo(Duration.ofSeconds(5));
        GuestOpsProblem problem = rejected.guestOpsProblem().orElseThrow();
        assertThat(problem.reason()).isEqualTo("GuestCredentialsRejected");
        assertThat(problem.message()).contains("Secret 'guest-creds'").doesNotContain(Vms.WRONG.password());
        int calls = vcenter.guestCalls();

        DiscoveryResult again = coordinator.step(auto(Vms.linuxBooted(), Vms.WRONG, "7"));
        assertThat(again.guestOpsProblem()).contains(problem);
        DiscoveryResult viaTools = coordinator.step(auto(Vms.linuxWithToolsIp("10.0.0.9", "VM Network"), Vms.WRONG, "7"));
        assertThat(viaTools.found()).map(Found::source).contains(IpSource.TOOLS);
        // The answer came from Tools, but the refusal still stands and must stay reported.
        assertThat(viaTools.guestOpsProblem()).contains(problem);
        assertThat(vcenter.guestCalls()).isEqualTo(calls);

        vcenter.then(Run.printing("10.0.0.5"));
        coordinator.step(auto(Vms.linuxBooted(), Vms.GOOD, "8"));
        DiscoveryResult fixed = coordinator.step(auto(Vms.linuxBooted(), Vms.GOOD, "8"));
        assertThat(fixed.found()).map(Found::source).contains(IpSource.GUEST_OPERATIONS);
        assertThat(fixed.guestOpsProblem()).isEmpty();
    }

    @Test
    void auto_reports_a_failing_command_and_sticks_to_tools() {
        vcenter.then(Run.failing(3, "cut: invalid byte list\n"));
        coordinator.step(auto(Vms.linuxBooted(), Vms.GOOD, "1"));
        DiscoveryResult failed = coordinator.step(auto(Vms.linuxBooted(), Vms.GOOD, "1"));
        assertThat(failed.outcome()).isInstanceOf(NotYet.class);
        GuestOpsProblem problem = failed.guestOpsProblem().orElseThrow();
        assertThat(problem.reason()).isEqualTo("GuestCommandFailed");
        assertThat(problem.message()).contains("3").contains("cut: invalid byte list");
        int calls = vcenter.guestCalls();

        DiscoveryResult later = coordinator.step(auto(Vms.linuxWithToolsIp("10.0.0.9", "VM Network"), Vms.GOOD, "1"));
        assertThat(later.found()).map(Found::source).contains(IpSource.TOOLS);
        assertThat(later.guestOpsProblem()).contains(problem);
        assertThat(vcenter.guestCalls()).isEqualTo(calls);
    }

    @Test
    void guest_operations_strategy_without_credentials_is_a_clear_problem() {
        DiscoveryResult result = coordinator.step(request(Vms.linuxBooted()).strategy(IpDiscoveryStrategy.guestOperations).build());
        assertThat(result.outcome()).isInstanceOf(Misconfigured.class);
        assertThat(result.guestOpsProblem().orElseThrow().reason()).isEqualTo("GuestCredentialsMissing");
        assertThat(result.guestOpsProblem().orElseThrow().message()).contains("credentialsSecretRef");
    }

    @Test
    void guest_operations_strategy_ignores_tools_and_returns_failures() {
        VmInfo toolsKnow = Vms.linuxWithToolsIp("10.0.0.9", "VM Network");
        DiscoveryRequest request = request(toolsKnow).strategy(IpDiscoveryStrategy.guestOperations)
                .credentials(Vms.GOOD, "1", "guest-creds").command("hostname -I").build();
        vcenter.then(Run.failing(2, "hostname: invalid option -- 'I'")).then(Run.printing("10.0.0.5 "));

        coordinator.step(request);
        DiscoveryResult failed = coordinator.step(request);
        assertThat(failed.outcome()).isInstanceOf(CommandFailed.class);
        assertThat(((CommandFailed) failed.outcome()).exitCode()).isEqualTo(2);
        assertThat(failed.guestOpsProblem().orElseThrow().reason()).isEqualTo("GuestCommandFailed");
        assertThat(failed.retryAfter()).isEqualTo(Duration.ofMillis(500));
        assertThat(coordinator.step(request).outcome()).as("a failed command is not re-run at once")
                .isInstanceOf(NotYet.class);
        assertThat(vcenter.started).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        coordinator.step(request);
        DiscoveryResult found = coordinator.step(request);
        assertThat(found.outcome()).isEqualTo(new Found("10.0.0.5", List.of("10.0.0.5"), IpSource.GUEST_OPERATIONS));
        assertThat(vcenter.started.get(0).arguments()).contains("(hostname -I)");
    }

    @Test
    void unknown_guest_os_waits_and_says_how_to_fix_it() {
        VmInfo bsd = Vms.info(true, "otherGuestFamily", "freebsd13_64Guest", null, List.of());
        DiscoveryResult result = coordinator.step(auto(bsd, Vms.GOOD, "1"));
        assertThat(result.outcome()).isInstanceOf(NotYet.class);
        assertThat(((NotYet) result.outcome()).why()).contains("spec.guest.os");
        assertThat(result.guestOs()).isEmpty();
        assertThat(vcenter.calls).isEmpty();

        DiscoveryResult explicit = coordinator.step(request(bsd).os(GuestOsSpec.linux).credentials(Vms.GOOD, "1", "guest-creds").build());
        assertThat(explicit.guestOs()).contains(GuestOs.LINUX);
        assertThat(vcenter.calls).containsExactly("start");
    }

    @Test
    void network_filter_picks_the_address_tools_list_on_that_network() {
        VmInfo twoNics = Vms.info(true, "linuxGuest", "ubuntu64Guest", null, List.of(
                new GuestNic("VM Network", "00:50:56:00:00:01", true, List.of()),
                new GuestNic("ci-net", "00:50:56:00:00:02", true, List.of("192.168.50.9"))));
        DiscoveryRequest request = request(twoNics).strategy(IpDiscoveryStrategy.guestOperations)
                .credentials(Vms.GOOD, "1", "guest-creds").network("ci-net").build();
        vcenter.then(Run.printing("10.1.0.5\n192.168.50.9\n"));
        coordinator.step(request);
        assertThat(coordinator.step(request).found()).map(Found::ip).contains("192.168.50.9");
    }

    @Test
    void network_filter_decides_from_the_guest_output_macs_before_tools_publish_addresses() {
        VmInfo nicsOnly = Vms.info(true, "linuxGuest", "ubuntu64Guest", null, List.of(
                new GuestNic("VM Network", "00:50:56:80:00:01", true, List.of()),
                new GuestNic("DC0_DVPG0", "00:50:56:80:00:02", true, List.of())));
        DiscoveryRequest request = request(nicsOnly).strategy(IpDiscoveryStrategy.auto)
                .credentials(Vms.GOOD, "1", "guest-creds").network("DC0_DVPG0").build();
        vcenter.then(Run.printing("""
                2: ens192: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000
                    link/ether 00:50:56:80:00:01 brd ff:ff:ff:ff:ff:ff
                    inet 10.77.0.9/24 brd 10.77.0.255 scope global dynamic ens192
                3: ens224: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000
                    link/ether 00:50:56:80:00:02 brd ff:ff:ff:ff:ff:ff
                    inet 10.78.0.9/24 brd 10.78.0.255 scope global dynamic ens224
                """));
        coordinator.step(request);
        DiscoveryResult result = coordinator.step(request);
        assertThat(result.found()).map(Found::ip).contains("10.78.0.9");
        assertThat(result.found()).map(Found::source).contains(IpSource.GUEST_OPERATIONS);
        assertThat(vcenter.started.get(0).arguments()).contains("ip address show").doesNotContain("scope global");
    }

    @Test
    void instant_clone_refreshes_the_network_before_trusting_anyone() {
        // Right after an instant clone, Tools may still show the parent's address.
        VmInfo stale = Vms.linuxWithToolsIp("10.0.0.100", "VM Network");
        DiscoveryRequest request = request(stale).credentials(Vms.GOOD, "1", "guest-creds").refreshNetwork(true).build();
        vcenter.then(Run.printing("").runningFor(1)).then(Run.printing("10.0.0.101\n"));

        assertThat(coordinator.step(request).outcome()).isInstanceOf(NotYet.class);
        assertThat(coordinator.step(request).outcome()).isInstanceOf(NotYet.class);
        assertThat(vcenter.started.get(0).arguments()).contains("modprobe -r vmxnet3");

        // Refresh done: the guest command decides, Tools' possibly stale answer is not taken.
        assertThat(coordinator.step(request).outcome()).isInstanceOf(NotYet.class);
        DiscoveryResult result = coordinator.step(request);
        assertThat(result.outcome()).isEqualTo(new Found("10.0.0.101", List.of("10.0.0.101"), IpSource.GUEST_OPERATIONS));
        assertThat(vcenter.started).hasSize(2);
        assertThat(vcenter.started.get(1).arguments()).contains(GuestCommands.LINUX_DISCOVERY);
    }

    @Test
    void instant_clone_falls_back_to_tools_only_when_guest_operations_fail() {
        DiscoveryRequest request = request(Vms.linuxWithToolsIp("10.0.0.100", "VM Network"))
                .credentials(Vms.WRONG, "1", "guest-creds").refreshNetwork(true).build();
        DiscoveryResult result = coordinator.step(request);
        assertThat(result.found()).map(Found::source).contains(IpSource.TOOLS);
        assertThat(result.guestOpsProblem().orElseThrow().reason()).isEqualTo("GuestCredentialsRejected");
    }

    @Test
    void a_failed_network_refresh_is_reported_but_discovery_goes_on() {
        DiscoveryRequest request = request(Vms.windowsBooted()).strategy(IpDiscoveryStrategy.guestOperations)
                .credentials(Vms.GOOD, "1", "guest-creds").refreshNetwork(true).build();
        vcenter.then(Run.failing(1, "Beim Erneuern der Schnittstelle ist ein Fehler aufgetreten.\r\n"))
                .then(Run.printing(IpScannerTest.IPCONFIG_GERMAN));
        coordinator.step(request);
        DiscoveryResult afterRefresh = coordinator.step(request);
        assertThat(afterRefresh.outcome()).isInstanceOf(NotYet.class);
        assertThat(afterRefresh.guestOpsProblem().orElseThrow().message()).contains("network refresh").contains("code 1");
        assertThat(vcenter.started.get(0).arguments()).startsWith("/c \"ipconfig /renew > ");
        DiscoveryResult found = coordinator.step(request);
        assertThat(found.found()).map(Found::ip).contains("10.20.30.41");
    }

    @Test
    void forget_starts_over() {
        coordinator.step(auto(Vms.linuxBooted(), Vms.WRONG, "7"));
        coordinator.forget("uid-42");
        coordinator.step(auto(Vms.linuxBooted(), Vms.WRONG, "7"));
        assertThat(vcenter.calls).containsExactly("start", "start");
    }

    @Test
    void no_result_ever_shows_the_password() {
        String password = Vms.GOOD.password();
        vcenter.then(Run.failing(1, password + "\n"));
        DiscoveryRequest request = request(Vms.linuxBooted()).strategy(IpDiscoveryStrategy.guestOperations)
                .credentials(Vms.GOOD, "1", "guest-creds").command("echo " + password + "; false").build();
        coordinator.step(request);
        DiscoveryResult result = coordinator.step(request);
        assertThat(result.toString()).doesNotContain(password);
        assertThat(request.toString()).doesNotContain(password);
        assertThat(coordinator.step(auto(Vms.linuxBooted(), Vms.WRONG, "9")).toString())
                .doesNotContain(Vms.WRONG.password());
    }
}
