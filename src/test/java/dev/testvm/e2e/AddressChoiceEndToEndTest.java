package dev.testvm.e2e;

import static dev.testvm.e2e.TestVMs.message;
import static dev.testvm.testsupport.OperatorTestEnvironment.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.IpDiscoverySpec;
import dev.testvm.api.IpDiscoveryStrategy;
import dev.testvm.api.TestVM;
import dev.testvm.testsupport.EndToEnd;
import dev.testvm.testsupport.OperatorTestEnvironment;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The address in {@code status.ip} is the VM NIC's, never a guest-side bridge's, whichever source
 * answers and whatever order the guest lists its interfaces in; CIDR allow/deny lists, the settle
 * time and a network that does not exist. Templates: {@link AddressTemplates}.
 */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestEnvironment.class, restrictToAnnotatedClass = false)
class AddressChoiceEndToEndTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String SECRET = "guest-login";
    /** docker0, virbr0, tun0, Hyper-V's Default Switch: the addresses a naive choice would take. */
    private static final List<String> BRIDGE_PREFIXES = List.of("172.17.", "192.168.122.", "10.8.0.", "172.29.64.");

    @RegisterExtension
    static final EndToEnd E2E = EndToEnd.inProcessOperator().guestSecret(SECRET)
            .beforeEach(DiscoveryTemplates::ensure).beforeEach(AddressTemplates::ensure).recordStatuses().timeout(TIMEOUT);

    /**
     * The bridges are up from Tools start, half a second before the NIC has its address: guest
     * commands print them (first), and Tools publish them first in guest.net and as guest.ipAddress.
     */
    @ParameterizedTest(name = "{0} through {1}")
    @CsvSource({"linux, GuestOperations", "windows, GuestOperations", "linux, Tools", "windows, Tools"})
    void theNicsAddressNeverTheBridges(String os, String source) {
        boolean tools = source.equals("Tools");
        String name = "bridges-" + os + "-" + source.toLowerCase();
        String template = AddressTemplates.bridges(os, tools);

        TestVM ready = createAndAwait(name, template, !tools, d -> d.setStrategy(
                tools ? IpDiscoveryStrategy.tools : IpDiscoveryStrategy.guestOperations));

        assertThat(TestVMs.isReady(ready)).as("Ready: %s", ready.getStatus()).isTrue();
        assertThat(ready.getStatus().getIpSource()).isEqualTo(source);
        assertThat(ready.getStatus().getIp()).isEqualTo(simulatorIps(ready).get(0));
        // The guest did show its bridges (they are listed) ...
        assertThat(ready.getStatus().getIpAddresses()).anyMatch(a -> BRIDGE_PREFIXES.stream().anyMatch(a::startsWith));
        // ... and while only they had addresses, discovery said so instead of taking one.
        assertThat(E2E.statuses().anyMatch(name, t -> message(t, ConditionTypes.READY).contains("VM's own NICs")))
                .as("Ready messages: %s", E2E.statuses().versions(name).stream().map(t -> message(t, ConditionTypes.READY)).distinct().toList())
                .isTrue();
        assertThat(E2E.statuses().versions(name)).allSatisfy(t -> {
            String ip = t.getStatus() == null ? null : t.getStatus().getIp();
            assertThat(ip == null || BRIDGE_PREFIXES.stream().noneMatch(ip::startsWith)).as("status.ip %s", ip).isTrue();
        });
    }

    /** Two NICs (10.77.x and 10.78.x): allow 10/8, deny NIC 0's range; NIC 1's address remains. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void cidrAllowAndDenyLists(String os) {
        TestVM ready = createAndAwait("cidrs-" + os, DiscoveryTemplates.path(os, "two-nics"), true, d -> {
            d.setCidrs(List.of("10.0.0.0/8"));
            d.setExcludeCidrs(List.of("10.77.0.0/16"));
        });

        assertThat(TestVMs.isReady(ready)).as("Ready: %s", ready.getStatus()).isTrue();
        assertThat(ready.getStatus().getIp()).isEqualTo(simulatorIps(ready).get(1)).startsWith("10.78.");
    }

    /**
     * NIC 0's first lease is replaced 3 s after it appears. Without settle the first lease is
     * taken (why the option exists); with a 4 s settle only the final address is ever written.
     */
    @Test
    void settleWaitsForTheFinalAddress() {
        create("no-settle", AddressTemplates.IP_CHANGE, true, d -> {});
        create("settle", AddressTemplates.IP_CHANGE, true, d -> d.setSettle("4s"));

        TestVM hasty = awaitDone("no-settle");
        TestVM settled = awaitDone("settle");

        String early = hasty.getStatus().getIp();
        assertThat(early).isNotEqualTo(simulatorIps(hasty).get(0)).startsWith("10.77.2");
        assertThat(TestVMs.isReady(settled)).as("Ready: %s", settled.getStatus()).isTrue();
        assertThat(settled.getStatus().getIp()).isEqualTo(simulatorIps(settled).get(0));
        assertThat(E2E.statuses().anyMatch("settle", t -> TestVMs.reason(t, ConditionTypes.READY).equals("IPSettling")
                && message(t, ConditionTypes.READY).contains("10.77.2"))).isTrue();
        assertThat(E2E.statuses().versions("settle")).allSatisfy(t -> assertThat(t.getStatus() == null ? null : t.getStatus().getIp())
                .satisfiesAnyOf(ip -> assertThat(ip).isNull(), ip -> assertThat(ip).isEqualTo(simulatorIps(settled).get(0))));
    }

    @Test
    void aNetworkThatDoesNotExistOrANicTheVmLacksFailsNamingTheField() {
        create("no-network", DiscoveryTemplates.path("linux", ""), true, d -> d.setNetwork("no-such-network"));
        create("no-nic", DiscoveryTemplates.path("linux", ""), true, d -> d.setNicIndex(3));
        create("not-on-network", DiscoveryTemplates.path("linux", ""), true, d -> d.setNetwork("DC0_DVPG0"));

        assertThat(TestVMs.failed(awaitDone("no-network")).orElseThrow().getMessage())
                .contains("spec.ipDiscovery.network").contains("no-such-network");
        assertThat(TestVMs.failed(awaitDone("no-nic")).orElseThrow()).satisfies(c -> {
            assertThat(c.getReason()).isEqualTo("NICNotFound");
            assertThat(c.getMessage()).contains("spec.ipDiscovery.nicIndex").contains("1 NIC");
        });
        assertThat(TestVMs.failed(awaitDone("not-on-network")).orElseThrow()).satisfies(c -> {
            assertThat(c.getReason()).isEqualTo("NetworkNotFound");
            assertThat(c.getMessage()).contains("spec.ipDiscovery.network 'DC0_DVPG0'").contains("VM Network");
        });
    }

    private TestVM createAndAwait(String name, String template, boolean credentials, Consumer<IpDiscoverySpec> discovery) {
        create(name, template, credentials, discovery);
        return awaitDone(name);
    }

    private void create(String name, String template, boolean credentials, Consumer<IpDiscoverySpec> discovery) {
        E2E.client().resource(TestVMs.withDiscovery(NAMESPACE, name, template, CloneTypeSpec.linked, credentials ? SECRET : null,
                discovery)).create();
    }

    private TestVM awaitDone(String name) {
        return await().atMost(TIMEOUT).until(() -> E2E.get(name),
                t -> TestVMs.isReady(t) || TestVMs.failed(t).isPresent());
    }

    @SuppressWarnings("unchecked")
    private static List<String> simulatorIps(TestVM testVM) {
        Map<String, Object> vm = TestVMs.simulatorVm(OperatorTestEnvironment.simulator(), testVM);
        return (List<String>) vm.get("ips");
    }
}
