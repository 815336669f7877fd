package dev.testvm.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.api.IpFamily;
import dev.testvm.vsphere.GuestNic;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.VirtualNic;
import dev.testvm.vsphere.VmInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Only addresses on the VM's own NICs (by MAC, against {@code config.hardware.device}) are ever
 * chosen: guest-side bridges, tunnels and virtual switches are skipped whatever the print order.
 */
class NicMatchTest {

    static final String NIC0 = "00:50:56:80:00:01";
    static final String NIC1 = "00:50:56:80:00:02";

    // docker0 and virbr0 printed before the real NIC, a tunnel without MAC, a veth peer.
    static final String IP_ADDRESS_BRIDGES_FIRST = """
            1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
                link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
                inet 127.0.0.1/8 scope host lo
            2: docker0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN group default
                link/ether 02:42:7c:1e:33:0a brd ff:ff:ff:ff:ff:ff
                inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0
                   valid_lft forever preferred_lft forever
            3: virbr0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN group default qlen 1000
                link/ether 52:54:00:6b:2a:11 brd ff:ff:ff:ff:ff:ff
                inet 192.168.122.1/24 brd 192.168.122.255 scope global virbr0
            4: tun0: <POINTOPOINT,MULTICAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UNKNOWN group default qlen 500
                link/none
                inet 10.8.0.6/24 scope global tun0
            5: veth9a1b@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master docker0 state UP group default
                link/ether 6e:12:9a:00:4d:21 brd ff:ff:ff:ff:ff:ff link-netnsid 0
            6: ens192: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000
                link/ether 00:50:56:80:00:01 brd ff:ff:ff:ff:ff:ff
                inet 10.77.0.9/24 brd 10.77.0.255 scope global dynamic ens192
                   valid_lft 86371sec preferred_lft 86371sec
            """;

    // The same guest through `ip -o link; ip -o address`: one line per item, merged by name.
    static final String IP_ONELINE = """
            1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
            2: docker0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default \\    link/ether 02:42:7c:1e:33:0a brd ff:ff:ff:ff:ff:ff
            6: ens192: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP mode DEFAULT group default qlen 1000\\    link/ether 00:50:56:80:00:01 brd ff:ff:ff:ff:ff:ff
            1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
            2: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\       valid_lft forever preferred_lft forever
            6: ens192    inet 10.77.0.9/24 brd 10.77.0.255 scope global dynamic ens192\\       valid_lft 86371sec preferred_lft 86371sec
            """;

    // Windows with Hyper-V: the Default Switch's vEthernet adapter listed first.
    static final String IPCONFIG_ALL_VETHERNET_FIRST = "\r\n"
            + "Windows IP Configuration\r\n"
            + "\r\n"
            + "   Host Name . . . . . . . . . . . . : ci-win-7\r\n"
            + "\r\n"
            + "Ethernet adapter vEthernet (Default Switch):\r\n"
            + "\r\n"
            + "   Description . . . . . . . . . . . : Hyper-V Virtual Ethernet Adapter\r\n"
            + "   Physical Address. . . . . . . . . : 00-15-5D-4A-21-07\r\n"
            + "   IPv4 Address. . . . . . . . . . . : 172.29.64.1(Preferred)\r\n"
            + "   Subnet Mask . . . . . . . . . . . : 255.255.240.0\r\n"
            + "\r\n"
            + "Ethernet adapter Ethernet0:\r\n"
            + "\r\n"
            + "   Description . . . . . . . . . . . : vmxnet3 Ethernet Adapter\r\n"
            + "   Physical Address. . . . . . . . . : 00-50-56-80-00-01\r\n"
            + "   IPv4 Address. . . . . . . . . . . : 10.77.0.9(Preferred)\r\n"
            + "   Subnet Mask . . . . . . . . . . . : 255.255.255.0\r\n"
            + "   Default Gateway . . . . . . . . . : 10.77.0.1\r\n";

    static VmInfo vm(List<GuestNic> toolsNics, String toolsIp) {
        List<VirtualNic> devices = List.of(new VirtualNic(4000, NIC0, "VM Network", null),
                new VirtualNic(4001, NIC1, null, "dvportgroup-13"));
        return new VmInfo(MoRef.vm("vm-42"), "ci", "uid", false, PowerState.POWERED_ON, null, true, true,
                "linuxGuest", "ubuntu64Guest", toolsIp, toolsNics, Map.of(), null, devices);
    }

    private static IpChoice fromGuest(String output, IpFilter filter) {
        return filter.choose(IpScanner.scan(output), IpScanner.macsByAddress(output), vm(List.of(), null));
    }

    @Test
    void bridges_printed_before_the_nic_are_never_chosen() {
        IpChoice choice = fromGuest(IP_ADDRESS_BRIDGES_FIRST, IpFilter.of(IpFamily.IPv4));
        assertThat(choice.ip()).isEqualTo("10.77.0.9");
        // status.ipAddresses still lists what the guest has, for whoever wants a bridge's address.
        assertThat(choice.addresses()).contains("172.17.0.1", "192.168.122.1", "10.8.0.6", "10.77.0.9");
    }

    @Test
    void one_line_iproute_output_is_merged_by_interface_name() {
        assertThat(IpScanner.macsByAddress(IP_ONELINE)).containsEntry("10.77.0.9", NIC0).containsEntry("172.17.0.1", "02:42:7c:1e:33:0a");
        assertThat(fromGuest(IP_ONELINE, IpFilter.of(IpFamily.IPv4)).ip()).isEqualTo("10.77.0.9");
    }

    @Test
    void a_hyper_v_vethernet_adapter_listed_first_is_skipped() {
        assertThat(fromGuest(IPCONFIG_ALL_VETHERNET_FIRST, IpFilter.of(IpFamily.IPv4)).ip()).isEqualTo("10.77.0.9");
    }

    @Test
    void only_a_bridge_so_far_means_not_yet_and_says_why() {
        String bridgeOnly = IP_ADDRESS_BRIDGES_FIRST.substring(0, IP_ADDRESS_BRIDGES_FIRST.indexOf("6: ens192"))
                + "6: ens192: <BROADCAST,MULTICAST,UP> mtu 1500\n    link/ether 00:50:56:80:00:01 brd ff:ff:ff:ff:ff:ff\n";
        IpChoice choice = fromGuest(bridgeOnly, IpFilter.of(IpFamily.IPv4));
        assertThat(choice.found()).isFalse();
        assertThat(choice.whyNot()).contains("VM's own NICs").contains("172.17.0.1 (MAC 02:42:7c:1e:33:0a)");
    }

    @Test
    void tools_listing_a_bridge_first_in_guest_net_and_as_guest_ip_address() {
        VmInfo info = vm(List.of(
                new GuestNic(null, "02:42:7c:1e:33:0a", true, List.of("172.17.0.1")),
                new GuestNic("VM Network", NIC0, true, List.of("10.77.0.9", "fe80::250:56ff:fe80:1"))), "172.17.0.1");
        IpChoice choice = ToolsIpSource.choose(info, IpFilter.of(IpFamily.IPv4));
        assertThat(choice.ip()).isEqualTo("10.77.0.9");
    }

    @Test
    void the_vms_first_nic_wins_whatever_order_the_guest_prints() {
        String output = IpScannerTest.IPCONFIG_ALL_TWO_NICS.replace("00-50-56-80-00-01", "00-50-56-80-00-0A")
                .replace("00-50-56-80-00-02", "00-50-56-80-00-01").replace("00-50-56-80-00-0A", "00-50-56-80-00-02");
        // Ethernet0 (printed first) now carries NIC1's MAC: the address of the VM's NIC 0 wins.
        assertThat(fromGuest(output, IpFilter.of(IpFamily.IPv4)).ip()).isEqualTo("10.78.0.9");
    }

    @Test
    void nic_index_and_network_pick_one_nic() {
        String output = IpScannerTest.IPCONFIG_ALL_TWO_NICS;
        IpFilter second = new IpFilter(IpFamily.IPv4, new NicSelection(null, null, 1), List.of(), List.of());
        assertThat(fromGuest(output, second).ip()).isEqualTo("10.78.0.9");
        // A distributed port group is recognised by its key, resolved from the name beforehand.
        IpFilter dvpg = new IpFilter(IpFamily.IPv4, new NicSelection("DC0_DVPG0", "dvportgroup-13", null), List.of(), List.of());
        assertThat(fromGuest(output, dvpg).ip()).isEqualTo("10.78.0.9");
        IpFilter standard = new IpFilter(IpFamily.IPv4, new NicSelection("VM Network", null, null), List.of(), List.of());
        assertThat(fromGuest(output, standard).ip()).isEqualTo("10.77.0.9");
    }

    @Test
    void cidrs_allow_and_exclude() {
        String output = IpScannerTest.IPCONFIG_ALL_TWO_NICS;
        IpFilter allow = new IpFilter(IpFamily.IPv4, NicSelection.ANY, List.of(Cidr.parse("10.78.0.0/16")), List.of());
        assertThat(fromGuest(output, allow).ip()).isEqualTo("10.78.0.9");
        IpFilter exclude = new IpFilter(IpFamily.IPv4, NicSelection.ANY, List.of(), List.of(Cidr.parse("10.77.0.0/16")));
        assertThat(fromGuest(output, exclude).ip()).isEqualTo("10.78.0.9");
        IpFilter both = new IpFilter(IpFamily.IPv4, NicSelection.ANY, List.of(Cidr.parse("10.0.0.0/8")),
                List.of(Cidr.parse("10.77.0.0/16"), Cidr.parse("10.78.0.9/32")));
        IpChoice none = fromGuest(output, both);
        assertThat(none.found()).isFalse();
        assertThat(none.whyNot()).contains("spec.ipDiscovery.cidrs [10.0.0.0/8]").contains("excludeCidrs");
    }

    @Test
    void cidr_parsing_and_containment() {
        assertThat(Cidr.parse("10.77.0.0/16").contains(IpScanner.parseLiteral("10.77.200.1").orElseThrow())).isTrue();
        assertThat(Cidr.parse("10.77.0.0/17").contains(IpScanner.parseLiteral("10.77.200.1").orElseThrow())).isFalse();
        assertThat(Cidr.parse("fd00::/8").contains(IpScanner.parseLiteral("fd00:77::5").orElseThrow())).isTrue();
        assertThat(Cidr.parse("fd00::/8").contains(IpScanner.parseLiteral("10.0.0.1").orElseThrow())).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(IpScanner.parseLiteral("192.0.2.1").orElseThrow())).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cidr.parse("10.0.0.0")).hasMessageContaining("not a CIDR");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("not a CIDR");
    }

    @Test
    void a_custom_command_without_macs_is_taken_as_printed() {
        IpChoice choice = IpFilter.of(IpFamily.IPv4).choose(IpScanner.scan("service at 10.200.0.7\n"), Map.of(), vm(List.of(), null));
        assertThat(choice.ip()).isEqualTo("10.200.0.7");
    }
}
