package dev.testvm.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpScannerTest {

    // What the Linux default command prints: the address part of each "scope global" line.
    static final String LINUX_DEFAULT_OUTPUT = "10.20.30.42\n 2001:db8:20::42\n";

    static final String IP_ADDRESS_SHOW = """
            1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
                link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
                inet 127.0.0.1/8 scope host lo
                   valid_lft forever preferred_lft forever
                inet6 ::1/128 scope host
                   valid_lft forever preferred_lft forever
            2: ens192: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000
                link/ether 00:50:56:a1:b2:c3 brd ff:ff:ff:ff:ff:ff
                altname enp11s0
                inet 10.20.30.42/24 brd 10.20.30.255 scope global dynamic ens192
                   valid_lft 86371sec preferred_lft 86371sec
                inet6 2001:db8:20:0:250:56ff:fea1:b2c3/64 scope global dynamic mngtmpaddr
                   valid_lft 2591990sec preferred_lft 604790sec
                inet6 fe80::250:56ff:fea1:b2c3/64 scope link
                   valid_lft forever preferred_lft forever
            """;

    static final String IPCONFIG_GERMAN = "\r\n"
            + "Windows-IP-Konfiguration\r\n"
            + "\r\n"
            + "\r\n"
            + "Ethernet-Adapter Ethernet0:\r\n"
            + "\r\n"
            + "   Verbindungsspezifisches DNS-Suffix: lab.example\r\n"
            + "   Verbindungslokale IPv6-Adresse  . : fe80::5d2c:11ab:9f3e:7c01%12\r\n"
            + "   IPv4-Adresse  . . . . . . . . . . : 10.20.30.41\r\n"
            + "   Subnetzmaske  . . . . . . . . . . : 255.255.255.0\r\n"
            + "   Standardgateway . . . . . . . . . : 10.20.30.1\r\n"
            + "\r\n"
            + "Tunneladapter isatap.lab.example:\r\n"
            + "\r\n"
            + "   Medienstatus. . . . . . . . . . . : Medium getrennt\r\n"
            + "   Verbindungsspezifisches DNS-Suffix: lab.example\r\n";

    static final String IPCONFIG_FRENCH_APIPA = "\r\n"
            + "Configuration IP de Windows\r\n"
            + "\r\n"
            + "Carte Ethernet Ethernet0\u00a0:\r\n"
            + "\r\n"
            + "   Suffixe DNS propre à la connexion. . . : lab.example\r\n"
            + "   Adresse IPv6. . . . . . . . . . . . . .: 2001:db8:10::41\r\n"
            + "   Adresse IPv6 de liaison locale. . . . .: fe80::5d2c:11ab:9f3e:7c01%12(préféré)\r\n"
            + "   Adresse d’autoconfiguration IPv4 . . . : 169.254.12.7(préféré)\r\n"
            + "   Masque de sous-réseau. . . . . . . . . : 255.255.0.0\r\n"
            + "   Passerelle par défaut. . . . . . . . . : fe80::1%12\r\n"
            + "                                            192.0.2.1\r\n";

    static final String IPCONFIG_ALL_ENGLISH = "\r\n"
            + "Windows IP Configuration\r\n"
            + "\r\n"
            + "   Host Name . . . . . . . . . . . . : CI-BUILD-42\r\n"
            + "\r\n"
            + "Ethernet adapter Ethernet0:\r\n"
            + "\r\n"
            + "   Physical Address. . . . . . . . . : 00-50-56-A1-B2-C3\r\n"
            + "   DHCP Enabled. . . . . . . . . . . : Yes\r\n"
            + "   Link-local IPv6 Address . . . . . : fe80::5d2c:11ab:9f3e:7c01%12(Preferred)\r\n"
            + "   IPv4 Address. . . . . . . . . . . : 10.20.30.41(Preferred)\r\n"
            + "   Subnet Mask . . . . . . . . . . . : 255.255.255.0\r\n"
            + "   Lease Obtained. . . . . . . . . . : Monday, June 3, 2024 10:15:30 AM\r\n"
            + "   Default Gateway . . . . . . . . . : 10.20.30.1\r\n"
            + "   DHCP Server . . . . . . . . . . . : 10.20.30.2\r\n"
            + "   DNS Servers . . . . . . . . . . . : 10.20.30.3\r\n"
            + "                                       10.20.30.4\r\n";

    @Test
    void linux_default_command_output_gives_both_families_in_order() {
        assertThat(texts(IpScanner.scan(LINUX_DEFAULT_OUTPUT))).containsExactly("10.20.30.42", "2001:db8:20::42");
    }

    @Test
    void full_ip_address_show_yields_addresses_but_no_broadcast_or_mac() {
        assertThat(texts(IpScanner.scan(IP_ADDRESS_SHOW))).containsExactly(
                "127.0.0.1", "::1", "10.20.30.42", "2001:db8:20:0:250:56ff:fea1:b2c3", "fe80::250:56ff:fea1:b2c3");
    }

    @Test
    void german_ipconfig_with_crlf_keeps_the_address_and_drops_mask_and_gateway() {
        assertThat(texts(IpScanner.scan(IPCONFIG_GERMAN)))
                .containsExactly("fe80::5d2c:11ab:9f3e:7c01", "10.20.30.41");
    }

    @Test
    void french_ipconfig_with_accents_zone_ids_and_preferred_suffix() {
        assertThat(texts(IpScanner.scan(IPCONFIG_FRENCH_APIPA)))
                .containsExactly("2001:db8:10::41", "fe80::5d2c:11ab:9f3e:7c01", "169.254.12.7", "fe80::1");
    }

    @Test
    void ipconfig_all_ignores_times_macs_and_server_addresses() {
        assertThat(texts(IpScanner.scan(IPCONFIG_ALL_ENGLISH)))
                .containsExactly("fe80::5d2c:11ab:9f3e:7c01", "10.20.30.41");
    }

    @Test
    void prefix_lengths_ports_labels_and_sentence_dots_are_cut_off() {
        assertThat(texts(IpScanner.scan("inet addr:10.1.2.3  Bcast:10.1.2.255  Mask:255.255.255.0\n")))
                .containsExactly("10.1.2.3");
        assertThat(texts(IpScanner.scan("ssh to 10.9.9.9:22 or [2001:db8::7]:22 now. Or 10.8.8.8.\n"
                        + "route 192.168.7.0/24 via fd00::1%eth0")))
                .containsExactly("10.9.9.9", "2001:db8::7", "10.8.8.8", "192.168.7.0", "fd00::1");
    }

    @Test
    void invalid_and_ambiguous_literals_are_not_addresses() {
        assertThat(IpScanner.scan("999.1.1.1 09.1.1.1 1.2.3 1.2.3.4.5 10:15:30 00:50:56:a1:b2:c3 "
                        + "deadbeef cafe::babe::1 example.com 1:2:3:4:5:6:7:8:9"))
                .isEmpty();
    }

    @Test
    void duplicates_are_reported_once_in_first_seen_order() {
        assertThat(texts(IpScanner.scan("10.0.0.2 10.0.0.1 10.0.0.2 2001:DB8:0:0::1 2001:db8::1")))
                .containsExactly("10.0.0.2", "10.0.0.1", "2001:db8::1");
    }

    @Test
    void ipv6_is_formatted_per_rfc_5952() {
        assertThat(IpScanner.format(IpScanner.parseLiteral("2001:0DB8:0000:0000:0001:0000:0000:0001").orElseThrow()))
                .isEqualTo("2001:db8::1:0:0:1");
        assertThat(IpScanner.format(IpScanner.parseLiteral("fd00:0:0:0:0:0:0:42").orElseThrow())).isEqualTo("fd00::42");
        assertThat(IpScanner.format(IpScanner.parseLiteral("::").orElseThrow())).isEqualTo("::");
        assertThat(IpScanner.format(IpScanner.parseLiteral("1:0:2:0:3:0:4:0").orElseThrow())).isEqualTo("1:0:2:0:3:0:4:0");
    }

    @Test
    void parse_literal_tolerates_what_tools_and_users_write() {
        assertThat(IpScanner.parseLiteral(" 10.0.0.5/24 ").map(IpScanner::format)).contains("10.0.0.5");
        assertThat(IpScanner.parseLiteral("fe80::1%ens192").map(IpScanner::format)).contains("fe80::1");
        assertThat(IpScanner.parseLiteral("localhost")).isEmpty();
        assertThat(IpScanner.parseLiteral("")).isEmpty();
        assertThat(IpScanner.parseLiteral(null)).isEmpty();
    }

    static List<String> texts(List<InetAddress> addresses) {
        return addresses.stream().map(IpScanner::format).toList();
    }

    static final String IPCONFIG_ALL_TWO_NICS = "\r\n"
            + "Windows IP Configuration\r\n"
            + "\r\n"
            + "   Host Name . . . . . . . . . . . . : ci-win-7\r\n"
            + "\r\n"
            + "Ethernet adapter Ethernet0:\r\n"
            + "\r\n"
            + "   Physical Address. . . . . . . . . : 00-50-56-80-00-01\r\n"
            + "   Link-local IPv6 Address . . . . . : fe80::250:56ff:fe80:1%4\r\n"
            + "   IPv4 Address. . . . . . . . . . . : 10.77.0.9(Preferred)\r\n"
            + "   Subnet Mask . . . . . . . . . . . : 255.255.255.0\r\n"
            + "   Default Gateway . . . . . . . . . : 10.77.0.1\r\n"
            + "\r\n"
            + "Ethernet adapter Ethernet1:\r\n"
            + "\r\n"
            + "   Physical Address. . . . . . . . . : 00-50-56-80-00-02\r\n"
            + "   IPv4 Address. . . . . . . . . . . : 10.78.0.9(Preferred)\r\n"
            + "   Subnet Mask . . . . . . . . . . . : 255.255.255.0\r\n"
            + "\r\n"
            + "Tunnel adapter isatap:\r\n"
            + "\r\n"
            + "   Physical Address. . . . . . . . . : 00-00-00-00-00-00-00-E0\r\n";

    @Test
    void macs_of_ip_address_show_blocks() {
        var macs = IpScanner.macsByAddress(IP_ADDRESS_SHOW);
        assertThat(macs).containsEntry("10.20.30.42", "00:50:56:a1:b2:c3")
                .containsEntry("2001:db8:20:0:250:56ff:fea1:b2c3", "00:50:56:a1:b2:c3")
                // lo's all-zero MAC is no MAC; its addresses stay unattributed.
                .doesNotContainKey("127.0.0.1");
    }

    @Test
    void macs_of_ipconfig_all_blocks_with_dashes_and_no_tunnel_pseudo_mac() {
        var macs = IpScanner.macsByAddress(IPCONFIG_ALL_TWO_NICS);
        assertThat(macs).containsEntry("10.77.0.9", "00:50:56:80:00:01")
                .containsEntry("10.78.0.9", "00:50:56:80:00:02")
                .containsEntry("fe80::250:56ff:fe80:1", "00:50:56:80:00:01");
        assertThat(macs.values()).doesNotContain("00:00:00:00:00:00");
    }

    @Test
    void macs_of_ifconfig_where_the_mac_follows_the_address() {
        String ifconfig = """
                ens192: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500
                        inet 10.20.30.43  netmask 255.255.255.0  broadcast 10.20.30.255
                        ether 00:50:56:a1:b2:c4  txqueuelen 1000  (Ethernet)

                lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536
                        inet 127.0.0.1  netmask 255.0.0.0
                """;
        assertThat(IpScanner.macsByAddress(ifconfig)).containsEntry("10.20.30.43", "00:50:56:a1:b2:c4")
                .doesNotContainKey("127.0.0.1");
    }

    @Test
    void output_without_interfaces_maps_nothing() {
        assertThat(IpScanner.macsByAddress(LINUX_DEFAULT_OUTPUT)).isEmpty();
        assertThat(IpScanner.macsByAddress(null)).isEmpty();
        assertThat(IpScanner.normalizeMac("00-50-56-AB-CD-EF")).isEqualTo("00:50:56:ab:cd:ef");
    }
}
