package dev.testvm.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.api.IpFamily;
import dev.testvm.vsphere.GuestNic;
import dev.testvm.vsphere.VmInfo;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpFilterTest {

    private static List<InetAddress> scan(String text) {
        return IpScanner.scan(text);
    }

    @Test
    void loopback_link_local_multicast_unspecified_and_reserved_are_dropped() {
        IpChoice choice = IpFilter.of(IpFamily.any).choose(
                scan("127.0.0.1 ::1 169.254.3.4 fe80::1 224.0.0.251 ff02::1 0.0.0.0 :: 255.255.255.255 0.1.2.3 10.0.0.7"),
                Vms.linuxBooted());
        assertThat(choice.ip()).isEqualTo("10.0.0.7");
        assertThat(choice.addresses()).containsExactly("10.0.0.7");
    }

    @Test
    void apipa_only_means_not_yet_and_says_so() {
        IpChoice choice = IpFilter.of(IpFamily.IPv4).choose(scan(IpScannerTest.IPCONFIG_FRENCH_APIPA), Vms.windowsBooted());
        assertThat(choice.found()).isFalse();
        assertThat(choice.whyNot()).contains("169.254");
        // The global IPv6 address still counts as found, for status.ipAddresses.
        assertThat(choice.addresses()).containsExactly("2001:db8:10::41");
    }

    @Test
    void ipv6_only_guest_with_family_ipv6() {
        List<InetAddress> found = scan(IpScannerTest.IPCONFIG_FRENCH_APIPA);
        assertThat(IpFilter.of(IpFamily.IPv6).choose(found, Vms.windowsBooted()).ip()).isEqualTo("2001:db8:10::41");
        assertThat(IpFilter.of(IpFamily.any).choose(found, Vms.windowsBooted()).ip()).isEqualTo("2001:db8:10::41");
    }

    @Test
    void family_picks_the_first_of_its_kind() {
        List<InetAddress> found = scan(IpScannerTest.LINUX_DEFAULT_OUTPUT);
        assertThat(IpFilter.of(IpFamily.IPv4).choose(found, null).ip()).isEqualTo("10.20.30.42");
        assertThat(IpFilter.of(IpFamily.IPv6).choose(found, null).ip()).isEqualTo("2001:db8:20::42");
        IpChoice none = IpFilter.of(IpFamily.IPv6).choose(scan("10.0.0.1"), null);
        assertThat(none.found()).isFalse();
        assertThat(none.whyNot()).contains("IPv6");
    }

    @Test
    void network_filter_keeps_only_addresses_tools_list_on_that_network() {
        VmInfo twoNics = Vms.info(true, "linuxGuest", "ubuntu64Guest", "10.1.0.5", List.of(
                new GuestNic("VM Network", "00:50:56:00:00:01", true, List.of("10.1.0.5", "fe80::1")),
                new GuestNic("ci-net", "00:50:56:00:00:02", true, List.of("192.168.50.9"))));
        List<InetAddress> found = scan("10.1.0.5\n192.168.50.9\n");
        IpChoice choice = new IpFilter(IpFamily.IPv4, "ci-net").choose(found, twoNics);
        assertThat(choice.ip()).isEqualTo("192.168.50.9");
        assertThat(choice.addresses()).containsExactly("10.1.0.5", "192.168.50.9");

        IpChoice other = new IpFilter(IpFamily.IPv4, "storage-net").choose(found, twoNics);
        assertThat(other.found()).isFalse();
        assertThat(other.whyNot()).contains("storage-net");
    }

    @Test
    void network_filter_uses_the_interface_macs_before_tools_publish_any_address() {
        // Tools list the NICs (network, MAC) as soon as they run; addresses come a poll later.
        VmInfo nicsOnly = Vms.info(true, "windowsGuest", "windows9Server64Guest", null, List.of(
                new GuestNic("VM Network", "00:50:56:80:00:01", true, List.of()),
                new GuestNic("DC0_DVPG0", "00:50:56:80:00:02", true, List.of())));
        String output = IpScannerTest.IPCONFIG_ALL_TWO_NICS;
        IpChoice choice = new IpFilter(IpFamily.IPv4, "DC0_DVPG0").choose(scan(output), IpScanner.macsByAddress(output), nicsOnly);
        assertThat(choice.ip()).isEqualTo("10.78.0.9");
        assertThat(choice.addresses()).containsExactly("10.77.0.9", "10.78.0.9");

        // Without MACs in the output there is nothing to match yet.
        IpChoice blind = new IpFilter(IpFamily.IPv4, "DC0_DVPG0").choose(scan("10.77.0.9\n10.78.0.9\n"), nicsOnly);
        assertThat(blind.found()).isFalse();
        assertThat(blind.whyNot()).contains("DC0_DVPG0");
    }

    @Test
    void network_filter_waits_for_tools_to_publish_guest_net() {
        IpChoice choice = new IpFilter(IpFamily.IPv4, "ci-net").choose(scan("192.168.50.9"), Vms.linuxBooted());
        assertThat(choice.found()).isFalse();
        assertThat(choice.whyNot()).contains("guest.net");
    }

    @Test
    void blank_network_means_any() {
        assertThat(new IpFilter(IpFamily.IPv4, " ").network()).isNull();
    }

    @Test
    void tools_source_prefers_guest_ip_address_then_nics_with_the_same_filters() {
        VmInfo info = Vms.info(true, "linuxGuest", "ubuntu64Guest", "fe80::250:56ff:fe00:1", List.of(
                new GuestNic("VM Network", "00:50:56:00:00:01", true,
                        List.of("fe80::250:56ff:fe00:1", "2001:db8::5", "10.1.0.5"))));
        IpChoice v4 = ToolsIpSource.choose(info, IpFilter.of(IpFamily.IPv4));
        assertThat(v4.ip()).isEqualTo("10.1.0.5");
        assertThat(v4.addresses()).containsExactly("2001:db8::5", "10.1.0.5");
        assertThat(ToolsIpSource.choose(info, IpFilter.of(IpFamily.any)).ip()).isEqualTo("2001:db8::5");
    }

    @Test
    void tools_source_before_tools_publish_anything() {
        IpChoice choice = ToolsIpSource.choose(Vms.linuxBooted(), IpFilter.of(IpFamily.IPv4));
        assertThat(choice.found()).isFalse();
        assertThat(choice.whyNot()).contains("not published");
        IpChoice apipa = ToolsIpSource.choose(Vms.linuxWithToolsIp("169.254.7.7", "VM Network"), IpFilter.of(IpFamily.IPv4));
        assertThat(apipa.found()).isFalse();
    }
}
