package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/vmware/govmomi/fault"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

func TestLinkedCloneKeepsInstanceUUIDAndInheritsKnobs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.vm("Templates/ubuntu-22.04")
	const uid = "3f0c8a52-6d1e-4c55-9a53-0d3c6f4f1b2a"
	spec := e.cloneSpec(src, true, map[string]string{UIDKey: uid, "guestinfo.foo": "bar"})
	spec.Config.InstanceUuid = uid
	spec.Config.NumCPUs = 3
	spec.Config.MemoryMB = 1024

	task, err := src.Clone(e.ctx, e.vmFolder(), "ci-linked-1", spec)
	if err != nil {
		t.Fatal(err)
	}
	var ti mo.Task
	if err := task.Properties(e.ctx, task.Reference(), []string{"info"}, &ti); err != nil {
		t.Fatal(err)
	}
	if ti.Info.Name != "CloneVM_Task" || ti.Info.DescriptionId != "VirtualMachine.clone" || ti.Info.EntityName != "ubuntu-22.04" {
		t.Errorf("task info name=%q descriptionId=%q entityName=%q", ti.Info.Name, ti.Info.DescriptionId, ti.Info.EntityName)
	}
	info, err := task.WaitForResult(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	ref := info.Result.(types.ManagedObjectReference)

	found, err := object.NewSearchIndex(e.c.Client).FindByUuid(e.ctx, nil, uid, true, types.NewBool(true))
	if err != nil || found == nil || found.Reference() != ref {
		t.Fatalf("FindByUuid(instanceUuid) = %v, %v; want %v", found, err, ref)
	}

	var vm mo.VirtualMachine
	clone := object.NewVirtualMachine(e.c.Client, ref)
	if err := clone.Properties(e.ctx, ref, []string{"config", "runtime"}, &vm); err != nil {
		t.Fatal(err)
	}
	if vm.Config.Hardware.NumCPU != 3 || vm.Config.Hardware.MemoryMB != 1024 {
		t.Errorf("cpu/mem = %d/%d", vm.Config.Hardware.NumCPU, vm.Config.Hardware.MemoryMB)
	}
	for k, want := range map[string]string{UIDKey: uid, "guestinfo.foo": "bar", "testvm.sim.os": "linux"} {
		if got := extraConfigValue(vm.Config.ExtraConfig, k); got != want {
			t.Errorf("extraConfig %s = %q, want %q", k, got, want)
		}
	}
	if vm.Config.GuestId != "ubuntu64Guest" {
		t.Errorf("guestId = %q", vm.Config.GuestId)
	}
	in := e.info(clone)
	if in.CloneType != "linked" || in.UID != uid || in.InstanceUUID != uid || in.PowerState != "poweredOff" {
		t.Errorf("control view %+v", in)
	}

	// A second clone asking for the same instanceUuid gets a fresh one, as on vCenter.
	other := e.clone(src, "ci-linked-2", spec)
	if e.info(other).InstanceUUID == uid {
		t.Errorf("duplicate instanceUuid was kept")
	}
	// The clones got their own MACs.
	var a, b mo.VirtualMachine
	_ = clone.Properties(e.ctx, clone.Reference(), []string{"config.hardware.device"}, &a)
	_ = other.Properties(e.ctx, other.Reference(), []string{"config.hardware.device"}, &b)
	if macs(a) == macs(b) {
		t.Errorf("clones share MAC %s", macs(a))
	}
}

func macs(vm mo.VirtualMachine) string {
	s := ""
	for _, d := range vm.Config.Hardware.Device {
		if c, ok := d.(types.BaseVirtualEthernetCard); ok {
			s += c.GetVirtualEthernetCard().MacAddress + " "
		}
	}
	return s
}

func TestLinkedCloneWithoutSnapshotFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.vm("Templates/no-snapshot")
	spec := e.cloneSpec(src, true, nil)
	if spec.Snapshot != nil {
		t.Fatal("no-snapshot has a snapshot")
	}
	task, err := src.Clone(e.ctx, e.vmFolder(), "ci-bad-linked", spec)
	if err != nil {
		t.Fatal(err)
	}
	_, err = task.WaitForResult(e.ctx)
	var ia *types.InvalidArgument
	if _, ok := fault.As(err, &ia); !ok || ia.InvalidProperty != "spec.snapshot" {
		t.Fatalf("err = %v, want InvalidArgument spec.snapshot", err)
	}
	// A full clone of it works and takes cloneSeconds.full (10 s scaled).
	start := time.Now()
	e.clone(src, "ci-full", e.cloneSpec(src, false, nil))
	if d := time.Since(start); d < e.s.scaled(10) {
		t.Errorf("full clone took %v, want >= %v", d, e.s.scaled(10))
	}
	if in := e.info(e.vm("vm/ci-full")); in.CloneType != "full" {
		t.Errorf("cloneType %q", in.CloneType)
	}
}

func TestClonePowerOnAndTaskStates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.vm("Templates/ubuntu-22.04")
	spec := e.cloneSpec(src, true, nil)
	spec.PowerOn = true
	vm := e.clone(src, "ci-poweron", spec)
	in := e.info(vm)
	if in.PowerState != "poweredOn" || in.PoweredOnAt == 0 {
		t.Fatalf("clone with powerOn: %+v", in)
	}
	st := e.s.stats.snapshot(0)
	if st.TasksByMethod["CloneVM_Task"] != 1 {
		t.Errorf("tasksByMethod %v", st.TasksByMethod)
	}
	if st.PeakConcurrentTasks < 1 {
		t.Errorf("peak %d", st.PeakConcurrentTasks)
	}
}

// Clones of one template run in parallel: no lock is held on the source while a clone waits.
func TestConcurrentClones(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, Options{TimeScale: 0.1}) // a full clone takes 1 s: long against submitting them
	src := e.vm("Templates/ubuntu-22.04")
	const n = 20
	start := time.Now()
	var tasks []*object.Task
	for i := 0; i < n; i++ {
		task, err := src.Clone(e.ctx, e.vmFolder(), fmt.Sprintf("ci-par-%d", i), e.cloneSpec(src, false, nil))
		if err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, task)
	}
	for _, task := range tasks {
		if _, err := task.WaitForResult(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > n*e.s.scaled(10)/2 { // one after the other would take n times as long
		t.Errorf("%d full clones took %v; one takes %v", n, d, e.s.scaled(10))
	}
	if st := e.s.stats.snapshot(0); st.PeakConcurrentTasks < n/2 {
		t.Errorf("peakConcurrentTasks %d", st.PeakConcurrentTasks)
	}
}

// Searches walk every registry object (including our hooks object) and must not panic.
func TestSearchIndexWalksAllObjects(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	si := object.NewSearchIndex(e.c.Client)
	for i := 0; i < 5; i++ {
		if ref, err := si.FindByUuid(e.ctx, nil, "00000000-0000-0000-0000-000000000000", true, types.NewBool(true)); err != nil || ref != nil {
			t.Fatalf("FindByUuid(instance) = %v, %v", ref, err)
		}
		if ref, err := si.FindByUuid(e.ctx, nil, "00000000-0000-0000-0000-000000000000", true, nil); err != nil || ref != nil {
			t.Fatalf("FindByUuid = %v, %v", ref, err)
		}
		if ref, err := si.FindByIp(e.ctx, nil, "10.99.99.99", true); err != nil || ref != nil {
			t.Fatalf("FindByIp = %v, %v", ref, err)
		}
		if ref, err := si.FindByDnsName(e.ctx, nil, "nope.example", true); err != nil || ref != nil {
			t.Fatalf("FindByDnsName = %v, %v", ref, err)
		}
	}
}
