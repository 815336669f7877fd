package main

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// output runs a shell command line in a Linux guest (or cmd.exe /c in a Windows one) and returns
// its exit code and combined output.
func (e *env) output(vm *object.VirtualMachine, windows bool, command string) (int32, string) {
	e.t.Helper()
	program, args, file := "/bin/sh", "-c '("+command+") > /tmp/x.out 2>&1'", "/tmp/x.out"
	if windows {
		program, args, file = `C:\Windows\System32\cmd.exe`, `/c "`+command+` > C:\Windows\TEMP\x.out 2>&1"`, `C:\Windows\TEMP\x.out`
	}
	code := e.run(vm, defaultAuth, program, args)
	out, err := e.download(vm, defaultAuth, file)
	if err != nil {
		e.t.Fatal(err)
	}
	return code, out
}

func (e *env) vmProps(vm *object.VirtualMachine, props ...string) mo.VirtualMachine {
	e.t.Helper()
	var o mo.VirtualMachine
	if err := vm.Properties(e.ctx, vm.Reference(), props, &o); err != nil {
		e.t.Fatal(err)
	}
	return o
}

func (e *env) bootClone(template, name string, extra map[string]string) *object.VirtualMachine {
	e.t.Helper()
	src := e.vm("Templates/" + template)
	vm := e.clone(src, name, e.cloneSpec(src, true, extra))
	e.powerOn(vm)
	e.waitInfo(vm, 10*time.Second, func(i VMInfo) bool { return i.IPAssignedAt != 0 })
	return vm
}

func vmMACs(o mo.VirtualMachine) []string {
	var macs []string
	for _, d := range o.Config.Hardware.Device {
		if c, ok := d.(types.BaseVirtualEthernetCard); ok {
			macs = append(macs, c.GetVirtualEthernetCard().MacAddress)
		}
	}
	return macs
}

func TestBridgesPrintedBeforeTheNicAndListedFirstByTools(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	vm := e.bootClone("ubuntu-docker", "ci-docker", nil)
	ip := e.info(vm).IPs[0]

	_, out := e.output(vm, false, "ip address show")
	docker, nic := strings.Index(out, "docker0:"), strings.Index(out, "ens192:")
	if docker < 0 || nic < 0 || docker > nic || !strings.Contains(out, "link/ether 02:42:7c:1e:33:0a") ||
		!strings.Contains(out, "inet 172.17.0.1/16") || !strings.Contains(out, "192.168.122.1/24") || !strings.Contains(out, "link/none") {
		t.Fatalf("ip address show:\n%s", out)
	}
	if !strings.Contains(out[nic:], "inet "+ip+"/24") {
		t.Errorf("NIC address %s missing:\n%s", ip, out)
	}

	// Tools: the bridge first in guest.net (no network, no device) and as guest.ipAddress.
	var o mo.VirtualMachine
	if !waitFor(5*time.Second, func() bool {
		o = e.vmProps(vm, "guest", "config.hardware.device")
		return len(o.Guest.Net) > 0 && len(o.Guest.Net[len(o.Guest.Net)-1].IpAddress) > 0 && o.Guest.Net[len(o.Guest.Net)-1].IpAddress[0] == ip
	}) {
		t.Fatalf("Tools never published %s: %+v", ip, o.Guest)
	}
	first := o.Guest.Net[0]
	if first.MacAddress != "02:42:7c:1e:33:0a" || first.Network != "" || first.DeviceConfigId != -1 || o.Guest.IpAddress != "172.17.0.1" {
		t.Errorf("Tools view: first nic %+v, ipAddress %s", first, o.Guest.IpAddress)
	}
	macs := vmMACs(o)
	if len(macs) != 1 || macs[0] != o.Guest.Net[len(o.Guest.Net)-1].MacAddress {
		t.Errorf("VM devices %v vs guest.net %+v", macs, o.Guest.Net)
	}
}

func TestBridgesAfterTheNic(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	vm := e.bootClone("ubuntu-docker-after", "ci-docker-after", nil)
	_, out := e.output(vm, false, "ip address show")
	if docker, nic := strings.Index(out, "docker0:"), strings.Index(out, "ens192:"); nic < 0 || docker < nic {
		t.Fatalf("ip address show:\n%s", out)
	}
}

func TestWindowsVEthernetAdapterFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	vm := e.bootClone("windows-hyperv", "ci-hyperv", nil)
	ip := e.info(vm).IPs[0]
	_, out := e.output(vm, true, "ipconfig /all")
	veth, nic := strings.Index(out, "Ethernet adapter vEthernet (Default Switch):"), strings.Index(out, "Ethernet adapter Ethernet0:")
	if veth < 0 || nic < 0 || veth > nic || !strings.Contains(out[:nic], "Physical Address. . . . . . . . . : 00-15-5D-4A-21-07") ||
		!strings.Contains(out[:nic], "172.29.64.1") || !strings.Contains(out[:nic], "255.255.240.0") || !strings.Contains(out[nic:], ip) {
		t.Fatalf("ipconfig /all:\n%s", out)
	}
}

func TestAddressChangesAfterBoot(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// The template's 5 s (0.1 s scaled) made 100 s here: time to look at the first lease under load.
	vm := e.bootClone("ubuntu-ip-change", "ci-ip-change", map[string]string{"testvm.sim.ipChangeSeconds": "100"})
	final := e.info(vm).IPs[0]
	var early string
	if !waitFor(2*time.Second, func() bool {
		_, early = e.output(vm, false, "ip -4 address show scope global")
		return strings.Contains(early, "inet 10.77.2")
	}) || strings.Contains(early, final) {
		t.Fatalf("first lease should differ from %s:\n%s", final, early)
	}
	// 100 s after the IP (2 s scaled) the final address replaces it.
	if !waitFor(5*time.Second, func() bool {
		_, out := e.output(vm, false, "ip -4 address show scope global")
		return strings.Contains(out, "inet "+final+"/24") && !strings.Contains(out, "inet 10.77.2")
	}) {
		t.Fatal("address never changed to", final)
	}
}

func TestServicesFlapThenStayUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// ssh active 50 s after the IP, then down/up twice every 50 s (1 s scaled); sshd for Windows.
	vm := e.bootClone("ubuntu-22.04", "ci-services", map[string]string{
		"testvm.sim.services": "ssh=50", "testvm.sim.serviceFlap": "ssh=2/50"})
	var seen []string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		code, out := e.output(vm, false, "systemctl is-active ssh")
		state := strings.TrimSpace(out)
		if (code == 0) != (state == "active") {
			t.Fatalf("exit %d for %q", code, state)
		}
		if len(seen) == 0 || seen[len(seen)-1] != state {
			seen = append(seen, state)
		}
		if len(seen) >= 4 {
			break
		}
	}
	if strings.Join(seen, ",") != "inactive,active,inactive,active" {
		t.Errorf("states %v", seen)
	}

	win := e.bootClone("windows-2016", "ci-win-services", map[string]string{"testvm.sim.services": "sshd=0"})
	if code, out := e.output(win, true, "sc query sshd | findstr RUNNING"); code != 0 || !strings.Contains(out, "4  RUNNING") {
		t.Errorf("sc query: %d %q", code, out)
	}
	if code, _ := e.output(win, true, "sc query other | findstr RUNNING"); code == 0 {
		t.Error("a service that does not run matched RUNNING")
	}
}

func TestGuestSetsReadyKeyAndSeesGuestinfo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	vm := e.bootClone("ubuntu-22.04", "ci-guestinfo", map[string]string{
		"testvm.sim.readyKey": "guestinfo.ready", "testvm.sim.readySeconds": "25",
		"guestinfo.userdata": "I2Nsb3VkLWNvbmZpZwo=", "guestinfo.userdata.encoding": "base64"})
	if code, out := e.output(vm, false, `vmware-rpctool "info-get guestinfo.userdata"`); code != 0 || strings.TrimSpace(out) != "I2Nsb3VkLWNvbmZpZwo=" {
		t.Errorf("info-get: %d %q", code, out)
	}
	if code, out := e.output(vm, false, `vmtoolsd --cmd "info-get guestinfo.userdata.encoding"`); code != 0 || strings.TrimSpace(out) != "base64" {
		t.Errorf("vmtoolsd --cmd: %d %q", code, out)
	}
	if code, _ := e.output(vm, false, `vmware-rpctool "info-get guestinfo.nothing"`); code == 0 {
		t.Error("a missing key was found")
	}
	ready := func() string {
		for _, ov := range e.vmProps(vm, "config.extraConfig").Config.ExtraConfig {
			if o := ov.GetOptionValue(); o.Key == "guestinfo.ready" {
				return o.Value.(string)
			}
		}
		return ""
	}
	if v := ready(); v != "" {
		t.Fatalf("set before readySeconds: %q", v)
	}
	if !waitFor(5*time.Second, func() bool { return ready() == "true" }) {
		t.Fatal("guestinfo.ready never set")
	}
}

func TestGuestOpensItsPort(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	vm := e.bootClone("ubuntu-22.04", "ci-port", map[string]string{
		"testvm.sim.guestAddress": "127.0.0.1", "testvm.sim.listenPort": strconv.Itoa(port), "testvm.sim.listenSeconds": "25"})
	if e.info(vm).IPs[0] != "127.0.0.1" {
		t.Fatalf("guestAddress not used: %+v", e.info(vm))
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Fatal("port open before listenSeconds")
	}
	if !waitFor(5*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	}) {
		t.Fatal("port never opened")
	}
	task, err := vm.PowerOff(e.ctx)
	if err != nil || task.Wait(e.ctx) != nil {
		t.Fatal("power off", err)
	}
	if !waitFor(5*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	}) {
		t.Fatal("port still open after power-off")
	}
}
