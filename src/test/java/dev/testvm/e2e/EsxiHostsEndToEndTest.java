package dev.testvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.TestVM;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.LocalOperator;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.vsphere.ConnectionSettings;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Active discovery with guest files served by ESXi hosts, as through a real vCenter (simulator in
 * vCenter guest-file mode): hosts named by FQDNs that do not resolve or added by IP, each with its
 * own certificate; a host whose certificate differs from vCenter's report; a host behind a
 * firewall. Linux and Windows guests. Each vCenter trust setting has its own operator
 * ({@link LocalOperator}) and namespace: pinned thumbprint, CA bundle, and a pinned operator kept
 * apart for the certificate swap (an open keep-alive connection would outlive the swap).
 */
class EsxiHostsEndToEndTest {

    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final String SECRET = "guest-login";
    static final String PINNED = "esxi-pinned";
    static final String CA = "esxi-ca";
    static final String SWAP = "esxi-swap";
    static final String ESX01 = "esx-01.testvm-sim.invalid"; // CA-signed, SAN = FQDN only
    static final String ESX02 = "esx-02.testvm-sim.invalid"; // self-signed
    static final String BY_IP = "127.77.0.13";               // added by IP; certificate without IP SAN

    static final SimulatorExtension SIM_STARTER = new SimulatorExtension().guestFileMode("vcenter");
    private static Simulator sim;
    private static KubernetesClient client;
    private static final Map<String, LocalOperator> operators = new HashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        sim = SIM_STARTER.start();
        client = KubeApiServers.newClient();
        for (String os : List.of("linux", "windows")) {
            String from = os.equals("linux") ? "ubuntu-22.04" : "windows-2016";
            // Tools poll 1500 simulated s (30 s real): an address before that is discovery's.
            Map<String, String> knobs = Map.of("toolsSeconds", "50", "ipSeconds", "75", "toolsPollSeconds", "1500");
            sim.addTemplate(template(os, ESX01), from, knobs, List.of(), false, ESX01);
            sim.addTemplate(template(os, ESX02), from, knobs, List.of(), false, ESX02);
            sim.addTemplate(template(os, BY_IP), from, knobs, List.of(), false, BY_IP);
        }
        Path bundle = Files.createTempFile("esxi-e2e-", ".pem");
        Files.writeString(bundle, Files.readString(sim.certificate()) + "\n" + Files.readString(sim.hostCaCertificate().orElseThrow()));
        ConnectionSettings caSettings = new ConnectionSettings(sim.url(), sim.username(), sim.password(), bundle, null,
                false, 16, Duration.ofSeconds(30));
        start(PINNED, sim.connectionSettings());
        start(CA, caSettings);
        start(SWAP, sim.connectionSettings());
    }

    private static void start(String namespace, ConnectionSettings settings) {
        LocalOperator.prepare(client, namespace);
        client.resource(TestVMs.guestSecret(namespace, SECRET, Simulator.GUEST_USER, Simulator.GUEST_PASSWORD)).serverSideApply();
        operators.put(namespace, LocalOperator.start(client, settings, namespace, o -> {}));
    }

    @AfterAll
    static void tearDown() {
        operators.values().forEach(LocalOperator::stop);
        client.close();
        sim.close();
    }

    @AfterEach
    void cleanUp() {
        for (String host : List.of(ESX01, ESX02, BY_IP)) {
            sim.hostMode(host, "ok");
            sim.swapHostCertificate(host, false);
        }
        for (String namespace : operators.keySet()) {
            client.resources(TestVM.class).inNamespace(namespace).delete();
        }
        await().atMost(TIMEOUT).until(() -> operators.keySet().stream()
                .allMatch(ns -> client.resources(TestVM.class).inNamespace(ns).list().getItems().isEmpty()));
    }

    static String template(String os, String host) {
        return "e2e-" + os + "-" + (host.equals(BY_IP) ? "by-ip" : host.substring(0, 6));
    }

    private TestVM createAndAwaitReady(String namespace, String name, String os, String host) {
        client.resource(TestVMs.withDiscovery(namespace, name, "Templates/" + template(os, host), CloneTypeSpec.linked,
                SECRET, d -> {})).create();
        return await().atMost(TIMEOUT).until(() -> client.resources(TestVM.class).inNamespace(namespace).withName(name).get(),
                t -> TestVMs.isReady(t) || TestVMs.failed(t).isPresent());
    }

    @SuppressWarnings("unchecked")
    private static void assertThroughTheHost(TestVM ready) {
        assertThat(TestVMs.isReady(ready)).as("Ready: %s", ready.getStatus()).isTrue();
        assertThat(ready.getStatus().getIpSource()).isEqualTo("GuestOperations");
        assertThat(TestVMs.condition(ready, ConditionTypes.GUEST_OPERATIONS)).isEmpty();
        assertThat((List<Object>) TestVMs.simulatorVm(sim, ready).get("ips")).contains((Object) ready.getStatus().getIp());
    }

    private static List<Event> events(TestVM testVM, String reason) {
        return client.v1().events().inNamespace(testVM.getMetadata().getNamespace()).list().getItems().stream()
                .filter(e -> testVM.getMetadata().getName().equals(e.getInvolvedObject().getName()))
                .filter(e -> reason.equals(e.getReason())).toList();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void caBundleTrustsHostsAddedByFqdn(String os) {
        assertThroughTheHost(createAndAwaitReady(CA, "ca-" + os, os, ESX01));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void pinnedVCenterVouchesForASelfSignedHost(String os) {
        assertThroughTheHost(createAndAwaitReady(PINNED, "pinned-" + os, os, ESX02));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void hostAddedByIpWithoutIpSan(String os) {
        assertThroughTheHost(createAndAwaitReady(PINNED, "by-ip-" + os, os, BY_IP));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void certificateOtherThanVCentersReportIsRefusedAndToolsStillDeliver(String os) {
        sim.swapHostCertificate(ESX02, true);
        TestVM ready = createAndAwaitReady(SWAP, "swapped-" + os, os, ESX02);

        assertThat(TestVMs.isReady(ready)).as("Ready: %s", ready.getStatus()).isTrue();
        assertThat(ready.getStatus().getIpSource()).isEqualTo("GuestOperationsViaTools");
        assertThat(TestVMs.reason(ready, ConditionTypes.GUEST_OPERATIONS)).isEqualTo("GuestFileHostCertificateRefused");
        assertThat(TestVMs.message(ready, ConditionTypes.GUEST_OPERATIONS))
                .contains(ESX02, "not the one vCenter reports", "vCenter only");
        assertThat(events(ready, "GuestFileHostCertificateRefused")).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    @SuppressWarnings("unchecked")
    void unreachableHostLeavesTheVCenterOnlyChannelAndSaysWhatToOpen(String os) {
        int port = sim.hosts().stream().filter(h -> ESX01.equals(h.get("name")))
                .map(h -> ((Number) h.get("port")).intValue()).findFirst().orElseThrow();
        // Linux: connections refused; Windows: a firewall that drops them (connect timeout).
        sim.hostMode(ESX01, os.equals("linux") ? "refused" : "blackhole");
        TestVM ready = createAndAwaitReady(PINNED, "unreachable-" + os, os, ESX01);

        assertThat(TestVMs.isReady(ready)).as("Ready: %s", ready.getStatus()).isTrue();
        assertThat(ready.getStatus().getIpSource()).isEqualTo("GuestOperationsViaTools");
        assertThat((List<Object>) TestVMs.simulatorVm(sim, ready).get("ips")).contains((Object) ready.getStatus().getIp());
        assertThat(TestVMs.reason(ready, ConditionTypes.GUEST_OPERATIONS)).isEqualTo("GuestFileHostUnreachable");
        assertThat(TestVMs.message(ready, ConditionTypes.GUEST_OPERATIONS))
                .contains(ESX01, "127.77.0.11 port " + port, "open TCP " + port, "vCenter only", "info update network");
        assertThat(events(ready, "GuestFileHostUnreachable")).hasSize(1);
    }
}
