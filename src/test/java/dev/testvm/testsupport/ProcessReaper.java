package dev.testvm.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Makes sure a test JVM killed with SIGKILL leaves no etcd, kube-apiserver or simulator behind:
 * each JVM records the helper processes it started in a file named after its own pid; the next
 * JVM kills the processes of every file whose JVM is gone (checking the command still matches, so
 * a recycled pid is left alone).
 */
public final class ProcessReaper {

    private static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"), "testvm-test-processes");

    private ProcessReaper() {}

    /** Records {@code process} as started by this JVM. */
    public static synchronized void record(ProcessHandle process) {
        try {
            Files.createDirectories(DIR);
            String line = process.pid() + " " + process.info().command().orElse("?") + System.lineSeparator();
            Files.writeString(DIR.resolve(ProcessHandle.current().pid() + ".pids"), line,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills what dead test JVMs left behind. */
    public static synchronized void reapOrphans() {
        if (!Files.isDirectory(DIR)) {
            return;
        }
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".pids")) {
                    continue;
                }
                long owner = Long.parseLong(name.substring(0, name.length() - ".pids".length()));
                if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                for (String line : Files.readAllLines(file)) {
                    kill(line);
                }
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void kill(String line) {
        String[] parts = line.split(" ", 2);
        if (parts.length < 2) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(parts[0]));
        process.filter(p -> p.info().command().map(parts[1]::equals).orElse(false)).ifPresent(p -> {
            System.err.println("[testsupport] killing leftover " + parts[1] + " (pid " + p.pid() + ")");
            p.destroyForcibly();
        });
    }

    /** Records the current descendants of this JVM whose command matches one of {@code names}. */
    public static void recordDescendants(List<String> names) {
        ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> names.stream().anyMatch(c::endsWith)).orElse(false))
                .forEach(ProcessReaper::record);
    }
}
