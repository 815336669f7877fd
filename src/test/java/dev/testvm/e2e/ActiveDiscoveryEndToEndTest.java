package dev.testvm.e2e;

import static dev.testvm.e2e.TestVMs.message;
import static dev.testvm.e2e.TestVMs.millis;
import static dev.testvm.testsupport.OperatorTestEnvironment.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.IpDiscoverySpec;
import dev.testvm.api.IpFamily;
import dev.testvm.api.Milestones;
import dev.testvm.api.TestVM;
import dev.testvm.api.Timings;
import dev.testvm.testsupport.EndToEnd;
import dev.testvm.testsupport.OperatorTestEnvironment;
import dev.testvm.testsupport.Simulator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Active IP discovery end to end, on Linux and Windows guests of the simulator: guest operations
 * race the boot, back off while the guest is not ready, and beat VMware Tools' slow poll (strategy
 * auto with credentials). Templates and their timings: {@link DiscoveryTemplates}.
 */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestEnvironment.class, restrictToAnnotatedClass = false)
class ActiveDiscoveryEndToEndTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String SECRET = "guest-login";

    @RegisterExtension
    static final EndToEnd E2E = EndToEnd.inProcessOperator()
            .guestSecret(SECRET).beforeEach(DiscoveryTemplates::ensure).recordStatuses().timeout(TIMEOUT);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void guestOperationsBeforeToolsBackOffThenWin(String os) {
        Simulator simulator = OperatorTestEnvironment.simulator();
        // Tools report running, but the guest-operations service still refuses twice (as vCenter
        // does for a moment after Tools start).
        simulator.addFault("StartProgramInGuest", "GuestOperationsUnavailable", null, 0, 2);
        String name = "early-" + os;

        TestVM ready = createAndAwaitReady(name, DiscoveryTemplates.path(os, ""), CloneTypeSpec.linked, d -> {});

        assertWonByGuestOperations(ready);
        assertThat(ready.getStatus().getGuestOS()).isEqualTo(os);
        // Before Tools ran, discovery waited without calling the guest ...
        assertThat(E2E.statuses().anyMatch(name, t -> TestVMs.reason(t, ConditionTypes.TOOLS_RUNNING).equals("ToolsNotRunning")
                && message(t, ConditionTypes.READY).contains("VMware Tools are not running yet"))).isTrue();
        // ... then retried through the refusals ...
        assertThat(E2E.statuses().anyMatch(name, t -> message(t, ConditionTypes.READY).contains("GuestOperationsUnavailable"))).isTrue();
        assertThat(simulator.faults()).singleElement().satisfies(rule -> assertThat(rule.get("hits")).isEqualTo(2));
        // ... which are expected while a guest boots: no GuestOperations problem was reported.
        assertThat(E2E.statuses().anyMatch(name, t -> TestVMs.condition(t, ConditionTypes.GUEST_OPERATIONS).isPresent())).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void toolsUpButNoIpYetBacksOffThenWins(String os) {
        Simulator simulator = OperatorTestEnvironment.simulator();
        String name = "slow-dhcp-" + os;
        long startsBefore = simulator.stats().requests("StartProgramInGuest");

        TestVM ready = createAndAwaitReady(name, DiscoveryTemplates.path(os, "slow-dhcp"), CloneTypeSpec.linked, d -> {});

        assertWonByGuestOperations(ready);
        assertThat(E2E.statuses().anyMatch(name, t -> TestVMs.reason(t, ConditionTypes.TOOLS_RUNNING).equals("ToolsRunning")
                && message(t, ConditionTypes.READY).contains("guest command output"))).isTrue();
        // 3 s with Tools up and no address: retried, but not in a hot loop. The pacing allows the first
        // attempt, 8 more back to back (GuestOpsDiscovery.BACK_TO_BACK_ATTEMPTS), then pauses of 250 ms
        // doubling to 1 s (at most 5 fit in 3 s), and the attempt that finds the address: 15 however
        // fast the machine. A hot loop would start one every ~0.1-0.2 s for the whole 3 s and beyond.
        long starts = simulator.stats().requests("StartProgramInGuest") - startsBefore;
        assertThat(starts).isBetween(3L, 1L + 8 + 5 + 1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void apipaAddressIsNeverTakenForTheIp(String os) {
        String name = "apipa-" + os;

        TestVM ready = createAndAwaitReady(name, DiscoveryTemplates.path(os, "apipa"), CloneTypeSpec.linked, d -> {});

        assertWonByGuestOperations(ready);
        // The guest command did see the self-assigned address (and said so) ...
        assertThat(E2E.statuses().anyMatch(name, t -> message(t, ConditionTypes.READY).contains("169.254"))).isTrue();
        // ... but no version of the status ever carried it.
        assertThat(E2E.statuses().versions(name)).allSatisfy(t -> {
            if (t.getStatus() != null) {
                assertThat(String.valueOf(t.getStatus().getIp())).doesNotStartWith("169.254.");
                assertThat(t.getStatus().getIpAddresses() == null ? List.<String>of() : t.getStatus().getIpAddresses())
                        .noneMatch(a -> a.startsWith("169.254."));
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void customCommandOutputDecides(String os) {
        String name = "custom-" + os;
        // An address no NIC has: only the custom command can have produced it.
        String command = os.equals("linux") ? "echo 'service address: 10.200.0.7'" : "echo service address: 10.200.0.7";

        TestVM ready = createAndAwaitReady(name, DiscoveryTemplates.path(os, ""), CloneTypeSpec.linked, d -> d.setCommand(command));

        assertThat(ready.getStatus().getIp()).isEqualTo("10.200.0.7");
        assertThat(ready.getStatus().getIpSource()).isEqualTo("GuestOperations");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void ipv6OnlyGuestWithFamilyIpv6(String os) {
        TestVM ready = createAndAwaitReady("ipv6-" + os, DiscoveryTemplates.path(os, "ipv6"), CloneTypeSpec.linked,
                d -> d.setFamily(IpFamily.IPv6));

        assertWonByGuestOperations(ready);
        assertThat(ready.getStatus().getIp()).startsWith("fd00:77::");
        assertThat(ready.getStatus().getIpAddresses()).noneMatch(a -> a.startsWith("fe80:"));
    }

    /**
     * The default family (IPv4) on an IPv6-only guest ends with NoIPv4Address once Tools and the
     * guest command have agreed for a minute, not with IPDiscoveryTimeout after the full timeout;
     * meanwhile the condition says what is coming and what to change.
     */
    @org.junit.jupiter.api.Test
    void ipv6OnlyGuestUnderFamilyIpv4FailsEarlyWithAClearReason() {
        String name = "ipv6-wants-v4";
        E2E.client().resource(TestVMs.withDiscovery(NAMESPACE, name, DiscoveryTemplates.path("linux", "ipv6"), CloneTypeSpec.linked,
                SECRET, d -> d.setTimeout("10m"))).create();
        // The rule is a minute of agreement; the guest boots within seconds here: the wait is a bound, not a measure.
        TestVM failed = await().atMost(Duration.ofSeconds(150)).until(
                () -> E2E.get(name), t -> TestVMs.failed(t).isPresent() || TestVMs.isReady(t));

        assertThat(TestVMs.failed(failed)).as("status: %s", failed.getStatus()).hasValueSatisfying(c -> {
            assertThat(c.getReason()).isEqualTo("NoIPv4Address");
            assertThat(c.getMessage()).contains("only IPv6 addresses", "fd00:77::", "family is IPv4", "IPv6 or Any");
            assertThat(c.getMessage()).doesNotContain("fe80:");
        });
        assertThat(E2E.statuses().anyMatch(name, t -> TestVMs.message(t, ConditionTypes.IP_ASSIGNED).contains("this TestVM fails at")))
                .as("the coming failure was announced in the condition while the minute ran").isTrue();
        assertThat(failed.getStatus().getIp()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void networkFilterPicksTheNicOnThatNetwork(String os) {
        Simulator simulator = OperatorTestEnvironment.simulator();

        TestVM ready = createAndAwaitReady("two-nics-" + os, DiscoveryTemplates.path(os, "two-nics"), CloneTypeSpec.linked,
                d -> d.setNetwork("DC0_DVPG0"));

        assertWonByGuestOperations(ready);
        @SuppressWarnings("unchecked")
        List<String> ips = (List<String>) TestVMs.simulatorVm(simulator, ready).get("ips");
        assertThat(ips).hasSize(2);
        assertThat(ready.getStatus().getIp()).isEqualTo(ips.get(1)).startsWith("10.78.");
        assertThat(ready.getStatus().getIpAddresses()).containsExactlyInAnyOrderElementsOf(ips);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void instantCloneRefreshesTheNetworkThenDiscovers(String os) {
        // DC0_H0_VM0 is one of vcsim's powered-on VMs; its Tools poll is the seed's 30 s (0.6 s here),
        // yet after an instant clone Tools' answer is only a fallback: guest operations must answer.
        String source = os.equals("linux") ? "DC0_H0_VM0" : DiscoveryTemplates.path(os, "running");

        TestVM ready = createAndAwaitReady("instant-" + os, source, CloneTypeSpec.instant, d -> {});

        assertThat(ready.getStatus().getIpSource()).isEqualTo("GuestOperations");
        assertThat(ready.getStatus().getEffectiveCloneType()).isEqualTo("instant");
        Map<String, Object> vm = TestVMs.simulatorVm(OperatorTestEnvironment.simulator(), ready);
        assertThat(vm.get("cloneType")).isEqualTo("instant");
        assertThat(ready.getStatus().getIp()).isEqualTo(((List<?>) vm.get("ips")).get(0));
    }

    /**
     * status.timings follow the seed's phases, measured against the simulator's own clock:
     * booting = powered on to Tools running, getting IP = Tools running to the IP in status.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linux", "windows"})
    void phaseTimingsMatchTheSimulatorsTimeline(String os) {
        TestVM ready = createAndAwaitReady("timings-" + os, DiscoveryTemplates.path(os, ""), CloneTypeSpec.linked, d -> {});
        Map<String, Object> vm = TestVMs.simulatorVm(OperatorTestEnvironment.simulator(), ready);
        Milestones m = ready.getStatus().getMilestones();
        Timings t = ready.getStatus().getTimings();

        // Each milestone is noted when an event tells of it, so never before the simulator's own record
        // of it (same host clock; 50 ms for rounding). How late it comes is a benchmark figure
        // (discovery latency in hack/bench-discovery.sh, docs/benchmarks.md), not a test bound.
        assertThat(epochMillis(m.getPoweredOnAt())).isGreaterThanOrEqualTo(millis(vm, "poweredOnAt") - 50);
        assertThat(epochMillis(m.getToolsRunningAt())).isGreaterThanOrEqualTo(millis(vm, "toolsRunningAt") - 50);
        assertThat(epochMillis(m.getIpAssignedAt())).isGreaterThanOrEqualTo(millis(vm, "ipAssignedAt") - 50);
        // The timings are the seed's phases, derived from those milestones.
        assertThat(t.getToolsSeconds()).isCloseTo(
                (epochMillis(m.getToolsRunningAt()) - epochMillis(m.getPoweredOnAt())) / 1000.0, within(0.002));
        assertThat(t.getIpSeconds()).isCloseTo(
                (epochMillis(m.getIpAssignedAt()) - epochMillis(m.getToolsRunningAt())) / 1000.0, within(0.002));
        assertThat(t.getCloneSeconds()).isPositive();
        assertThat(t.getTotalSeconds()).isGreaterThanOrEqualTo(t.getCloneSeconds() + t.getToolsSeconds() + t.getIpSeconds());
    }

    private TestVM createAndAwaitReady(String name, String template, CloneTypeSpec cloneType, Consumer<IpDiscoverySpec> discovery) {
        E2E.client().resource(TestVMs.withDiscovery(NAMESPACE, name, template, cloneType, SECRET, discovery)).create();
        return await().atMost(TIMEOUT).until(() -> E2E.get(name),
                t -> TestVMs.isReady(t) || TestVMs.failed(t).isPresent());
    }

    /** Guest operations answered, before Tools had published the address. */
    @SuppressWarnings("unchecked")
    private void assertWonByGuestOperations(TestVM ready) {
        assertThat(TestVMs.isReady(ready)).as("Ready: %s", ready.getStatus()).isTrue();
        assertThat(ready.getStatus().getIpSource()).isEqualTo("GuestOperations");
        Map<String, Object> vm = TestVMs.simulatorVm(OperatorTestEnvironment.simulator(), ready);
        assertThat((List<Object>) vm.get("ips")).contains(ready.getStatus().getIp());
        long readyAt = E2E.statuses().first(ready.getMetadata().getName(), TestVMs::isReady).orElseThrow().atMillis();
        long published = millis(vm, "ipPublishedAt");
        assertThat(published == 0 || published > readyAt)
                .as("Tools published the IP at %d, status.ip was written at %d", published, readyAt).isTrue();
        // status.ip follows the guest's address (ipAssignedAt); how soon is the benchmark's discovery latency.
        assertThat(readyAt).isGreaterThanOrEqualTo(millis(vm, "ipAssignedAt"));
    }

    private static long epochMillis(String rfc3339) {
        return Instant.parse(rfc3339).toEpochMilli();
    }
}
