package dev.testvm.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.api.IpDiscoveryStrategy;
import dev.testvm.discovery.DiscoveryOutcome.Found;
import dev.testvm.discovery.DiscoveryOutcome.NotYet;
import dev.testvm.testsupport.FakeVCenter;
import dev.testvm.testsupport.FakeVCenter.Run;
import dev.testvm.testsupport.MutableClock;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VmInfo;
import dev.testvm.vsphere.transfer.GuestFileHostFault;
import dev.testvm.vsphere.transfer.GuestFileTransferException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The ESXi host named in vCenter's transfer URL cannot serve the output file: discovery switches to
 * the channel that needs vCenter only (Tools publish on request) and says why in the problem.
 */
class VCenterOnlyChannelTest {

    private static final String UNREACHABLE_MESSAGE = "cannot connect to ESXi host 'esx-02.lab.invalid'"
            + " (HostSystem:host-22) at 127.0.0.12 port 8443: Connection refused; to download guest files through"
            + " the host, open TCP 8443 from the operator's pods to 127.0.0.12";

    private final FakeVCenter vcenter = FakeVCenter.guestOnly();
    private final AtomicInteger ids = new AtomicInteger();
    private final MutableClock clock = new MutableClock();
    private final IpDiscoveryCoordinator coordinator =
            new IpDiscoveryCoordinator(DiscoverySettings.defaults(), clock, () -> "c" + ids.incrementAndGet());

    private DiscoveryResult step(IpDiscoveryStrategy strategy, VmInfo info) {
        return coordinator.step(DiscoveryRequest.builder("uid-7", vcenter, Vms.VM, info).strategy(strategy)
                .credentials(Vms.GOOD, "1", "guest-creds").build());
    }

    private static GuestFileTransferException unreachable() {
        return new GuestFileTransferException(GuestFileHostFault.UNREACHABLE, "esx-02.lab.invalid",
                "127.0.0.12", 8443, UNREACHABLE_MESSAGE);
    }

    @Test
    void unreachableHostSwitchesToToolsUpdateAndTheAddressCountsAsThatChannels() {
        vcenter.then(Run.printing(IpScannerTest.LINUX_DEFAULT_OUTPUT)).then(Run.printing(""));
        vcenter.downloadFaults.add(unreachable());

        assertThat(step(IpDiscoveryStrategy.auto, Vms.linuxBooted()).outcome()).isInstanceOf(NotYet.class);
        DiscoveryResult switched = step(IpDiscoveryStrategy.auto, Vms.linuxBooted());
        assertThat(switched.outcome()).isInstanceOf(NotYet.class);
        assertThat(switched.guestOpsProblem()).hasValueSatisfying(problem -> {
            assertThat(problem.reason()).isEqualTo(GuestOpsProblem.HOST_UNREACHABLE);
            assertThat(problem.message()).contains("esx-02.lab.invalid", "127.0.0.12", "port 8443",
                    "open TCP 8443", "vCenter only", "info update network");
        });
        assertThat(vcenter.started).hasSize(2);
        assertThat(vcenter.started.get(1).program()).isEqualTo(GuestCommands.LINUX_TOOLBOX_CMD);
        assertThat(vcenter.started.get(1).arguments()).isEqualTo("info update network");

        DiscoveryResult asked = step(IpDiscoveryStrategy.auto, Vms.linuxBooted());
        assertThat(((NotYet) asked.outcome()).why()).contains("asked to publish");
        int downloads = (int) vcenter.calls.stream().filter("download"::equals).count();

        DiscoveryResult found = step(IpDiscoveryStrategy.auto, Vms.linuxWithToolsIp("10.77.0.5", "VM Network"));
        assertThat(found.outcome()).isEqualTo(
                new Found("10.77.0.5", List.of("10.77.0.5"), IpSource.GUEST_OPERATIONS_VIA_TOOLS));
        assertThat(found.guestOpsProblem()).map(GuestOpsProblem::reason).contains(GuestOpsProblem.HOST_UNREACHABLE);
        assertThat(downloads).as("nothing is downloaded after the switch").isEqualTo(1);
    }

    @Test
    void refusedHostCertificateIsReportedAsSuchAndWindowsUsesToolboxCmdExe() {
        vcenter.then(Run.printing("IPv4 Address. . . : 10.77.0.9")).then(Run.printing(""));
        vcenter.downloadFaults.add(new GuestFileTransferException(GuestFileHostFault.CERTIFICATE_REFUSED,
                "esx-01.lab.invalid", "127.0.0.11", 443, "ESXi host 'esx-01.lab.invalid' presented a certificate"
                + " that is not the one vCenter reports for it; refused"));

        step(IpDiscoveryStrategy.guestOperations, Vms.windowsBooted());
        DiscoveryResult switched = step(IpDiscoveryStrategy.guestOperations, Vms.windowsBooted());
        assertThat(switched.guestOpsProblem()).map(GuestOpsProblem::reason)
                .contains(GuestOpsProblem.HOST_CERTIFICATE_REFUSED);
        assertThat(switched.guestOpsProblem().orElseThrow().message()).contains("not the one vCenter reports");
        assertThat(vcenter.started.get(1).program()).isEqualTo(GuestCommands.WINDOWS_TOOLBOX_CMD);
    }

    @Test
    void toolsAddressFromBeforeTheUpdateStartedIsToolsOwn() {
        vcenter.then(Run.printing(IpScannerTest.LINUX_DEFAULT_OUTPUT));
        vcenter.downloadFaults.add(unreachable());
        step(IpDiscoveryStrategy.auto, Vms.linuxBooted());
        vcenter.startFaults.add(new dev.testvm.vsphere.VimFaultException("GuestOperationsUnavailable", "busy"));
        step(IpDiscoveryStrategy.auto, Vms.linuxBooted());

        DiscoveryResult found = step(IpDiscoveryStrategy.auto, Vms.linuxWithToolsIp("10.77.0.5", "VM Network"));
        assertThat(found.found()).map(Found::source).contains(IpSource.TOOLS);
    }

    @Test
    void failingToolsUpdateFallsBackToToolsAndSaysBothChannelsFailed() {
        vcenter.then(Run.printing(IpScannerTest.LINUX_DEFAULT_OUTPUT)).then(Run.failing(127, ""));
        vcenter.downloadFaults.add(unreachable());

        step(IpDiscoveryStrategy.auto, Vms.linuxBooted());
        step(IpDiscoveryStrategy.auto, Vms.linuxBooted());
        DiscoveryResult failed = step(IpDiscoveryStrategy.auto, Vms.linuxBooted());
        assertThat(failed.outcome()).isInstanceOf(NotYet.class);
        assertThat(failed.guestOpsProblem().orElseThrow().message())
                .contains("127.0.0.12", "the vCenter-only channel failed too", "exited with code 127");

        DiscoveryResult found = step(IpDiscoveryStrategy.auto, Vms.linuxWithToolsIp("10.77.0.5", "VM Network"));
        assertThat(found.found()).map(Found::source).contains(IpSource.TOOLS);
    }

    // --- what is learnt per ESXi host, across TestVMs ---

    private static final MoRef HOST = new MoRef("HostSystem", "host-22");

    private static VmInfo onHost(VmInfo info) {
        return new VmInfo(info.moRef(), info.name(), info.instanceUuid(), info.template(), info.powerState(), HOST,
                info.toolsRunning(), info.guestOperationsReady(), info.guestFamily(), info.guestId(), info.ipAddress(),
                info.nics(), info.extraConfig(), info.currentSnapshot(), info.virtualNics());
    }

    private DiscoveryResult stepOf(String key, VmInfo info) {
        return coordinator.step(DiscoveryRequest.builder(key, vcenter, Vms.VM, info).strategy(IpDiscoveryStrategy.guestOperations)
                .credentials(Vms.GOOD, "1", "guest-creds").build());
    }

    @Test
    void theOutputFileIsDeletedWhenTheHostRefusesTheDownload() {
        vcenter.then(Run.printing(IpScannerTest.LINUX_DEFAULT_OUTPUT)).then(Run.printing(""));
        vcenter.downloadFaults.add(unreachable());

        stepOf("uid-a", onHost(Vms.linuxBooted()));
        DiscoveryResult switched = stepOf("uid-a", onHost(Vms.linuxBooted()));
        assertThat(switched.guestOpsProblem()).map(GuestOpsProblem::reason).contains(GuestOpsProblem.HOST_UNREACHABLE);
        assertThat(vcenter.deleted).as("deleting goes through vCenter").containsExactly("/tmp/testvm-c1.out");
        assertThat(vcenter.files).isEmpty();
    }

    @Test
    void anotherTestVMOnAHostKnownUnreachableSkipsTheDownloadAndSaysWhy() {
        vcenter.then(Run.printing(IpScannerTest.LINUX_DEFAULT_OUTPUT)).then(Run.printing("")).then(Run.printing(""));
        vcenter.downloadFaults.add(unreachable());
        stepOf("uid-a", onHost(Vms.linuxBooted()));
        stepOf("uid-a", onHost(Vms.linuxBooted()));
        int downloads = count("download");
        assertThat(vcenter.started).hasSize(2);

        DiscoveryResult other = stepOf("uid-b", onHost(Vms.linuxBooted()));
        assertThat(vcenter.started).hasSize(3);
        assertThat(vcenter.started.get(2).program()).as("straight to the Tools update")
                .isEqualTo(GuestCommands.LINUX_TOOLBOX_CMD);
        assertThat(other.guestOpsProblem()).hasValueSatisfying(problem -> {
            assertThat(problem.reason()).isEqualTo(GuestOpsProblem.HOST_UNREACHABLE);
            assertThat(problem.message()).contains("127.0.0.12", "open TCP 8443");
        });
        stepOf("uid-b", onHost(Vms.linuxBooted()));
        DiscoveryResult found = stepOf("uid-b", onHost(Vms.linuxWithToolsIp("10.77.0.6", "VM Network")));
        assertThat(found.found()).map(Found::source).contains(IpSource.GUEST_OPERATIONS_VIA_TOOLS);
        assertThat(count("download")).as("no download for the second TestVM").isEqualTo(downloads);
    }

    @Test
    void aHostKnownUnreachableIsTriedAgainAfterFiveMinutes() {
        vcenter.then(Run.printing(IpScannerTest.LINUX_DEFAULT_OUTPUT)).then(Run.printing(""))
                .then(Run.printing(IpScannerTest.LINUX_DEFAULT_OUTPUT));
        vcenter.downloadFaults.add(unreachable());
        stepOf("uid-a", onHost(Vms.linuxBooted()));
        stepOf("uid-a", onHost(Vms.linuxBooted()));

        clock.advance(EsxiHostChannels.BAD_MEMORY);
        stepOf("uid-b", onHost(Vms.linuxBooted()));
        assertThat(vcenter.started.get(2).arguments()).as("the discovery command again")
                .isEqualTo("-c '(" + GuestCommands.LINUX_DISCOVERY + ") > /tmp/testvm-c3.out 2>&1'");
        assertThat(stepOf("uid-b", onHost(Vms.linuxBooted())).found()).map(Found::source).contains(IpSource.GUEST_OPERATIONS);
    }

    private int count(String call) {
        return (int) vcenter.calls.stream().filter(call::equals).count();
    }
}
