package main

import (
	"fmt"
	"sort"
	"strings"
)

// Rendered outputs of the fake guest tools. Caller holds vmTable.mu.

// renderIPAddr renders `ip [-4|-6] address show [scope global]`.
// family: "", "4" or "6". An interface is listed only if it has a matching address,
// unless no filter is given at all (then every interface is listed, as iproute2 does).
func (st *vmState) renderIPAddr(family string, global bool) string {
	filtered := family != "" || global
	match := func(a guestAddr) bool {
		if family == "4" && a.v6 || family == "6" && !a.v6 {
			return false
		}
		if global && a.link && a.v6 {
			return false
		}
		return true
	}
	var b strings.Builder

	// loopback
	if !global {
		var lines []string
		if family != "6" {
			lines = append(lines, "    inet 127.0.0.1/8 scope host lo", "       valid_lft forever preferred_lft forever")
		}
		if family != "4" {
			lines = append(lines, "    inet6 ::1/128 scope host noprefixroute ", "       valid_lft forever preferred_lft forever")
		}
		b.WriteString("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n")
		if !filtered {
			b.WriteString("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n")
		}
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}

	b.WriteString(st.renderBridges(true, family))
	for i, n := range st.nics {
		name := st.ifName(i)
		var lines []string
		for _, a := range st.addrs(i) {
			if !match(a) {
				continue
			}
			switch {
			case !a.v6 && a.link:
				lines = append(lines, fmt.Sprintf("    inet %s/%d brd 169.254.255.255 scope global %s", a.ip, a.prefix, name),
					"       valid_lft forever preferred_lft forever")
			case !a.v6:
				lines = append(lines, fmt.Sprintf("    inet %s/%d brd %s scope global dynamic %s", a.ip, a.prefix, broadcast4(a.ip), name),
					"       valid_lft 86391sec preferred_lft 86391sec")
			case a.link:
				lines = append(lines, fmt.Sprintf("    inet6 %s/%d scope link ", a.ip, a.prefix),
					"       valid_lft forever preferred_lft forever")
			default:
				lines = append(lines, fmt.Sprintf("    inet6 %s/%d scope global dynamic mngtmpaddr noprefixroute ", a.ip, a.prefix),
					"       valid_lft 86391sec preferred_lft 14391sec")
			}
		}
		if filtered && len(lines) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%d: %s: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000\n", i+2, name)
		if family == "" {
			fmt.Fprintf(&b, "    link/ether %s brd ff:ff:ff:ff:ff:ff\n", strings.ToLower(n.mac))
		}
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	b.WriteString(st.renderBridges(false, family))
	return b.String()
}

// renderIPBrief renders `ip -br address`.
func (st *vmState) renderIPBrief() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-16s %-14s 127.0.0.1/8 ::1/128 \n", "lo", "UNKNOWN")
	for i := range st.nics {
		fmt.Fprintf(&b, "%-16s %-14s ", st.ifName(i), "UP")
		for _, a := range st.addrs(i) {
			fmt.Fprintf(&b, "%s/%d ", a.ip, a.prefix)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// renderLinks renders `ip link show`.
func (st *vmState) renderLinks() string {
	var b strings.Builder
	b.WriteString("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n")
	b.WriteString("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n")
	for i, n := range st.nics {
		fmt.Fprintf(&b, "%d: %s: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP mode DEFAULT group default qlen 1000\n", i+2, st.ifName(i))
		fmt.Fprintf(&b, "    link/ether %s brd ff:ff:ff:ff:ff:ff\n", strings.ToLower(n.mac))
	}
	return b.String()
}

// renderRoutes renders `ip route show`.
func (st *vmState) renderRoutes() string {
	var b strings.Builder
	for i := range st.nics {
		for _, a := range st.addrs(i) {
			if a.v6 {
				continue
			}
			if a.link {
				fmt.Fprintf(&b, "169.254.0.0/16 dev %s proto kernel scope link src %s\n", st.ifName(i), a.ip)
				continue
			}
			if i == 0 {
				fmt.Fprintf(&b, "default via %s dev %s proto dhcp src %s metric 100\n", st.gateway4(i), st.ifName(i), a.ip)
			}
			p := strings.Split(a.ip, ".")
			fmt.Fprintf(&b, "%s.%s.%s.0/24 dev %s proto kernel scope link src %s metric 100\n", p[0], p[1], p[2], st.ifName(i), a.ip)
		}
	}
	return b.String()
}

// renderIPConfig renders Windows `ipconfig` output (CRLF line endings).
func (st *vmState) renderIPConfig(all bool) string {
	var lines []string
	add := func(l ...string) { lines = append(lines, l...) }
	add("", "Windows IP Configuration", "")
	if all {
		add(fmt.Sprintf("   Host Name . . . . . . . . . . . . : %s", st.hostName),
			"   Primary Dns Suffix  . . . . . . . : ",
			"   Node Type . . . . . . . . . . . . : Hybrid",
			"   IP Routing Enabled. . . . . . . . : No",
			"   WINS Proxy Enabled. . . . . . . . : No", "")
	}
	add(st.ipconfigBridges(true, all)...)
	for i, n := range st.nics {
		add("", fmt.Sprintf("Ethernet adapter %s:", st.ifName(i)), "")
		add("   Connection-specific DNS Suffix  . : ")
		if all {
			add("   Description . . . . . . . . . . . : vmxnet3 Ethernet Adapter",
				"   Physical Address. . . . . . . . . : "+strings.ToUpper(strings.ReplaceAll(n.mac, ":", "-")),
				"   DHCP Enabled. . . . . . . . . . . : Yes",
				"   Autoconfiguration Enabled . . . . : Yes")
		}
		gw := ""
		// Windows lists IPv6, then link-local IPv6, then IPv4.
		addrs := st.addrs(i)
		sort.SliceStable(addrs, func(x, y int) bool { return ipconfigRank(addrs[x]) < ipconfigRank(addrs[y]) })
		for _, a := range addrs {
			switch {
			case a.v6 && a.link:
				add(fmt.Sprintf("   Link-local IPv6 Address . . . . . : %s%%%d", a.ip, 4+i))
			case a.v6:
				add("   IPv6 Address. . . . . . . . . . . : " + a.ip)
			case a.link:
				add("   Autoconfiguration IPv4 Address. . : "+a.ip,
					"   Subnet Mask . . . . . . . . . . . : 255.255.0.0")
			default:
				add("   IPv4 Address. . . . . . . . . . . : "+a.ip,
					"   Subnet Mask . . . . . . . . . . . : 255.255.255.0")
				gw = st.gateway4(i)
			}
		}
		add("   Default Gateway . . . . . . . . . : " + gw)
	}
	add(st.ipconfigBridges(false, all)...)
	return strings.Join(lines, "\r\n") + "\r\n"
}

func ipconfigRank(a guestAddr) int {
	switch {
	case a.v6 && !a.link:
		return 0
	case a.v6:
		return 1
	default:
		return 2
	}
}
