package dev.testvm.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SuiteRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The secret-leak audit of the whole test run: no test password shows up in any log record of
 * the JVM (operator in Quarkus, LocalOperator instances, vSphere client; messages and stack
 * traces, DEBUG included), nor in any version of any TestVM (status included) or in any Event
 * the API servers held. {@link AuditLastClassOrderer} runs it after all other test classes of
 * {@code ./mvnw verify}; the recording is done by {@link SuiteRecordingListener} and
 * {@code KubeObjectRecorder}.
 *
 * <p>It cannot pass on an empty recording: it first checks that the run recorded at least the
 * volume the end-to-end suite produces. Run alone (e.g. {@code -Dtest=SecretLeakAuditTest}) it
 * therefore fails.
 */
class SecretLeakAuditTest {

    // The full suite records far more (see docs); these floors only prove the recording worked.
    static final int MIN_TESTVMS_READY = 10;
    static final int MIN_OPERATOR_EVENTS = 30;
    static final int MIN_OPERATOR_LOG_LINES = 200;
    static final Set<String> NAMESPACES_WITH_TESTVMS = Set.of("e2e", "restart", "leader");

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Set<String> passwords;
    private static List<Path> kubeObjectFiles;

    @BeforeAll
    static void readRecording() throws IOException {
        assertThat(SuiteRecord.PASSWORDS).as("registered test passwords").exists();
        passwords = new LinkedHashSet<>(Files.readAllLines(SuiteRecord.PASSWORDS, StandardCharsets.UTF_8));
        passwords.removeIf(String::isEmpty);
        try (Stream<Path> files = Files.list(SuiteRecord.DIR)) {
            kubeObjectFiles = files.filter(p -> p.getFileName().toString().startsWith(SuiteRecord.KUBE_OBJECTS_PREFIX)).sorted().toList();
        }
    }

    @Test
    void theRecordingCoversTheSuite() throws IOException {
        assertThat(passwords).as("passwords the tests registered").contains(Simulator.GUEST_PASSWORD).hasSizeGreaterThanOrEqualTo(3);

        long operatorLines;
        try (Stream<String> lines = Files.lines(SuiteRecord.OPERATOR_LOG, StandardCharsets.UTF_8)) {
            operatorLines = lines.filter(l -> l.contains(" [dev.testvm.")).count();
        }
        assertThat(operatorLines).as("log lines of dev.testvm.* in " + SuiteRecord.OPERATOR_LOG).isGreaterThanOrEqualTo(MIN_OPERATOR_LOG_LINES);

        Set<String> readyUids = new HashSet<>();
        Set<String> namespaces = new HashSet<>();
        int operatorEvents = 0;
        for (Path file : kubeObjectFiles) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                JsonNode record = JSON.readTree(line);
                JsonNode object = record.path("object");
                if (record.path("kind").asText().equals("TestVM")) {
                    namespaces.add(object.path("metadata").path("namespace").asText());
                    if (object.path("status").path("phase").asText().equals("Ready")) {
                        readyUids.add(object.path("metadata").path("uid").asText());
                    }
                } else if (object.path("source").path("component").asText().equals("testvm-operator")) {
                    operatorEvents++;
                }
            }
        }
        assertThat(kubeObjectFiles).as("TestVM/Event recordings in " + SuiteRecord.DIR).isNotEmpty();
        assertThat(readyUids).as("TestVMs seen Ready").hasSizeGreaterThanOrEqualTo(MIN_TESTVMS_READY);
        assertThat(operatorEvents).as("Event versions written by the operator").isGreaterThanOrEqualTo(MIN_OPERATOR_EVENTS);
        assertThat(namespaces).as("namespaces with TestVMs (Quarkus operator and LocalOperators)").containsAll(NAMESPACES_WITH_TESTVMS);
    }

    @Test
    void noTestPasswordInAnyLogTestVmOrEvent() throws IOException {
        LeakMatcher matcher = new LeakMatcher(passwords);
        List<LeakMatcher.Leak> leaks = new ArrayList<>();
        List<Path> files = new ArrayList<>(kubeObjectFiles);
        files.add(SuiteRecord.OPERATOR_LOG);
        for (Path file : files) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                leaks.addAll(matcher.scan(file.getFileName().toString(), in));
            }
        }
        List<LeakMatcher.Leak> first = leaks.subList(0, Math.min(leaks.size(), 40));
        assertThat(first).as("%d occurrences of test passwords in the run's recording (%s); the first ones", leaks.size(), SuiteRecord.DIR)
                .isEmpty();
    }
}
