package dev.testvm.reconciler.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.vsphere.GuestNic;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.VmInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Ipv6OnlyGuestTest {

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private static VmInfo tools(String ipAddress, String... addresses) {
        return new VmInfo(MoRef.vm("vm-1"), "vm", "uuid", false, PowerState.POWERED_ON, null, true, true, "linuxGuest",
                "ubuntu64Guest", ipAddress, List.of(new GuestNic("VM Network", "00:50:56:00:00:01", true, List.of(addresses))),
                Map.of(), null, List.of());
    }

    @Test
    void globalIpv6WithoutAnyIpv4IsIpv6Only() {
        assertThat(Ipv6OnlyGuest.ipv6Only(tools(null, "fe80::250:56ff:fe00:1", "fd00:77::5")))
                .containsExactly("fd00:77::5");
    }

    @Test
    void anyIpv4EvenSelfAssignedMeansNotIpv6Only() {
        assertThat(Ipv6OnlyGuest.ipv6Only(tools(null, "fd00:77::5", "169.254.10.1"))).isEmpty();
        assertThat(Ipv6OnlyGuest.ipv6Only(tools("10.0.0.5", "fd00:77::5"))).isEmpty();
    }

    @Test
    void onlyLinkLocalOrNothingIsNotIpv6OnlyYet() {
        assertThat(Ipv6OnlyGuest.ipv6Only(tools(null, "fe80::1%ens192"))).isEmpty();
        assertThat(Ipv6OnlyGuest.ipv6Only(tools(null))).isEmpty();
    }

    @Test
    void theClockRunsWhileIpv6OnlyHoldsAndRestartsAfterABreak() {
        Ipv6OnlyGuest watch = new Ipv6OnlyGuest();
        TestVMMemory memory = new TestVMMemory("uid", new io.javaoperatorsdk.operator.processing.event.ResourceID("t", "ns"));
        assertThat(watch.observe(memory, tools(null, "fd00:77::5"), T0)).hasValueSatisfying(
                seen -> assertThat(seen.failsAt()).isEqualTo(T0.plus(Ipv6OnlyGuest.GRACE)));
        assertThat(watch.observe(memory, tools(null, "fd00:77::5"), T0.plusSeconds(30)).orElseThrow().since()).isEqualTo(T0);

        assertThat(watch.observe(memory, tools(null, "fd00:77::5", "169.254.3.3"), T0.plusSeconds(40))).isEmpty();
        Instant later = T0.plusSeconds(50);
        assertThat(watch.observe(memory, tools(null, "fd00:77::5"), later).orElseThrow().since()).isEqualTo(later);
        assertThat(Ipv6OnlyGuest.GRACE).isEqualTo(Duration.ofSeconds(60));
    }
}
