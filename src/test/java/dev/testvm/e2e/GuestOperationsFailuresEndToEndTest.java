package dev.testvm.e2e;

import static dev.testvm.e2e.TestVMs.message;
import static dev.testvm.e2e.TestVMs.reason;
import static dev.testvm.testsupport.OperatorTestEnvironment.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.IpDiscoverySpec;
import dev.testvm.api.IpDiscoveryStrategy;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;
import dev.testvm.testsupport.EndToEnd;
import dev.testvm.testsupport.OperatorTestEnvironment;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.TestPasswords;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * When guest operations cannot deliver, on Linux and Windows guests of the simulator: a condition
 * says why (naming the Secret or the command's exit code and first line) and, with strategy auto,
 * VMware Tools deliver the address instead. Templates and timings: {@link DiscoveryTemplates}.
 */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestEnvironment.class, restrictToAnnotatedClass = false)
class GuestOperationsFailuresEndToEndTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String WRONG_PASSWORD = TestPasswords.register("Wr0ng-guest-Passw0rd");
    private static final String SECRET = "guest-login";

    @RegisterExtension
    static final EndToEnd E2E = EndToEnd.inProcessOperator().guestSecret(SECRET)
            .beforeEach(DiscoveryTemplates::ensure).recordStatuses().timeout(TIMEOUT);

    private LogCapture logs;

    @BeforeEach
    void captureLogs() {
        logs = LogCapture.start();
    }

    @AfterEach
    void stopCapturingLogs() {
        logs.close();
    }

    /**
     * A refused login is tried once, reported with the Secret's name, and Tools deliver the IP.
     * "Fixing the Secret switches back", observably: the Ready TestVM keeps its Tools answer (its
     * IP is settled), but the next TestVM using the fixed Secret is served by guest operations
     * again, with no GuestOperations problem. (While a TestVM still waits, see the next test.)
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void wrongPasswordFallsBackToToolsAndTheFixedSecretServesTheNextTestVm(String os) {
        Simulator simulator = OperatorTestEnvironment.simulator();
        E2E.client().resource(TestVMs.guestSecret(NAMESPACE, SECRET, Simulator.GUEST_USER, WRONG_PASSWORD)).serverSideApply();
        long startsBefore = simulator.stats().requests("StartProgramInGuest");
        String name = "wrong-pw-" + os;

        TestVM ready = createAndAwait(name, DiscoveryTemplates.path(os, "fallback"), d -> {}, TestVMs::isReady);

        assertThat(ready.getStatus().getIpSource()).isEqualTo("Tools");
        assertThat(ready.getStatus().getIp()).isEqualTo(TestVMs.simulatorVm(simulator, ready).get("publishedIp"));
        assertThat(reason(ready, ConditionTypes.GUEST_OPERATIONS)).isEqualTo("GuestCredentialsRejected");
        assertThat(TestVMs.condition(ready, ConditionTypes.GUEST_OPERATIONS).orElseThrow().getStatus()).isEqualTo("False");
        assertThat(message(ready, ConditionTypes.GUEST_OPERATIONS)).contains("Secret '" + SECRET + "'").contains("InvalidGuestLogin");
        // Tried once: no login loop that would lock a real guest account out.
        assertThat(simulator.stats().requests("StartProgramInGuest") - startsBefore).isEqualTo(1);
        assertNoPasswordAnywhere(name);

        E2E.client().resource(TestVMs.guestSecret(NAMESPACE, SECRET, Simulator.GUEST_USER, Simulator.GUEST_PASSWORD)).serverSideApply();
        String next = "fixed-pw-" + os;
        TestVM second = createAndAwait(next, DiscoveryTemplates.path(os, "fallback"), d -> {}, TestVMs::isReady);
        assertThat(second.getStatus().getIpSource()).isEqualTo("GuestOperations");
        assertThat(TestVMs.condition(second, ConditionTypes.GUEST_OPERATIONS)).isEmpty();
    }

    /** Fixing the Secret while the TestVM still waits for its IP clears the rejection at once. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void fixingTheSecretWhileWaitingSwitchesBackToGuestOperations(String os) {
        E2E.client().resource(TestVMs.guestSecret(NAMESPACE, SECRET, Simulator.GUEST_USER, WRONG_PASSWORD)).serverSideApply();
        String name = "fix-pw-" + os;
        // Tools would publish only after 30 s here.
        createAndAwait(name, DiscoveryTemplates.path(os, ""), d -> {},
                t -> reason(t, ConditionTypes.GUEST_OPERATIONS).equals("GuestCredentialsRejected"));

        E2E.client().resource(TestVMs.guestSecret(NAMESPACE, SECRET, Simulator.GUEST_USER, Simulator.GUEST_PASSWORD)).serverSideApply();
        TestVM ready = await().atMost(TIMEOUT).until(() -> E2E.get(name), t -> TestVMs.isReady(t) || TestVMs.failed(t).isPresent());

        assertThat(ready.getStatus().getIpSource()).isEqualTo("GuestOperations");
        assertThat(reason(ready, ConditionTypes.GUEST_OPERATIONS)).isEqualTo("GuestOperationsWorking");
        assertThat(TestVMs.condition(ready, ConditionTypes.GUEST_OPERATIONS).orElseThrow().getStatus()).isEqualTo("True");
        assertThat(TestVMs.simulatorVm(OperatorTestEnvironment.simulator(), ready).get("ipPublishedAt")).isEqualTo(0);
        assertNoPasswordAnywhere(name);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void commandExitingNonZeroIsReportedAndToolsDeliver(String os) {
        E2E.client().resource(TestVMs.guestSecret(NAMESPACE, SECRET, Simulator.GUEST_USER, Simulator.GUEST_PASSWORD)).serverSideApply();
        // cmd: without the parentheses the redirection would bind to "exit 3" alone.
        String command = os.equals("linux") ? "echo 'no adapter is configured'; echo second line; exit 3"
                : "(echo no adapter is configured & echo second line & exit 3)";

        TestVM ready = createAndAwait("fails-" + os, DiscoveryTemplates.path(os, "fallback"), d -> d.setCommand(command),
                TestVMs::isReady);

        assertThat(ready.getStatus().getIpSource()).isEqualTo("Tools");
        assertThat(reason(ready, ConditionTypes.GUEST_OPERATIONS)).isEqualTo("GuestCommandFailed");
        assertThat(message(ready, ConditionTypes.GUEST_OPERATIONS))
                .contains("exited with code 3").contains("no adapter is configured").doesNotContain("second line")
                .contains("using VMware Tools' address instead");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void outputWithoutAnyIpKeepsWaitingAndToolsDeliver(String os) {
        E2E.client().resource(TestVMs.guestSecret(NAMESPACE, SECRET, Simulator.GUEST_USER, Simulator.GUEST_PASSWORD)).serverSideApply();
        String name = "no-ip-" + os;

        TestVM ready = createAndAwait(name, DiscoveryTemplates.path(os, "fallback"), d -> d.setCommand("echo hello from the guest"),
                TestVMs::isReady);

        assertThat(ready.getStatus().getIpSource()).isEqualTo("Tools");
        assertThat(E2E.statuses().anyMatch(name, t -> message(t, ConditionTypes.READY)
                .contains("guest command output: no IP address reported yet"))).isTrue();
        // Output without an address is "not yet", not a failure.
        assertThat(E2E.statuses().anyMatch(name, t -> TestVMs.condition(t, ConditionTypes.GUEST_OPERATIONS).isPresent())).isFalse();
    }

    /** Strategy guestOperations has no Tools to fall back on: the timeout ends it, saying why. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void guestOperationsOnlyWithoutAnyIpTimesOut(String os) {
        E2E.client().resource(TestVMs.guestSecret(NAMESPACE, SECRET, Simulator.GUEST_USER, Simulator.GUEST_PASSWORD)).serverSideApply();

        TestVM failed = createAndAwait("no-ip-only-" + os, DiscoveryTemplates.path(os, "fallback"), d -> {
            d.setStrategy(IpDiscoveryStrategy.guestOperations);
            d.setCommand("echo hello from the guest");
            d.setTimeout("10s"); // the schema's minimum
        }, t -> TestVMs.failed(t).isPresent());

        assertThat(failed.getStatus().getPhase()).isEqualTo(Phase.Failed);
        assertThat(failed.getStatus().getIp()).isNull();
        assertThat(reason(failed, ConditionTypes.FAILED)).isEqualTo("IPDiscoveryTimeout");
        // The message carries the last discovery state: usually "no IP address reported yet", but on a
        // loaded machine the timeout can fall while a guest command runs ("... command started", or
        // "... still running (pid N)" once it has been polled).
        assertThat(message(failed, ConditionTypes.FAILED)).contains("spec.ipDiscovery.timeout: no IP found within 10s")
                .containsPattern("\\(last: (.*no IP address reported yet.*|.*command started.*|.*still running \\(pid \\d+\\).*)\\)$");
    }

    private TestVM createAndAwait(String name, String template, Consumer<IpDiscoverySpec> discovery, Predicate<TestVM> until) {
        E2E.client().resource(TestVMs.withDiscovery(NAMESPACE, name, template, CloneTypeSpec.linked, SECRET, discovery)).create();
        TestVM result = await().atMost(TIMEOUT).until(() -> E2E.get(name), t -> until.test(t) || TestVMs.failed(t).isPresent());
        assertThat(until.test(result)).as("%s: %s", name, result.getStatus()).isTrue();
        return result;
    }

    /**
     * A command that keeps failing is reported once: one Warning Event and a GuestOperations condition
     * that stays False, while the retries are spaced out (1 s doubling to 30 s) instead of re-running
     * the command on every pass.
     */
    @Test
    void aCommandThatKeepsFailingIsReportedOnceAndRetriedWithPauses() {
        E2E.client().resource(TestVMs.guestSecret(NAMESPACE, SECRET, Simulator.GUEST_USER, Simulator.GUEST_PASSWORD)).serverSideApply();
        String name = "exit-3";
        createAndAwait(name, DiscoveryTemplates.path("linux", "fallback"), d -> {
            d.setStrategy(IpDiscoveryStrategy.guestOperations);
            d.setCommand("echo no address here; exit 3");
        }, t -> reason(t, ConditionTypes.GUEST_OPERATIONS).equals("GuestCommandFailed"));

        await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10))
                .until(() -> commandFailedWarnings(name), count -> count == 1);
        assertThat(E2E.statuses().anyMatch(name, t -> TestVMs.condition(t, ConditionTypes.GUEST_OPERATIONS)
                .map(c -> "True".equals(c.getStatus())).orElse(false))).as("GuestOperations never flipped to True").isFalse();
    }

    private long commandFailedWarnings(String name) {
        return E2E.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()) && "GuestCommandFailed".equals(e.getReason()))
                .count();
    }

    /** The wrong password is in no status version, Event or log line. */
    private void assertNoPasswordAnywhere(String name) {
        for (TestVM version : E2E.statuses().versions(name)) {
            assertThat(Serialization.asJson(version.getStatus())).doesNotContain(WRONG_PASSWORD).doesNotContain(Simulator.GUEST_PASSWORD);
        }
        List<Event> events = E2E.client().v1().events().inNamespace(NAMESPACE).list().getItems();
        assertThat(events).isNotEmpty();
        assertThat(events).allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(WRONG_PASSWORD).doesNotContain(Simulator.GUEST_PASSWORD));
        assertThat(logs.lines()).isNotEmpty();
        assertThat(logs.lines()).allSatisfy(line -> assertThat(line).doesNotContain(WRONG_PASSWORD).doesNotContain(Simulator.GUEST_PASSWORD));
    }
}
