package dev.testvm.vsphere.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.vsphere.ConnectionSettings;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VCenterUnreachableException;
import dev.testvm.vsphere.fault.InvalidLoginException;
import dev.testvm.vsphere.methods.SessionMethods;
import dev.testvm.vsphere.vim.VimVCenter;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Login, re-login, logout, shared session; against a simulator that checks credentials. */
class SessionTest {

    static final String VC_USER = "operator@vsphere.local";
    static final String VC_PASSWORD = "vc-Secret-4711";

    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().credentials(VC_USER, VC_PASSWORD);

    private static final String VM_PATH = "DC0/vm/DC0_H0_VM0";

    private static VimVCenter connect() {
        return VimVCenter.open(SIM.simulator().connectionSettings(), VimVCenter.Tuning.DEFAULT);
    }

    @Test
    void logsInWithTheCallersCredentialsAndWorks() {
        try (VCenter vc = VimVCenter.connect(SIM.simulator().connectionSettings())) {
            assertThat(vc.findByInventoryPath(VM_PATH)).isPresent();
            assertThat(vc.findByInventoryPath("DC0/vm/does-not-exist")).isEmpty();
        }
    }

    @Test
    void wrongPasswordIsInvalidLogin() {
        Simulator sim = SIM.simulator();
        ConnectionSettings wrong = new ConnectionSettings(sim.url(), VC_USER, "not-the-password", null,
                sim.thumbprint(), false, 4, Duration.ofSeconds(10));
        assertThatThrownBy(() -> VimVCenter.connect(wrong))
                .isInstanceOf(InvalidLoginException.class)
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void sessionLostOnTheServerIsRenewedTransparentlyAndOnce() throws Exception {
        try (VimVCenter vc = connect()) {
            assertThat(vc.requestStats().count("Login")).isEqualTo(1);
            killSessionBehindTheClientsBack(vc);

            int threads = 8;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return vc.findByInventoryPath(VM_PATH).isPresent();
                }));
            }
            start.countDown();
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
            pool.shutdown();
            assertThat(vc.requestStats().count("Login")).as("one re-login for 8 threads").isEqualTo(2);
        }
    }

    @Test
    void simulatorSessionExpiryIsRenewedTransparently() {
        try (VimVCenter vc = connect()) {
            long loginsBefore = SIM.simulator().stats().loginCount();
            SIM.simulator().expireSessions();
            assertThat(vc.findByInventoryPath(VM_PATH)).isPresent();
            assertThat(SIM.simulator().stats().loginCount()).isEqualTo(loginsBefore + 1);
        }
    }

    @Test
    void closeLogsOut() {
        long logoutsBefore = SIM.simulator().stats().logoutCount();
        VimVCenter vc = connect();
        vc.findByInventoryPath(VM_PATH);
        vc.close();
        assertThat(vc.requestStats().count("Logout")).isEqualTo(1);
        assertThat(SIM.simulator().stats().logoutCount()).isEqualTo(logoutsBefore + 1);
    }

    @Test
    void serverErrorWithoutFaultIsUnreachableAndTheSessionSurvivesIt() {
        try (VimVCenter vc = connect()) {
            SIM.simulator().unreachable(true);
            try {
                assertThatThrownBy(() -> vc.findByInventoryPath(VM_PATH))
                        .isInstanceOf(VCenterUnreachableException.class)
                        .hasMessageContaining("HTTP 503");
            } finally {
                SIM.simulator().unreachable(false);
            }
            assertThat(vc.findByInventoryPath(VM_PATH)).isPresent();
        }
    }

    @Test
    void closedPortIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ConnectionSettings settings = new ConnectionSettings(URI.create("https://127.0.0.1:" + port + "/sdk"),
                VC_USER, VC_PASSWORD, null, null, true, 4, Duration.ofSeconds(5));
        assertThatThrownBy(() -> VimVCenter.connect(settings))
                .isInstanceOf(VCenterUnreachableException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageNotContaining(VC_PASSWORD);
    }

    /** Logs the client's session out with its own cookie, as an idle timeout on vCenter would. */
    static void killSessionBehindTheClientsBack(VimVCenter vc) {
        SessionMethods.logout(vc.session().soap(), vc.session().serviceContent().sessionManager());
    }

    @Test
    void propertyReadsRightAfterTheSessionExpiredSeeTheRealValues() {
        try (VimVCenter vc = connect()) {
            dev.testvm.vsphere.MoRef vm = vc.findByInventoryPath(VM_PATH).orElseThrow();
            assertThat(vc.vmInfo(vm).powerState()).isEqualTo(dev.testvm.vsphere.PowerState.POWERED_ON);
            SIM.simulator().expireSessions();
            assertThat(vc.vmInfo(vm).powerState()).as("power state read by the first call after the session expired")
                    .isEqualTo(dev.testvm.vsphere.PowerState.POWERED_ON);
        }
    }
}
