package dev.testvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.IpDiscoveryStrategy;
import dev.testvm.api.TestVM;
import dev.testvm.security.LeakMatcher;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.LocalOperator;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.testsupport.StatusRecorder;
import dev.testvm.testsupport.TestPasswords;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Passwords made of the characters that escaping changes — XML ({@code & < > " '}), URLs
 * ({@code % +} and space), JSON ({@code " \}) — and non-ASCII letters, for vCenter and for the
 * guest: the operator logs in to both (guest operations deliver the IP on Linux and Windows), and no
 * spelling of either password (plain, XML-, JSON-, URL-escaped, base64) shows up in the log lines
 * written meanwhile (DEBUG on), in any version of the TestVMs or in their Events. The suite's
 * {@code SecretLeakAuditTest} searches for them too: they are registered. Own simulator (it accepts
 * only this vCenter login) and operator instance, namespace {@value #NAMESPACE}.
 */
class HostilePasswordsEndToEndTest {

    static final String NAMESPACE = "hostile-pw";
    static final String VCENTER_USER = "ci-bot@vsphere.local";
    static final String VCENTER_PASSWORD = TestPasswords.register("Vc &<b>\"q' 100%+ Pässwörd\\€");
    static final String GUEST_PASSWORD = TestPasswords.register("Gü &amp;<>\"' %2B+ gäst ñ\\pw");
    static final String SECRET = "hostile-guest-login";

    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().timeScale(0.05).credentials(VCENTER_USER, VCENTER_PASSWORD);

    private static KubernetesClient client;

    @BeforeAll
    static void setUp() {
        client = KubeApiServers.newClient();
        LocalOperator.prepare(client, NAMESPACE);
        client.resource(TestVMs.guestSecret(NAMESPACE, SECRET, Simulator.GUEST_USER, GUEST_PASSWORD)).serverSideApply();
    }

    @AfterAll
    static void tearDown() {
        client.close();
    }

    @Test
    void loginsAndGuestOperationsWorkAndNoSpellingOfEitherPasswordLeaks() throws IOException {
        Simulator simulator = SIM.simulator();
        Map<String, String> knobs = Map.of("guestPassword", GUEST_PASSWORD);
        simulator.addTemplate("hostile-linux", "ubuntu-22.04", knobs, List.of(), false);
        simulator.addTemplate("hostile-windows", "windows-2016", knobs, List.of(), false);
        List<String> names = List.of("hostile-linux", "hostile-windows");
        LocalOperator operator;
        List<String> logLines;
        List<String> versions = new ArrayList<>();
        try (LogCapture logs = LogCapture.start(); StatusRecorder recorder = new StatusRecorder(client, NAMESPACE)) {
            operator = LocalOperator.start(client, simulator, NAMESPACE, o -> {});
            try {
                for (String name : names) {
                    client.resource(TestVMs.withDiscovery(NAMESPACE, name, "Templates/" + name, CloneTypeSpec.linked, SECRET,
                            d -> d.setStrategy(IpDiscoveryStrategy.guestOperations))).create();
                }
                for (String name : names) {
                    TestVM ready = await().atMost(Duration.ofSeconds(120)).until(
                            () -> client.resources(TestVM.class).inNamespace(NAMESPACE).withName(name).get(),
                            t -> TestVMs.isReady(t) || TestVMs.failed(t).isPresent());
                    assertThat(TestVMs.isReady(ready)).as("%s: %s", name, ready.getStatus()).isTrue();
                    assertThat(ready.getStatus().getIpSource()).as("the guest accepted the password").isEqualTo("GuestOperations");
                    recorder.versions(name).forEach(v -> versions.add(Serialization.asJson(v)));
                }
                assertThat(simulator.stats().requests("StartProgramInGuest")).isPositive();
            } finally {
                client.resources(TestVM.class).inNamespace(NAMESPACE).delete();
                await().atMost(Duration.ofSeconds(120))
                        .until(() -> client.resources(TestVM.class).inNamespace(NAMESPACE).list().getItems().isEmpty());
                operator.stop();
            }
            logLines = logs.lines();
        }
        List<String> events = client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .map(Event::getMessage).toList();

        assertThat(logLines).as("log lines captured (DEBUG on)").hasSizeGreaterThan(20);
        assertThat(versions).as("TestVM versions recorded").hasSizeGreaterThan(4);
        assertThat(events).isNotEmpty();
        LeakMatcher matcher = new LeakMatcher(List.of(VCENTER_PASSWORD, GUEST_PASSWORD));
        List<LeakMatcher.Leak> leaks = new ArrayList<>();
        leaks.addAll(matcher.scan("log", lines(logLines)));
        leaks.addAll(matcher.scan("TestVM versions", lines(versions)));
        leaks.addAll(matcher.scan("Events", lines(events)));
        assertThat(leaks).isEmpty();
    }

    private static BufferedReader lines(List<String> texts) {
        return new BufferedReader(new StringReader(String.join("\n", texts)));
    }
}
