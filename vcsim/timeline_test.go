package main

import (
	"testing"
	"time"

	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// Tools run at B; the guest has its IP at D; guest.ipAddress appears only at the first Tools
// poll tick after D (B + P here), seen through WaitForUpdatesEx.
func TestBootTimelineToolsPoll(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.vm("Templates/ubuntu-22.04")
	vm := e.clone(src, "ci-boot", e.cloneSpec(src, true, nil))

	pc := property.DefaultCollector(e.c.Client)
	type seen struct {
		tools, ip time.Time
		ipValue   string
	}
	got := make(chan seen, 1)
	go func() {
		var s seen
		err := property.Wait(e.ctx, pc, vm.Reference(), []string{"guest.toolsRunningStatus", "guest.ipAddress"}, func(changes []types.PropertyChange) bool {
			for _, c := range changes {
				switch c.Name {
				case "guest.toolsRunningStatus":
					if c.Val == string(types.VirtualMachineToolsRunningStatusGuestToolsRunning) && s.tools.IsZero() {
						s.tools = time.Now()
					}
				case "guest.ipAddress":
					if v, _ := c.Val.(string); v != "" {
						s.ip, s.ipValue = time.Now(), v
					}
				}
			}
			return !s.ip.IsZero()
		})
		if err != nil {
			t.Error(err)
		}
		got <- s
	}()
	time.Sleep(100 * time.Millisecond) // let the filter be created before powering on
	e.powerOn(vm)
	s := <-got

	in := e.info(vm)
	on := time.UnixMilli(in.PoweredOnAt)
	b, p := e.s.scaled(20), e.s.scaled(30)
	tol := 500 * time.Millisecond
	if d := s.tools.Sub(on); d < b-tol/2 || d > b+tol {
		t.Errorf("tools running %v after power-on, want ~%v", d, b)
	}
	if d := s.ip.Sub(s.tools); d < p-tol/2 || d > p+tol {
		t.Errorf("guest.ipAddress published %v after Tools start, want ~%v (poll)", d, p)
	}
	if s.ipValue != in.IPs[0] {
		t.Errorf("published %q, want %q", s.ipValue, in.IPs[0])
	}
	if in.IPAssignedAt == 0 || in.IPPublishedAt < in.IPAssignedAt || in.ToolsRunningAt == 0 {
		t.Errorf("timestamps %+v", in)
	}
	if in.IPPublishedAt-in.IPAssignedAt < (p - e.s.scaled(1.5) - tol).Milliseconds() {
		t.Errorf("IP published %d ms after the guest had it; Tools should lag by about a poll", in.IPPublishedAt-in.IPAssignedAt)
	}

	// Power off clears the guest state; the IP stays the same across reboots.
	task, _ := vm.PowerOff(e.ctx)
	if err := task.Wait(e.ctx); err != nil {
		t.Fatal(err)
	}
	off := e.waitInfo(vm, 2*time.Second, func(i VMInfo) bool { return !i.ToolsRunning && i.PublishedIP == "" })
	// the guest properties are cleared right after the power state change (asynchronously)
	var mvm mo.VirtualMachine
	waitFor(2*time.Second, func() bool {
		if err := vm.Properties(e.ctx, vm.Reference(), []string{"guest"}, &mvm); err != nil {
			t.Fatal(err)
		}
		return mvm.Guest.IpAddress == "" && len(mvm.Guest.Net) == 0
	})
	if mvm.Guest.IpAddress != "" || len(mvm.Guest.Net) != 0 || mvm.Guest.ToolsRunningStatus != string(types.VirtualMachineToolsRunningStatusGuestToolsNotRunning) {
		t.Errorf("guest after power-off: ip=%q net=%v tools=%s", mvm.Guest.IpAddress, mvm.Guest.Net, mvm.Guest.ToolsRunningStatus)
	}
	e.powerOn(vm)
	again := e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return i.PublishedIP != "" })
	if off.IPs[0] != in.IPs[0] || again.PublishedIP != in.IPs[0] {
		t.Errorf("IP changed across a power cycle: %v -> %v", in.IPs, again.PublishedIP)
	}
}
