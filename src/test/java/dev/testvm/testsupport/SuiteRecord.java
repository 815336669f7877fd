package dev.testvm.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where one test run records what the operator showed to the outside world (its logs, the
 * TestVMs and Events it wrote) and which passwords the tests used, for the secret-leak audit that
 * runs after all other test classes. Files, not static fields: Quarkus loads test classes in
 * its own class loader, so several copies of a class may record within one JVM.
 */
public final class SuiteRecord {

    public static final Path DIR = Path.of("target", "security-audit").toAbsolutePath();
    /** Every log record of the JVM, with stack traces. */
    public static final Path OPERATOR_LOG = DIR.resolve("operator.log");
    /** Every password a test used, one per line. */
    public static final Path PASSWORDS = DIR.resolve("passwords.txt");
    /** Files named {@code kube-objects-*.jsonl}: every version of every TestVM and Event one API server held. */
    public static final String KUBE_OBJECTS_PREFIX = "kube-objects-";

    private SuiteRecord() {}

    /** Empties the record directory; called once when the test run starts. */
    public static void reset() {
        try {
            if (Files.isDirectory(DIR)) {
                try (Stream<Path> files = Files.walk(DIR)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(DIR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends one line; a single small O_APPEND write, so concurrent writers do not interleave. */
    static void appendLine(Path file, String line) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
