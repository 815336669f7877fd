package dev.testvm.e2e;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Collects every log line written in this JVM while open (Quarkus logs through JUL), with the
 * operator's own categories ({@code dev.testvm}) turned up to DEBUG meanwhile.
 */
final class LogCapture extends Handler implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger operator = Logger.getLogger("dev.testvm");
    private Level operatorLevel;

    static LogCapture start() {
        LogCapture capture = new LogCapture();
        capture.operatorLevel = capture.operator.getLevel();
        capture.operator.setLevel(Level.FINE);
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        StringBuilder line = new StringBuilder(String.valueOf(message));
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            line.append(" | ").append(t);
        }
        lines.add(line.toString());
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
        operator.setLevel(operatorLevel);
    }
}
