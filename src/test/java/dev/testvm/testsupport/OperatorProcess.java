package dev.testvm.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator in a JVM of its own ({@link OperatorMain}, started with this test JVM's class
 * path), so that it can really be killed: {@link #kill()} sends SIGKILL, which runs no shutdown
 * hook, logs nothing out and loses whatever was in flight. Its output goes to {@code log}. It halts
 * when the test JVM ends, and {@link ProcessReaper} kills it if even that failed.
 */
public final class OperatorProcess {

    private final Process process;
    private final Path log;

    private OperatorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts it and waits until it has started its operator (informers synced). */
    public static OperatorProcess start(Simulator simulator, String namespace, Path log, Duration timeout) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Short-lived JVMs: start fast, stay small.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m",
                "-cp", System.getProperty("java.class.path"),
                OperatorMain.class.getName(),
                KubeApiServers.kubeConfigFile().toString(), namespace, simulator.url().toString(), simulator.thumbprint(),
                simulator.username(), Long.toString(ProcessHandle.current().pid())));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put(OperatorMain.PASSWORD_ENV, simulator.password());
        Process process;
        try {
            Files.createDirectories(log.getParent());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessReaper.record(process.toHandle());
        OperatorProcess started = new OperatorProcess(process, log);
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(50))
                    .failFast("operator JVM exited early; see " + log, () -> !process.isAlive())
                    .until(started::isReady);
        } catch (RuntimeException | Error e) {
            started.kill();
            throw e;
        }
        return started;
    }

    private boolean isReady() throws IOException {
        return Files.readString(log).contains(OperatorMain.READY);
    }

    /** SIGKILL, then waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }
}
