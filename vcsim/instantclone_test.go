package main

import (
	"strings"
	"testing"
	"time"

	"github.com/vmware/govmomi/fault"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

func (e *env) instantClone(src *object.VirtualMachine, name string, extra map[string]string) (*object.Task, error) {
	spec := types.VirtualMachineInstantCloneSpec{Name: name}
	for k, v := range extra {
		spec.Config = append(spec.Config, &types.OptionValue{Key: k, Value: v})
	}
	res, err := methods.InstantClone_Task(e.ctx, e.c.Client, &types.InstantClone_Task{This: src.Reference(), Spec: spec})
	if err != nil {
		return nil, err
	}
	return object.NewTask(e.c.Client, res.Returnval), nil
}

func TestInstantClone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	// A template is powered off: InvalidPowerState.
	task, err := e.instantClone(e.vm("Templates/ubuntu-22.04"), "ci-instant-bad", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := task.WaitForResult(e.ctx); !fault.Is(err, &types.InvalidPowerState{}) {
		t.Fatalf("instant clone of a template: %v", err)
	}

	parent := e.vm("Templates/instant-parent")
	task, err = e.instantClone(parent, "ci-instant", map[string]string{UIDKey: "u-1", "guestinfo.x": "y"})
	if err != nil {
		t.Fatal(err)
	}
	info, err := task.WaitForResult(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "InstantClone_Task" {
		t.Errorf("task name %q", info.Name)
	}
	vm := object.NewVirtualMachine(e.c.Client, info.Result.(types.ManagedObjectReference))
	in := e.info(vm)
	if in.PowerState != "poweredOn" || !in.ToolsRunning || in.CloneType != "instant" || in.UID != "u-1" {
		t.Fatalf("instant clone right after the task: %+v", in)
	}
	if in.IPs[0] == e.info(parent).IPs[0] {
		t.Errorf("instant clone has the parent's IP %s", in.IPs[0])
	}
	// The guest has its IP instantIpSeconds (1.5 s scaled) after creation: active discovery sees it.
	in = e.waitInfo(vm, 2*time.Second, func(i VMInfo) bool { return i.IPAssignedAt != 0 })
	if d := time.Duration(in.IPAssignedAt-in.CreatedAt) * time.Millisecond; d < e.s.scaled(1.5)-20*time.Millisecond || d > e.s.scaled(1.5)+500*time.Millisecond {
		t.Errorf("instant clone IP after %v, want ~%v", d, e.s.scaled(1.5))
	}
	if code := e.run(vm, defaultAuth, "/bin/sh", linuxDiscovery); code != 0 {
		t.Fatal(code)
	}
	if out, _ := e.download(vm, defaultAuth, "/tmp/testvm-x.out"); strings.TrimSpace(out) != in.IPs[0] {
		t.Errorf("discovery in the instant clone: %q, want %s", out, in.IPs[0])
	}
}

func TestTwoNicsAndAPIPA(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.vm("Templates/two-nics")
	vm := e.clone(src, "ci-two", e.cloneSpec(src, true, nil))
	e.powerOn(vm)
	e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return i.PublishedIP != "" })
	var props mo.VirtualMachine
	if err := vm.Properties(e.ctx, vm.Reference(), []string{"guest.net"}, &props); err != nil {
		t.Fatal(err)
	}
	nets := props.Guest.Net
	if len(nets) != 2 || nets[0].Network != "VM Network" || nets[1].Network != "DC0_DVPG0" ||
		len(nets[0].IpAddress) < 1 || len(nets[1].IpAddress) < 1 || nets[0].IpAddress[0] == nets[1].IpAddress[0] {
		t.Fatalf("guest.net = %+v", nets)
	}

	// apipa-first: 169.254.x.y from D, the real IP apipaSeconds later.
	src = e.vm("Templates/apipa-first")
	vm = e.clone(src, "ci-apipa", e.cloneSpec(src, true, nil))
	e.powerOn(vm)
	in := e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return len(i.GuestIPs) > 0 })
	if !strings.HasPrefix(in.GuestIPs[0], "169.254.") || in.IPAssignedAt != 0 {
		t.Fatalf("first guest address %v (ipAssignedAt %d)", in.GuestIPs, in.IPAssignedAt)
	}
	e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return i.ToolsRunning })
	if code := e.run(vm, defaultAuth, "/bin/sh", linuxDiscovery); code != 0 {
		t.Fatal(code)
	}
	out, _ := e.download(vm, defaultAuth, "/tmp/testvm-x.out")
	if !strings.HasPrefix(out, "169.254.") && in.IPAssignedAt == 0 {
		// the real IP may already have arrived on a slow machine
		// the guest's files show the new address a moment before the control API records it
		if !waitFor(time.Second, func() bool { return e.info(vm).IPAssignedAt != 0 }) {
			t.Errorf("discovery during APIPA: %q", out)
		}
	}
	in = e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return i.IPAssignedAt != 0 })
	if in.GuestIPs[0] != in.IPs[0] {
		t.Errorf("after APIPA: %v, want %s", in.GuestIPs, in.IPs[0])
	}
}
