package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// Guest details beyond the boot timeline, for the operator's address choice and readiness:
// guest-side bridges and virtual switches, an address that changes after boot, services a
// readiness command can ask about, a guestinfo key the guest sets and a TCP port that opens
// (the guest reads guestinfo.* with vmware-rpctool "info-get ...": guestinfo.go).
//
// Knobs (extraConfig testvm.sim.*, seconds before time-scale, "after D" = after the guest has
// its real IP):
//
//	bridges          docker0,virbr0,cni0,flannel.1,tun0,vethernet: guest-side interfaces, up from
//	                 power-on, with fixed addresses and their own MACs (tun0 has none)
//	bridgesFirst     true: guest commands print them before the real NICs, Tools list them
//	                 first in guest.net and report the first as guest.ipAddress
//	ipChangeSeconds  > 0: NIC 0 first gets another lease, replaced by its final address this
//	                 long after D
//	guestAddress     NIC 0's final IPv4 instead of 10.77.x.y (a real host address, so a test
//	                 can reach a port the guest opens)
//	services         ssh=40,sshd=40: service name = seconds after D until it is active
//	serviceFlap      ssh=4/20: once up, the service goes down and up again 4 times, every 20 s
//	readyKey         guestinfo key the guest sets readySeconds after D, to readyValue (default true)
//	listenPort       TCP port the guest opens on guestAddress listenSeconds after D
type guestExtras struct {
	bridges         []bridgeDef
	bridgesFirst    bool
	ipChangeSeconds float64
	ipChanged       bool
	guestAddress    string
	services        map[string]float64
	flaps           map[string]flap
	servicesUp      map[string]bool // replaced, never mutated: render copies share it
	readyKey        string
	readyValue      string
	readySeconds    float64
	listenPort      int
	listenSeconds   float64
}

type flap struct {
	times   int
	seconds float64
}

type bridgeDef struct {
	name   string // interface name (Windows: adapter name)
	mac    string // "" for tunnels
	ipv4   string
	prefix int
}

var knownBridges = map[string]bridgeDef{
	"docker0":   {"docker0", "02:42:7c:1e:33:0a", "172.17.0.1", 16},
	"virbr0":    {"virbr0", "52:54:00:6b:2a:11", "192.168.122.1", 24},
	"cni0":      {"cni0", "0a:58:0a:f4:00:01", "10.244.0.1", 24},
	"flannel.1": {"flannel.1", "9e:3a:51:c0:7d:02", "10.244.0.0", 32},
	"tun0":      {"tun0", "", "10.8.0.6", 24},
	"vethernet": {"vEthernet (Default Switch)", "00:15:5d:4a:21:07", "172.29.64.1", 20},
}

func init() {
	fakeTools["systemctl"] = `#!/bin/sh
# fake systemctl: is-active asks the simulated services; anything else succeeds
S="${TESTVM_SIM_STATE:?}"
if [ "$1" = "is-active" ]; then
  shift; while [ $# -gt 0 ]; do case "$1" in -*) shift ;; *) break ;; esac; done
  if [ "$(cat "$S/service-$1" 2>/dev/null)" = "active" ]; then echo active; exit 0; fi
  echo inactive; exit 3
fi
exit 0
`
	fakeTools["sc"] = `#!/bin/sh
# fake sc.exe: "sc query NAME" prints the simulated service's state
S="${TESTVM_SIM_STATE:?}"
state="1  STOPPED"
if [ "$(cat "$S/service-$2" 2>/dev/null)" = "active" ]; then state="4  RUNNING"; fi
printf '\r\nSERVICE_NAME: %s\r\n        TYPE               : 10  WIN32_OWN_PROCESS\r\n        STATE              : %s\r\n' "$2" "$state"
`
	fakeTools["findstr"] = `#!/bin/sh
# fake findstr: a literal search (exit 1 when nothing matches, like findstr)
exec grep -F -- "$1"
`
	noops := fakeNoops[:0]
	for _, n := range fakeNoops {
		if n != "systemctl" {
			noops = append(noops, n)
		}
	}
	fakeNoops = noops
}

// parseExtras reads the extras knobs and the guestinfo keys out of extraConfig.
func parseExtras(extra []types.BaseOptionValue) guestExtras {
	knob := func(k string) string { return strings.TrimSpace(extraConfigValue(extra, knobPrefix+k)) }
	num := func(k string) float64 {
		f, err := strconv.ParseFloat(knob(k), 64)
		if err != nil || f < 0 {
			return 0
		}
		return f
	}
	e := guestExtras{
		bridgesFirst:    knob("bridgesFirst") == "true",
		ipChangeSeconds: num("ipChangeSeconds"),
		guestAddress:    knob("guestAddress"),
		services:        map[string]float64{},
		flaps:           map[string]flap{},
		servicesUp:      map[string]bool{},
		readyKey:        knob("readyKey"),
		readyValue:      knob("readyValue"),
		readySeconds:    num("readySeconds"),
		listenSeconds:   num("listenSeconds"),
	}
	if e.readyValue == "" {
		e.readyValue = "true"
	}
	e.listenPort, _ = strconv.Atoi(knob("listenPort"))
	for _, name := range strings.Split(knob("bridges"), ",") {
		if b, ok := knownBridges[strings.TrimSpace(name)]; ok {
			e.bridges = append(e.bridges, b)
		}
	}
	for name, v := range pairs(knob("services")) {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			e.services[name] = f
		}
	}
	for name, v := range pairs(knob("serviceFlap")) {
		times, secs, _ := strings.Cut(v, "/")
		n, err1 := strconv.Atoi(times)
		f, err2 := strconv.ParseFloat(secs, 64)
		if err1 == nil && err2 == nil && n > 0 && f > 0 {
			e.flaps[name] = flap{times: n, seconds: f}
		}
	}
	return e
}

// pairs parses "a=1,b=2".
func pairs(s string) map[string]string {
	out := map[string]string{}
	for _, p := range strings.Split(s, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && k != "" {
			out[k] = strings.TrimSpace(v)
		}
	}
	return out
}

// bridgesUp: guest-side interfaces come up with the guest OS (docker, libvirt and Hyper-V start
// early), well before DHCP answers.
func (st *vmState) bridgesUp() bool {
	return st.poweredOn
}

// nicIPv4 is NIC i's IPv4 address now (phase real): an early lease until it changes.
func (st *vmState) nicIPv4(i int) string {
	if i == 0 && st.extras.ipChangeSeconds > 0 && !st.extras.ipChanged {
		return fmt.Sprintf("10.%d.%d.%d", 77+i, 200+(st.index/250)%50, st.index%250+2)
	}
	return st.finalIPv4(i)
}

// finalIPv4 is the address NIC i ends up with.
func (st *vmState) finalIPv4(i int) string {
	if i == 0 && st.extras.guestAddress != "" {
		return st.extras.guestAddress
	}
	return st.ipv4(i)
}

// bridgeNics are the Tools entries (guest.net) of the guest-side interfaces: no network, no device.
func (st *vmState) withBridgeNics(nics []types.GuestNicInfo) []types.GuestNicInfo {
	if len(st.extras.bridges) == 0 || !st.bridgesUp() {
		return nics
	}
	var bridges []types.GuestNicInfo
	for _, b := range st.extras.bridges {
		bridges = append(bridges, types.GuestNicInfo{
			MacAddress: b.mac, Connected: true, DeviceConfigId: -1, IpAddress: []string{b.ipv4},
			IpConfig: &types.NetIpConfigInfo{IpAddress: []types.NetIpConfigInfoIpAddress{{
				IpAddress: b.ipv4, PrefixLength: int32(b.prefix),
				Origin: string(types.NetIpConfigInfoIpAddressOriginManual), State: string(types.NetIpConfigInfoIpAddressStatusPreferred),
			}}},
		})
	}
	if st.extras.bridgesFirst {
		return append(bridges, nics...)
	}
	return append(nics, bridges...)
}

// bridgePrimary is what Tools report as guest.ipAddress when a bridge is listed first.
func (st *vmState) bridgePrimary() string {
	if st.extras.bridgesFirst && len(st.extras.bridges) > 0 && st.bridgesUp() {
		return st.extras.bridges[0].ipv4
	}
	return ""
}

// renderBridges renders the bridges for `ip address show` (first: printed before the NICs).
func (st *vmState) renderBridges(first bool, family string) string {
	if first != st.extras.bridgesFirst || !st.bridgesUp() || family == "6" {
		return ""
	}
	var b strings.Builder
	for i, br := range st.extras.bridges {
		n := 20 + i
		if br.mac == "" {
			fmt.Fprintf(&b, "%d: %s: <POINTOPOINT,MULTICAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UNKNOWN group default qlen 500\n", n, br.name)
			if family == "" {
				b.WriteString("    link/none \n")
			}
			fmt.Fprintf(&b, "    inet %s/%d scope global %s\n", br.ipv4, br.prefix, br.name)
			continue
		}
		fmt.Fprintf(&b, "%d: %s: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN group default\n", n, br.name)
		if family == "" {
			fmt.Fprintf(&b, "    link/ether %s brd ff:ff:ff:ff:ff:ff\n", br.mac)
		}
		fmt.Fprintf(&b, "    inet %s/%d brd %s scope global %s\n       valid_lft forever preferred_lft forever\n",
			br.ipv4, br.prefix, broadcast4(br.ipv4), br.name)
	}
	return b.String()
}

// ipconfigBridges renders the bridges as ipconfig adapters.
func (st *vmState) ipconfigBridges(first, all bool) []string {
	if first != st.extras.bridgesFirst || !st.bridgesUp() {
		return nil
	}
	var lines []string
	for _, br := range st.extras.bridges {
		lines = append(lines, "", fmt.Sprintf("Ethernet adapter %s:", br.name), "", "   Connection-specific DNS Suffix  . : ")
		if all {
			lines = append(lines, "   Description . . . . . . . . . . . : Hyper-V Virtual Ethernet Adapter")
			if br.mac != "" {
				lines = append(lines, "   Physical Address. . . . . . . . . : "+strings.ToUpper(strings.ReplaceAll(br.mac, ":", "-")))
			}
		}
		mask := net.IP(net.CIDRMask(br.prefix, 32)).String()
		lines = append(lines, "   IPv4 Address. . . . . . . . . . . : "+br.ipv4, "   Subnet Mask . . . . . . . . . . . : "+mask,
			"   Default Gateway . . . . . . . . . : ")
	}
	return lines
}

// extraFiles are the state files of the services.
func (st *vmState) extraFiles() map[string]string {
	files := map[string]string{}
	for name := range st.extras.services {
		state := "inactive"
		if st.extras.servicesUp[name] {
			state = "active"
		}
		files["service-"+name] = state
	}
	return files
}

// scheduleExtras schedules the extras' events of one boot; d is when the guest gets its IP.
// Caller holds vmTable.mu.
func (s *Sim) scheduleExtras(st *vmState, gen int, d float64) {
	e := st.extras
	if e.ipChangeSeconds > 0 {
		st.after(s.scaled(d+e.ipChangeSeconds), func() {
			s.updateGuest(st, gen, func(v *vmState) { v.extras.ipChanged = true })
		})
	}
	for name, up := range e.services {
		s.scheduleService(st, gen, name, d+up)
	}
	if e.readyKey != "" {
		st.after(s.scaled(d+e.readySeconds), func() { s.setGuestinfo(st, gen, e.readyKey, e.readyValue) })
	}
	if e.listenPort > 0 && e.guestAddress != "" {
		st.after(s.scaled(d+e.listenSeconds), func() { s.listen(st, gen) })
	}
}

func (s *Sim) scheduleService(st *vmState, gen int, name string, at float64) {
	set := func(up bool) func() {
		return func() {
			s.updateGuest(st, gen, func(v *vmState) {
				m := map[string]bool{}
				for k, val := range v.extras.servicesUp {
					m[k] = val
				}
				m[name] = up
				v.extras.servicesUp = m
			})
		}
	}
	st.after(s.scaled(at), set(true))
	f, ok := st.extras.flaps[name]
	if !ok {
		return
	}
	times := f.times + f.times%2 // end up
	for i := 1; i <= times; i++ {
		st.after(s.scaled(at+float64(i)*f.seconds), set(i%2 == 0))
	}
}

// setGuestinfo: the guest sets a guestinfo key (vmware-rpctool "info-set ..."), which vCenter
// shows in config.extraConfig.
func (s *Sim) setGuestinfo(st *vmState, gen int, key, value string) {
	s.withVMState(st, gen, func(ctx *simulator.Context, vm *simulator.VirtualMachine) []types.PropertyChange {
		merged := mergeExtraConfig(vm.Config.ExtraConfig, []types.BaseOptionValue{&types.OptionValue{Key: key, Value: value}})
		return []types.PropertyChange{{Name: "config.extraConfig", Val: merged}}
	})
}

// listen opens the guest's TCP port on its (host-owned) address until the guest powers off or
// is destroyed; connections are accepted and closed at once.
func (s *Sim) listen(st *vmState, gen int) {
	addr := net.JoinHostPort(st.extras.guestAddress, strconv.Itoa(st.extras.listenPort))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		logf("guest %s: listen %s: %v", st.ref.Value, addr, err)
		return
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	}()
	go func() {
		for {
			time.Sleep(100 * time.Millisecond)
			s.vms.mu.Lock()
			gone := s.vms.byRef[st.ref] != st || st.gen != gen
			s.vms.mu.Unlock()
			if gone {
				_ = l.Close()
				return
			}
		}
	}()
}
