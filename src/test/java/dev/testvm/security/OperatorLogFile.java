package dev.testvm.security;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.jboss.logmanager.ExtLogRecord;

/**
 * A root-logger handler writing every record of the JVM to a file, whatever the console shows:
 * the formatted message, the logger, and the full stack trace of an attached exception with
 * every cause (messages of nested exceptions are where a secret would hide).
 */
final class OperatorLogFile extends Handler {

    private final BufferedWriter out;
    private final SimpleFormatter plainFormatter = new SimpleFormatter();

    OperatorLogFile(Path file) {
        try {
            Files.createDirectories(file.getParent());
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : plainFormatter.formatMessage(record);
        StringBuilder line = new StringBuilder()
                .append(Instant.ofEpochMilli(record.getMillis())).append(' ')
                .append(record.getLevel()).append(" [").append(record.getLoggerName()).append("] ")
                .append(message).append('\n');
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        synchronized (out) {
            try {
                out.write(line.toString());
                out.flush();
            } catch (IOException e) {
                reportError("cannot write the operator log file", e, 0);
            }
        }
    }

    @Override
    public void flush() {
        synchronized (out) {
            try {
                out.flush();
            } catch (IOException e) {
                reportError("cannot flush the operator log file", e, 0);
            }
        }
    }

    @Override
    public void close() {
        synchronized (out) {
            try {
                out.close();
            } catch (IOException e) {
                reportError("cannot close the operator log file", e, 0);
            }
        }
    }
}
