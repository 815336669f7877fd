package main

import (
	"testing"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/mo"
)

func (e *env) extraConfig(vm *object.VirtualMachine, key string) string {
	var o mo.VirtualMachine
	if err := vm.Properties(e.ctx, vm.Reference(), []string{"config.extraConfig"}, &o); err != nil {
		e.t.Fatal(err)
	}
	return extraConfigValue(o.Config.ExtraConfig, key)
}

func (e *env) guestIPAddress(vm *object.VirtualMachine) string {
	var o mo.VirtualMachine
	if err := vm.Properties(e.ctx, vm.Reference(), []string{"guest.ipAddress"}, &o); err != nil {
		e.t.Fatal(err)
	}
	if o.Guest == nil {
		return ""
	}
	return o.Guest.IpAddress
}

// slowToolsClone: Tools publish only at their start (before the IP); guest → vCenter takes 1 s real time.
func (e *env) slowToolsClone(template, name string) (*object.VirtualMachine, VMInfo) {
	src := e.vm("Templates/" + template)
	vm := e.clone(src, name, e.cloneSpec(src, true, map[string]string{
		knobPrefix + "toolsPollSeconds": "100000", knobPrefix + "vcPropagationSeconds": "50"}))
	e.powerOn(vm)
	in := e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return i.ToolsRunning && i.IPAssignedAt != 0 })
	return vm, in
}

// The guest hands its IP to vCenter through Tools: info-set lands in config.extraConfig and
// "info update network" republishes guest.ipAddress, each after the propagation delay.
func TestGuestInfoSetAndNetworkUpdateLinux(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	vm, in := e.slowToolsClone("ubuntu-22.04", "gi-linux")
	if ip := e.guestIPAddress(vm); ip != "" {
		t.Fatalf("guest.ipAddress %q published before the poll", ip)
	}
	cmd := `-c 'ip=$(ip -4 address show scope global | grep global | cut -b10- | cut -d/ -f1); ` +
		`/usr/bin/vmware-rpctool "info-set guestinfo.testvm.ip $ip" && vmware-toolbox-cmd info update network'`
	if code := e.run(vm, defaultAuth, "/bin/sh", cmd); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if v := e.extraConfig(vm, "guestinfo.testvm.ip"); v != "" {
		t.Errorf("visible in vCenter before the propagation delay: %q", v)
	}
	if !waitFor(5*time.Second, func() bool { return e.extraConfig(vm, "guestinfo.testvm.ip") == in.IPs[0] }) {
		t.Fatalf("guestinfo.testvm.ip = %q, want %q", e.extraConfig(vm, "guestinfo.testvm.ip"), in.IPs[0])
	}
	if !waitFor(5*time.Second, func() bool { return e.guestIPAddress(vm) == in.IPs[0] }) {
		t.Fatalf("guest.ipAddress %q after info update network, want %q", e.guestIPAddress(vm), in.IPs[0])
	}
	// The guest reads back what it set; other keys and malformed calls fail like rpctool does.
	if code := e.run(vm, defaultAuth, "/bin/sh", `-c 'test "$(vmtoolsd --cmd "info-get guestinfo.testvm.ip")" = "`+in.IPs[0]+`"'`); code != 0 {
		t.Errorf("info-get: exit %d", code)
	}
	for _, bad := range []string{`"info-set foo.bar x"`, `"info-set guestinfo.nospace"`, `info-set guestinfo.a b`, `"info-get guestinfo.none"`} {
		if code := e.run(vm, defaultAuth, "/usr/bin/vmware-rpctool", bad); code != 1 {
			t.Errorf("vmware-rpctool %s: exit %d, want 1", bad, code)
		}
	}
	if v := e.extraConfig(vm, "foo.bar"); v != "" {
		t.Errorf("foo.bar set to %q", v)
	}
}

func TestGuestInfoSetWindows(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	vm, in := e.slowToolsClone("windows-2016", "gi-win")
	rpctool := `"C:\Program Files\VMware\VMware Tools\rpctool.exe"`
	if code := e.run(vm, defaultAuth, `C:\Windows\System32\cmd.exe`, `/c "`+rpctool+` "info-set guestinfo.testvm.ip 1.2.3.4""`); code != 0 {
		t.Fatalf("cmd /c rpctool: exit %d", code)
	}
	if code := e.run(vm, defaultAuth, `C:\Program Files\VMware\VMware Tools\VMwareToolboxCmd.exe`, "info update network"); code != 0 {
		t.Fatalf("VMwareToolboxCmd: exit %d", code)
	}
	if !waitFor(5*time.Second, func() bool {
		return e.extraConfig(vm, "guestinfo.testvm.ip") == "1.2.3.4" && e.guestIPAddress(vm) == in.IPs[0]
	}) {
		t.Fatalf("extraConfig %q, guest.ipAddress %q", e.extraConfig(vm, "guestinfo.testvm.ip"), e.guestIPAddress(vm))
	}
	var o mo.VirtualMachine
	_ = vm.Properties(e.ctx, vm.Reference(), []string{"config.extraConfig"}, &o)
	if extraConfigValue(o.Config.ExtraConfig, knobPrefix+"os") != "windows" {
		t.Error("the guest's info-set lost the VM's other extraConfig")
	}
}
