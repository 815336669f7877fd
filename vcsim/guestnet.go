package main

import (
	"fmt"
	"net"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// guestAddr is one address configured inside the guest.
type guestAddr struct {
	ip     string
	prefix int
	v6     bool
	link   bool // link-local (fe80::/10 or 169.254/16)
}

// nicsOf lists the VM's ethernet cards (device order) the guest configures. VM locked by caller.
func (s *Sim) nicsOf(vm *simulator.VirtualMachine, k Knobs) []nicInfo {
	var out []nicInfo
	if vm.Config == nil {
		return nil
	}
	for _, d := range vm.Config.Hardware.Device {
		card, ok := d.(types.BaseVirtualEthernetCard)
		if !ok {
			continue
		}
		c := card.GetVirtualEthernetCard()
		n := nicInfo{mac: c.MacAddress, deviceID: c.Key}
		switch b := c.Backing.(type) {
		case *types.VirtualEthernetCardNetworkBackingInfo:
			n.network = b.DeviceName
		case *types.VirtualEthernetCardDistributedVirtualPortBackingInfo:
			n.network = b.Port.PortgroupKey
			ref := types.ManagedObjectReference{Type: "DistributedVirtualPortgroup", Value: b.Port.PortgroupKey}
			if pg, ok := s.reg.Get(ref).(*simulator.DistributedVirtualPortgroup); ok {
				n.network = dvpgName(&pg.DistributedVirtualPortgroup)
			}
		}
		out = append(out, n)
	}
	if k.NICs > 0 && len(out) > k.NICs {
		out = out[:k.NICs]
	}
	return out
}

func dvpgName(pg *mo.DistributedVirtualPortgroup) string {
	if pg.Name != "" {
		return pg.Name
	}
	return pg.Config.Name
}

func (st *vmState) ipv4(i int) string {
	return fmt.Sprintf("10.%d.%d.%d", 77+i, (st.index/250)%256, st.index%250+2)
}

func (st *vmState) gateway4(i int) string {
	return fmt.Sprintf("10.%d.%d.1", 77+i, (st.index/250)%256)
}

func (st *vmState) apipa(i int) string {
	n := st.index*4 + i
	return fmt.Sprintf("169.254.%d.%d", (n/250)%254+1, n%250+2)
}

func (st *vmState) ipv6(i int) string {
	return fmt.Sprintf("fd00:%d::%x", 77+i, st.index)
}

// linkLocal6 derives the EUI-64 fe80:: address of a MAC.
func linkLocal6(mac string) string {
	hw, err := net.ParseMAC(mac)
	if err != nil || len(hw) != 6 {
		return "fe80::1"
	}
	ip := net.IP{0xfe, 0x80, 0, 0, 0, 0, 0, 0, hw[0] ^ 2, hw[1], hw[2], 0xff, 0xfe, hw[3], hw[4], hw[5]}
	return ip.String()
}

// addrs is what NIC i has inside the guest right now. Caller holds vmTable.mu.
func (st *vmState) addrs(i int) []guestAddr {
	if st.phase == phaseNone || i >= len(st.nics) {
		return nil
	}
	fam := st.knobs.IPFamily
	var out []guestAddr
	if fam != "ipv6" {
		if st.phase == phaseAPIPA {
			out = append(out, guestAddr{ip: st.apipa(i), prefix: 16, link: true})
		} else {
			out = append(out, guestAddr{ip: st.nicIPv4(i), prefix: 24})
		}
	}
	if fam != "ipv4" && st.phase == phaseReal {
		out = append(out, guestAddr{ip: st.ipv6(i), prefix: 64, v6: true})
	}
	out = append(out, guestAddr{ip: linkLocal6(st.nics[i].mac), prefix: 64, v6: true, link: true})
	return out
}

// realIPs are the addresses the guest ends up with (stable across reboots).
func (st *vmState) realIPs() []string {
	var out []string
	n := len(st.nics)
	if n == 0 {
		n = 1
	}
	for i := 0; i < n; i++ {
		if st.knobs.IPFamily != "ipv6" {
			out = append(out, st.finalIPv4(i))
		}
		if st.knobs.IPFamily != "ipv4" {
			out = append(out, st.ipv6(i))
		}
	}
	return out
}

// currentIPs are the non-link-local addresses the guest has now.
func (st *vmState) currentIPs() []string {
	var out []string
	for i := range st.nics {
		for _, a := range st.addrs(i) {
			if !a.link || !a.v6 {
				out = append(out, a.ip)
			}
		}
	}
	return out
}

// primaryIP is what Tools report as guest.ipAddress: first IPv4 (APIPA too), else first global IPv6.
func (st *vmState) primaryIP() string {
	if ip := st.bridgePrimary(); ip != "" {
		return ip
	}
	var v6 string
	for i := range st.nics {
		for _, a := range st.addrs(i) {
			if !a.v6 {
				return a.ip
			}
			if !a.link && v6 == "" {
				v6 = a.ip
			}
		}
	}
	return v6
}

// guestNet is the Tools view of the NICs (guest.net).
func (st *vmState) guestNet() []types.GuestNicInfo {
	out := make([]types.GuestNicInfo, 0, len(st.nics))
	for i, n := range st.nics {
		info := types.GuestNicInfo{
			Network:        n.network,
			MacAddress:     n.mac,
			Connected:      true,
			DeviceConfigId: n.deviceID,
			IpConfig:       &types.NetIpConfigInfo{},
		}
		for _, a := range st.addrs(i) {
			info.IpAddress = append(info.IpAddress, a.ip)
			state := string(types.NetIpConfigInfoIpAddressStatusPreferred)
			origin := string(types.NetIpConfigInfoIpAddressOriginDhcp)
			if a.link {
				origin = string(types.NetIpConfigInfoIpAddressOriginLinklayer)
			}
			info.IpConfig.IpAddress = append(info.IpConfig.IpAddress, types.NetIpConfigInfoIpAddress{
				IpAddress: a.ip, PrefixLength: int32(a.prefix), Origin: origin, State: state,
			})
		}
		out = append(out, info)
	}
	return st.withBridgeNics(out)
}

func netKey(ip string, nics []types.GuestNicInfo) string {
	var b strings.Builder
	b.WriteString(ip)
	for _, n := range nics {
		fmt.Fprintf(&b, "|%s,%s,%v", n.Network, n.MacAddress, n.IpAddress)
	}
	return b.String()
}

// ifName is the guest's interface name of NIC i.
func (st *vmState) ifName(i int) string {
	if st.knobs.OS == "windows" {
		return fmt.Sprintf("Ethernet%d", i)
	}
	slots := []int{192, 224, 256, 161, 193, 225}
	if i < len(slots) {
		return fmt.Sprintf("ens%d", slots[i])
	}
	return fmt.Sprintf("eth%d", i)
}

func broadcast4(ip string) string {
	p := strings.Split(ip, ".")
	if len(p) != 4 {
		return ip
	}
	return p[0] + "." + p[1] + "." + p[2] + ".255"
}
