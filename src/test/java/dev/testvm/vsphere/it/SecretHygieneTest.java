package dev.testvm.vsphere.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.testsupport.TestPasswords;
import dev.testvm.vsphere.ConnectionSettings;
import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.fault.InvalidGuestLoginException;
import dev.testvm.vsphere.fault.InvalidLoginException;
import dev.testvm.vsphere.vim.VimVCenter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Passwords never reach logs, exception messages or toString: with the client logging every
 * request and response at DEBUG, do a failed and a good vCenter login and a guest operation with
 * a wrong and a right guest password, and look for the passwords in everything captured.
 */
class SecretHygieneTest {

    static final String VC_PASSWORD = TestPasswords.register("vc-pw-Zebra-9931");
    static final String WRONG_VC_PASSWORD = TestPasswords.register("vc-wrong-Okapi-1177");
    static final String WRONG_GUEST_PASSWORD = TestPasswords.register("guest-wrong-Lemur-5521");

    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().credentials("hygiene@vsphere.local", VC_PASSWORD);

    private final List<String> captured = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger("dev.testvm.vsphere");
    private Level previousLevel;
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            Object[] params = record.getParameters();
            captured.add(message + " " + (params == null ? "" : List.of(params)));
            if (record.getThrown() != null) {
                captured.add(stackTrace(record.getThrown()));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void captureDebugLog() {
        previousLevel = logger.getLevel();
        logger.setLevel(Level.FINEST);
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
        logger.setUseParentHandlers(false); // keep DEBUG bodies off the console
    }

    @AfterEach
    void stopCapture() {
        logger.removeHandler(handler);
        logger.setUseParentHandlers(true);
        logger.setLevel(previousLevel);
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    @Test
    void passwordsAppearNowhere() {
        Simulator sim = SIM.simulator();
        ConnectionSettings wrong = new ConnectionSettings(sim.url(), sim.username(), WRONG_VC_PASSWORD, null,
                sim.thumbprint(), false, 4, Duration.ofSeconds(10));
        Throwable loginFailure = catchThrowable(() -> VimVCenter.connect(wrong).close());
        assertThat(loginFailure).isInstanceOf(InvalidLoginException.class);
        captured.add(stackTrace(loginFailure));
        captured.add(wrong.toString());

        ConnectionSettings right = sim.connectionSettings();
        captured.add(right.toString());
        try (VimVCenter vc = VimVCenter.open(right, VimVCenter.Tuning.DEFAULT)) {
            MoRef vm = GuestVms.start(vc, LifecycleTest.UBUNTU, Map.of());
            try {
                GuestVms.awaitGuestOperationsReady(vc, vm);
                GuestCredentials bad = new GuestCredentials(Simulator.GUEST_USER, WRONG_GUEST_PASSWORD);
                captured.add(bad.toString());
                Throwable guestFailure = catchThrowable(() -> vc.startProgramInGuest(vm, bad, "/bin/sh", "-c true"));
                assertThat(guestFailure).isInstanceOf(InvalidGuestLoginException.class);
                captured.add(stackTrace(guestFailure));
                GuestCredentials good = new GuestCredentials(Simulator.GUEST_USER, Simulator.GUEST_PASSWORD);
                captured.add(good.toString());
                vc.startProgramInGuest(vm, good, "/bin/sh", "-c true");
            } finally {
                GuestVms.destroy(vc, vm);
            }
        }

        String all = String.join("\n", captured);
        // the capture is real: requests were logged, with the passwords masked
        assertThat(all).contains("vim25 request Login").contains("vim25 request StartProgramInGuest").contains("<password>***</password>");
        for (String secret : List.of(VC_PASSWORD, WRONG_VC_PASSWORD, WRONG_GUEST_PASSWORD, Simulator.GUEST_PASSWORD)) {
            assertThat(all).as("captured log, messages and toString").doesNotContain(secret);
        }
    }

    private static Throwable catchThrowable(Runnable r) {
        try {
            r.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Test
    void wrongVcenterPasswordMessageDoesNotEchoIt() {
        Simulator sim = SIM.simulator();
        ConnectionSettings wrong = new ConnectionSettings(sim.url(), sim.username(), WRONG_VC_PASSWORD, null,
                sim.thumbprint(), false, 4, Duration.ofSeconds(10));
        assertThatThrownBy(() -> VimVCenter.connect(wrong)).hasMessageNotContaining(WRONG_VC_PASSWORD);
    }
}
