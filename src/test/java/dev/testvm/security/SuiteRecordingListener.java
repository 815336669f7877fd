package dev.testvm.security;

import dev.testvm.testsupport.SuiteRecord;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts recording the operator's logs before the first test class of the run (Quarkus
 * in-process operator, LocalOperator instances and plain client tests alike), with the
 * operator's own categories at DEBUG, so {@link SecretLeakAuditTest} can search them at the end.
 * The TestVMs and Events are recorded by the API server support (KubeObjectRecorder).
 */
public class SuiteRecordingListener implements LauncherSessionListener {

    /** Kept strongly: JUL holds loggers weakly, and a collected logger would lose its level. */
    private static final Logger OPERATOR = Logger.getLogger("dev.testvm");

    private OperatorLogFile handler;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        SuiteRecord.reset();
        handler = new OperatorLogFile(SuiteRecord.OPERATOR_LOG);
        handler.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(handler);
        // The Quarkus operator gets the same level from the surefire configuration (its config resets levels on start).
        OPERATOR.setLevel(Level.FINE);
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (handler != null) {
            Logger.getLogger("").removeHandler(handler);
            handler.close();
            handler = null;
        }
    }
}
