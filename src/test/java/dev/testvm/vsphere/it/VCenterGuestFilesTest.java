package dev.testvm.vsphere.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.vsphere.ConnectionSettings;
import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.transfer.GuestFileHostFault;
import dev.testvm.vsphere.transfer.GuestFileTransferException;
import dev.testvm.vsphere.vim.VimVCenter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Guest file downloads as through vCenter: the transfer URL names the VM's ESXi host by an FQDN
 * that does not resolve (or by IP), the host has its own listener and certificate (simulator's
 * {@code -guest-file-mode vcenter}).
 */
class VCenterGuestFilesTest {

    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().guestFileMode("vcenter").shared();

    static final GuestCredentials GUEST = new GuestCredentials(Simulator.GUEST_USER, Simulator.GUEST_PASSWORD);
    static final String ESX01 = "esx-01.testvm-sim.invalid"; // CA-signed, SAN = FQDN
    static final String ESX02 = "esx-02.testvm-sim.invalid"; // self-signed
    static final String BY_IP = "127.77.0.13";               // added by IP, no IP SAN

    @TempDir
    static Path dir;
    static VimVCenter pinned;
    static MoRef onEsx01;
    static MoRef onEsx02;
    static MoRef onIpHost;

    @BeforeAll
    static void start() {
        Simulator sim = SIM.simulator();
        sim.addTemplate("tpl-esx02", "ubuntu-22.04", Map.of(), List.of(), false, ESX02);
        sim.addTemplate("tpl-iphost", "ubuntu-22.04", Map.of(), List.of(), false, BY_IP);
        pinned = VimVCenter.open(sim.connectionSettings(), VimVCenter.Tuning.DEFAULT);
        onEsx01 = GuestVms.start(pinned, LifecycleTest.UBUNTU, Map.of());
        onEsx02 = GuestVms.start(pinned, "DC0/vm/Templates/tpl-esx02", Map.of());
        onIpHost = GuestVms.start(pinned, "DC0/vm/Templates/tpl-iphost", Map.of());
        for (MoRef vm : List.of(onEsx01, onEsx02, onIpHost)) {
            GuestVms.awaitGuestOperationsReady(pinned, vm);
        }
    }

    @AfterAll
    static void stop() {
        if (pinned != null) {
            pinned.close();
        }
    }

    private static String roundTrip(VimVCenter vc, MoRef vm) {
        String out = "/tmp/testvm-vcmode-" + System.nanoTime() + ".out";
        long pid = vc.startProgramInGuest(vm, GUEST, "/bin/sh", "-c '(echo through the host) > " + out + " 2>&1'");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> vc.listProcessesInGuest(vm, GUEST, List.of(pid)).stream().allMatch(p -> p.finished()));
        return new String(vc.downloadFileFromGuest(vm, GUEST, out), StandardCharsets.UTF_8);
    }

    @Test
    void pinnedVCenterTrustsEachHostAsVCenterReportsIt() {
        assertThat(roundTrip(pinned, onEsx01)).contains("through the host");
        assertThat(roundTrip(pinned, onEsx02)).as("self-signed host").contains("through the host");
        assertThat(roundTrip(pinned, onIpHost)).as("host added by IP, certificate without IP SAN").contains("through the host");
        assertThat(pinned.requestStats().count("GET guestFile")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void caBundleForVCenterAndHosts() throws Exception {
        Simulator sim = SIM.simulator();
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, Files.readString(sim.certificate()) + "\n"
                + Files.readString(sim.hostCaCertificate().orElseThrow()));
        ConnectionSettings settings = new ConnectionSettings(sim.url(), sim.username(), sim.password(), bundle, null,
                false, 4, Duration.ofSeconds(30));
        try (VimVCenter vc = VimVCenter.open(settings, VimVCenter.Tuning.DEFAULT)) {
            assertThat(roundTrip(vc, onEsx01)).contains("through the host");
            assertThat(roundTrip(vc, onIpHost)).contains("through the host");
        }
    }

    @Test
    void certificateOtherThanVCentersReportIsRefusedUntilTheReportedOneIsBack() {
        SIM.simulator().swapHostCertificate(ESX02, true);
        // A fresh connection: an open keep-alive connection stays with the host it verified.
        try (VimVCenter fresh = VimVCenter.open(SIM.simulator().connectionSettings(), VimVCenter.Tuning.DEFAULT)) {
            assertThatThrownBy(() -> roundTrip(fresh, onEsx02))
                    .isInstanceOfSatisfying(GuestFileTransferException.class, e -> {
                        assertThat(e.hostFault()).isEqualTo(GuestFileHostFault.CERTIFICATE_REFUSED);
                        assertThat(e.hostName()).isEqualTo(ESX02);
                        assertThat(e.address()).isEqualTo("127.77.0.12");
                    })
                    .hasMessageContaining("not the one vCenter reports");
            SIM.simulator().swapHostCertificate(ESX02, false);
            assertThat(roundTrip(fresh, onEsx02)).contains("through the host");
        } finally {
            SIM.simulator().swapHostCertificate(ESX02, false);
        }
    }

    @Test
    void unreachableHostNamesAddressAndPort() {
        Simulator sim = SIM.simulator();
        int port = sim.hosts().stream().filter(h -> ESX01.equals(h.get("name")))
                .map(h -> ((Number) h.get("port")).intValue()).findFirst().orElseThrow();
        sim.hostMode(ESX01, "refused");
        try (VimVCenter fresh = VimVCenter.open(sim.connectionSettings(), VimVCenter.Tuning.DEFAULT)) {
            assertThatThrownBy(() -> roundTrip(fresh, onEsx01))
                    .isInstanceOfSatisfying(GuestFileTransferException.class, e -> {
                        assertThat(e.hostFault()).isEqualTo(GuestFileHostFault.UNREACHABLE);
                        assertThat(e.address()).isEqualTo("127.77.0.11");
                        assertThat(e.port()).isEqualTo(port);
                    })
                    .hasMessageContaining("open TCP " + port + " from the operator's pods to 127.77.0.11");
            sim.hostMode(ESX01, "blackhole");
            try (VimVCenter other = VimVCenter.open(sim.connectionSettings(), VimVCenter.Tuning.DEFAULT)) {
                // The connect timeout ended it, not the (longer) request timeout: a host that never
                // answers is reported as unreachable, the same as a refused connection.
                assertThatThrownBy(() -> roundTrip(other, onEsx01))
                        .isInstanceOfSatisfying(GuestFileTransferException.class,
                                e -> assertThat(e.hostFault()).isEqualTo(GuestFileHostFault.UNREACHABLE))
                        .hasMessageContaining("cannot connect to")
                        .hasMessageContaining("connect timed out");
            }
        } finally {
            sim.hostMode(ESX01, "ok");
        }
    }
}
