package dev.testvm.e2e;

import static dev.testvm.e2e.TestVMs.message;
import static dev.testvm.testsupport.OperatorTestEnvironment.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.ReadinessSpec;
import dev.testvm.api.TestVM;
import dev.testvm.testsupport.EndToEnd;
import dev.testvm.testsupport.OperatorTestEnvironment;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ready means "you can log in": after the IP, spec.readiness's checks (a guest command, a
 * guestinfo key the guest sets, a TCP port reachable from the operator) must pass. The simulated
 * guests start services, set the key and open the port on a schedule (simulated seconds at
 * time-scale 0.02: 50 s = 1 s real; Tools at 1 s, IP at 1.5 s as in {@link DiscoveryTemplates}).
 */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestEnvironment.class, restrictToAnnotatedClass = false)
class ReadinessEndToEndTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String SECRET = "guest-login";
    private static final String LINUX_SSH = "systemctl is-active ssh";
    private static final String WINDOWS_SSHD = "sc query sshd | findstr RUNNING";

    @RegisterExtension
    static final EndToEnd E2E = EndToEnd.inProcessOperator().guestSecret(SECRET).recordStatuses().timeout(TIMEOUT);

    /** ssh/sshd become active 1.5 s after the guest has its IP; until then Ready waits with the IP known. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void readyOnlyOnceTheCommandExitsZero(String os) {
        String service = os.equals("linux") ? "ssh" : "sshd";
        String template = template("e2e-ready-cmd-" + os, os, Map.of("services", service + "=75"));
        String name = "cmd-" + os;

        TestVM ready = createAndAwait(name, template, r -> r.setCommand(os.equals("linux") ? LINUX_SSH : WINDOWS_SSHD));

        assertThat(TestVMs.isReady(ready)).as("Ready: %s", ready.getStatus()).isTrue();
        assertThat(TestVMs.reason(ready, ConditionTypes.GUEST_READY)).isEqualTo("GuestReady");
        assertThat(ready.getStatus().getTimings().getReadinessSeconds()).isGreaterThan(0.5);
        // While the service was down the IP was known, Ready was False and said why (last output line).
        String failing = os.equals("linux") ? "exited with code 3: inactive" : "exited with code 1";
        assertThat(E2E.statuses().anyMatch(name, t -> t.getStatus() != null && t.getStatus().getIp() != null && !TestVMs.isReady(t)
                && message(t, ConditionTypes.GUEST_READY).contains(failing)
                && TestVMs.reason(t, ConditionTypes.READY).equals("GuestNotReady"))).isTrue();
        assertThat(E2E.statuses().versions(name)).noneSatisfy(t -> assertThat(TestVMs.isReady(t)
                && !TestVMs.reason(t, ConditionTypes.GUEST_READY).equals("GuestReady")).isTrue());
    }

    /**
     * Both checks at once: the port opens 2 s after the IP, the guest sets its guestinfo key at 3 s.
     * Ready waits for the later one.
     */
    @Test
    void guestinfoKeyAndPortTogether() {
        String host = hostAddress();
        int port = freePort();
        String template = template("e2e-ready-key-port-" + port, "linux", Map.of("guestAddress", host,
                "listenPort", String.valueOf(port), "listenSeconds", "100", "readyKey", "guestinfo.testvm.ready", "readySeconds", "150"));

        TestVM ready = createAndAwait("key-port", template, r -> {
            r.setGuestInfoKey("guestinfo.testvm.ready");
            r.setTcpPort(port);
        });

        assertThat(TestVMs.isReady(ready)).as("Ready: %s", ready.getStatus()).isTrue();
        assertThat(ready.getStatus().getIp()).isEqualTo(host);
        assertThat(message(ready, ConditionTypes.GUEST_READY)).contains("guestinfo.testvm.ready = 'true'").contains("accepts connections");
        assertThat(E2E.statuses().anyMatch("key-port", t -> message(t, ConditionTypes.GUEST_READY).contains("accepts connections")
                && message(t, ConditionTypes.GUEST_READY).contains("guestinfo.testvm.ready not set"))).isTrue();
    }

    /** A service never started, a key with another value, a port never opened: Failed at the timeout, saying why. */
    @Test
    void neverReadyFailsAtTheTimeout() {
        String host = hostAddress();
        int closed = freePort();
        String plain = template("e2e-ready-never", "linux", Map.of("readyKey", "guestinfo.testvm.ready", "readyValue", "starting"));
        String onHost = template("e2e-ready-never-port-" + closed, "linux", Map.of("guestAddress", host));
        create("never-cmd", plain, r -> r.setCommand(LINUX_SSH));
        create("never-key", plain, r -> {
            r.setGuestInfoKey("guestinfo.testvm.ready");
            r.setGuestInfoValue("done");
        });
        create("never-port", onHost, r -> r.setTcpPort(closed));

        for (String name : List.of("never-cmd", "never-key", "never-port")) {
            TestVM failed = awaitDone(name);
            assertThat(TestVMs.failed(failed)).as("%s: %s", name, failed.getStatus()).hasValueSatisfying(c -> {
                assertThat(c.getReason()).isEqualTo("GuestReadinessTimeout");
                assertThat(c.getMessage()).contains("spec.readiness.timeout");
            });
            assertThat(failed.getStatus().getIp()).isNotNull();
        }
        assertThat(TestVMs.failed(awaitDone("never-cmd")).orElseThrow().getMessage()).contains("inactive");
        assertThat(TestVMs.failed(awaitDone("never-key")).orElseThrow().getMessage()).contains("'starting'");
        assertThat(TestVMs.failed(awaitDone("never-port")).orElseThrow().getMessage()).contains("refused");
    }

    /**
     * ssh comes up, goes down and up twice, 1 s each, then stays up. With successThreshold 3 a
     * short up phase is not enough: a failure restarts the count, and Ready comes once stable.
     */
    @Test
    void flappingServiceIsReadyOnlyOnceStable() {
        String template = template("e2e-ready-flap", "linux", Map.of("services", "ssh=25", "serviceFlap", "ssh=4/50"));

        TestVM ready = createAndAwait("flap", template, r -> {
            r.setCommand(LINUX_SSH);
            r.setSuccessThreshold(3);
        });

        assertThat(TestVMs.isReady(ready)).as("Ready: %s", ready.getStatus()).isTrue();
        List<String> messages = E2E.statuses().versions("flap").stream().map(t -> message(t, ConditionTypes.GUEST_READY)).toList();
        int firstPass = indexOf(messages, "(1 of 3 passing rounds in a row)");
        assertThat(firstPass).as("messages %s", messages).isNotNegative();
        // After a pass, a failing round came (the service fell over) and reset the count ...
        int laterFailure = indexOf(messages.subList(firstPass, messages.size()), "exited with code 3");
        assertThat(laterFailure).as("messages %s", messages).isNotNegative();
        // ... and Ready only came with three passes in a row: 4 changes of 1 s after the first start.
        assertThat(ready.getStatus().getTimings().getReadinessSeconds()).isGreaterThan(4.0);
    }

    /**
     * spec.cloudInit reaches the guest as cloud-init's VMware datasource reads it: the readiness
     * command decodes guestinfo.userdata / guestinfo.metadata inside the guest. Large but
     * compressible user data goes gzip+base64; user data that cannot fit is refused naming the field.
     */
    @Test
    void cloudInitDataIsVisibleToTheGuest() {
        String template = template("e2e-cloud-init", "linux", Map.of());
        String big = "#cloud-config\n# testvm-marker\n" + "write_files: []\n".repeat(8000);
        byte[] random = new byte[100_000];
        new java.util.Random(16).nextBytes(random);
        E2E.client().resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("user-data")
                .withNamespace(NAMESPACE).endMetadata()
                .addToStringData("user-data", "#cloud-config\n# testvm-marker\n").addToStringData("big", big)
                .addToData("random", java.util.Base64.getEncoder().encodeToString(random)).build()).serverSideApply();
        String decode = "vmware-rpctool \"info-get guestinfo.%s\" | base64 -d %s| grep -q '%s'";
        String check = String.format(decode, "userdata", "", "testvm-marker") + " && "
                + String.format(decode, "metadata", "", "local-hostname: cloud-init-small") + " && "
                + "[ \"$(vmware-rpctool 'info-get guestinfo.userdata.encoding')\" = base64 ]";
        String checkBig = String.format(decode, "userdata", "| gunzip ", "testvm-marker") + " && "
                + "[ \"$(vmware-rpctool 'info-get guestinfo.userdata.encoding')\" = gzip+base64 ]";
        createWithCloudInit("cloud-init-small", template, "user-data", check);
        createWithCloudInit("cloud-init-big", template, "big", checkBig);
        createWithCloudInit("cloud-init-too-big", template, "random", "true");

        assertThat(TestVMs.isReady(awaitDone("cloud-init-small"))).isTrue();
        assertThat(TestVMs.isReady(awaitDone("cloud-init-big"))).isTrue();
        assertThat(TestVMs.failed(awaitDone("cloud-init-too-big")).orElseThrow()).satisfies(c -> {
            assertThat(c.getReason()).isEqualTo("CloudInitTooLarge");
            assertThat(c.getMessage()).contains("spec.cloudInit.userDataSecretRef").contains("65536");
        });
        E2E.client().secrets().inNamespace(NAMESPACE).withName("user-data").delete();
    }

    private void createWithCloudInit(String name, String template, String key, String command) {
        TestVM testVM = TestVMs.withDiscovery(NAMESPACE, name, template, CloneTypeSpec.linked, SECRET, d -> {});
        dev.testvm.api.CloudInitSpec cloudInit = new dev.testvm.api.CloudInitSpec();
        dev.testvm.api.SecretDataRef ref = new dev.testvm.api.SecretDataRef();
        ref.setName("user-data");
        ref.setKey(key);
        cloudInit.setUserDataSecretRef(ref);
        testVM.getSpec().setCloudInit(cloudInit);
        ReadinessSpec readiness = new ReadinessSpec();
        readiness.setCommand(command);
        readiness.setTimeout("20s");
        testVM.getSpec().setReadiness(readiness);
        E2E.client().resource(testVM).create();
    }

    private static int indexOf(List<String> messages, String part) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    private String template(String name, String os, Map<String, String> knobs) {
        Map<String, String> all = new HashMap<>(Map.of("toolsSeconds", "50", "ipSeconds", "75", "toolsPollSeconds", "1500"));
        all.putAll(knobs);
        OperatorTestEnvironment.simulator().addTemplate(name, os.equals("linux") ? "ubuntu-22.04" : "windows-2016", all,
                List.of(), false);
        return "Templates/" + name;
    }

    private TestVM createAndAwait(String name, String template, Consumer<ReadinessSpec> readiness) {
        create(name, template, readiness);
        return awaitDone(name);
    }

    private void create(String name, String template, Consumer<ReadinessSpec> readiness) {
        TestVM testVM = TestVMs.withDiscovery(NAMESPACE, name, template, CloneTypeSpec.linked, SECRET, d -> {});
        ReadinessSpec spec = new ReadinessSpec();
        spec.setTimeout("3s");
        readiness.accept(spec);
        if (!name.startsWith("never")) {
            spec.setTimeout("40s");
        }
        testVM.getSpec().setReadiness(spec);
        E2E.client().resource(testVM).create();
    }

    private TestVM awaitDone(String name) {
        return await().atMost(TIMEOUT).until(() -> E2E.get(name),
                t -> TestVMs.isReady(t) || TestVMs.failed(t).isPresent());
    }

    /**
     * The port check dials the guest's address from the operator: the simulated guest takes an
     * address this machine really has, so its port can be real.
     */
    private static String hostAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLinkLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        Assumptions.abort("this machine has no non-loopback IPv4 address for the simulated guest to take");
        return null;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
