package main

import (
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// Lock order everywhere: VM object lock (registry) first, then vmTable.mu.

// boot applies a power state change to the guest and, on power-on, schedules the timeline:
//
//	B (toolsSeconds)  Tools running; Tools publish guest.ipAddress/guest.net now and every P s
//	D (ipSeconds)     the guest has its IP (APIPA templates: 169.254 first, real IP apipaSeconds later)
//
// Instant clones: B = 0 and D = instantIpSeconds.
func (s *Sim) boot(st *vmState, gen int, on bool) {
	vm, ok := s.reg.Get(st.ref).(*simulator.VirtualMachine)
	if !ok {
		return
	}
	ctx := s.bgContext()
	stale := false
	ctx.WithLock(vm, func() {
		s.vms.mu.Lock()
		stale = st.gen != gen
		if !stale {
			st.knobs = parseKnobs(vm.Config.ExtraConfig)
			st.nics = s.nicsOf(vm, st.knobs)
			st.guestID = vm.Config.GuestId
			st.hostName = vm.Name
		}
		s.vms.mu.Unlock()
		if !stale {
			ctx.Update(vm, guestClearedChanges())
		}
	})
	if stale {
		return
	}

	s.vms.mu.Lock()
	if st.gen != gen {
		s.vms.mu.Unlock()
		return
	}
	instant := st.instant
	st.instant = false
	if on {
		k := st.knobs
		b, d := k.ToolsSeconds, k.IPSeconds
		if instant {
			b, d = 0, k.InstantIPSeconds
		}
		st.after(s.scaled(b), func() { s.toolsStart(st, gen) })
		if k.APIPASeconds > 0 && k.IPFamily != "ipv6" {
			st.after(s.scaled(d), func() { s.guestIP(st, gen, phaseAPIPA) })
			st.after(s.scaled(d+k.APIPASeconds), func() { s.guestIP(st, gen, phaseReal) })
		} else {
			st.after(s.scaled(d), func() { s.guestIP(st, gen, phaseReal) })
		}
	}
	s.vms.mu.Unlock()
	s.writeGuestFiles(st)
}

// after schedules f; caller holds vmTable.mu.
func (st *vmState) after(d time.Duration, f func()) {
	st.timers = append(st.timers, time.AfterFunc(d, f))
}

// guestIP: the guest OS itself gets an address (visible to guest commands at once).
func (s *Sim) guestIP(st *vmState, gen, phase int) {
	s.updateGuest(st, gen, func(v *vmState) {
		v.phase = phase
		if phase == phaseReal {
			v.ipAssignedAt = time.Now()
		}
	})
}

// toolsStart: VMware Tools start, publish once and then every toolsPollSeconds.
func (s *Sim) toolsStart(st *vmState, gen int) {
	s.withVMState(st, gen, func(ctx *simulator.Context, vm *simulator.VirtualMachine) []types.PropertyChange {
		st.toolsRunning = true
		st.toolsRunningAt = time.Now()
		st.after(s.scaled(st.knobs.ToolsPollSeconds), func() { s.toolsPoll(st, gen) })
		return append(s.toolsRunningChanges(st), s.publishLocked(st)...)
	})
}

// toolsPoll: one Tools poll tick.
func (s *Sim) toolsPoll(st *vmState, gen int) {
	s.withVMState(st, gen, func(ctx *simulator.Context, vm *simulator.VirtualMachine) []types.PropertyChange {
		st.after(s.scaled(st.knobs.ToolsPollSeconds), func() { s.toolsPoll(st, gen) })
		return s.publishLocked(st)
	})
}

// withVMState runs f with the VM locked and vmTable.mu held (if gen is still current),
// then applies the returned changes through the registry so WaitForUpdatesEx sees them.
func (s *Sim) withVMState(st *vmState, gen int, f func(*simulator.Context, *simulator.VirtualMachine) []types.PropertyChange) {
	vm, ok := s.reg.Get(st.ref).(*simulator.VirtualMachine)
	if !ok {
		return
	}
	ctx := s.bgContext()
	ctx.WithLock(vm, func() {
		s.vms.mu.Lock()
		if st.gen != gen {
			s.vms.mu.Unlock()
			return
		}
		changes := f(ctx, vm)
		s.vms.mu.Unlock()
		if len(changes) > 0 {
			ctx.Update(vm, changes)
		}
	})
}

func guestClearedChanges() []types.PropertyChange {
	notRunning := string(types.VirtualMachineToolsRunningStatusGuestToolsNotRunning)
	return []types.PropertyChange{
		{Name: "guest.toolsRunningStatus", Val: notRunning},
		{Name: "guest.toolsStatus", Val: types.VirtualMachineToolsStatusToolsNotRunning},
		{Name: "guest.guestOperationsReady", Val: false},
		{Name: "guest.interactiveGuestOperationsReady", Val: false},
		{Name: "guest.guestState", Val: "notRunning"},
		{Name: "guest.ipAddress", Val: nil}, // unset, as vCenter has it (not "")
		{Name: "guest.net", Val: []types.GuestNicInfo(nil)},
		{Name: "summary.guest.ipAddress", Val: nil},
		{Name: "summary.guest.toolsStatus", Val: types.VirtualMachineToolsStatusToolsNotRunning},
		{Name: "summary.guest.toolsRunningStatus", Val: notRunning},
		{Name: "summary.quickStats.guestHeartbeatStatus", Val: types.ManagedEntityStatusGray},
	}
}

func (s *Sim) toolsRunningChanges(st *vmState) []types.PropertyChange {
	running := string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)
	family, full := "linuxGuest", "Ubuntu Linux (64-bit)"
	if st.knobs.OS == "windows" {
		family, full = "windowsGuest", "Microsoft Windows Server 2016 or later (64-bit)"
	}
	guestID := st.guestID
	if guestID == "" || guestID == "otherGuest" {
		guestID = "otherLinux64Guest"
		if st.knobs.OS == "windows" {
			guestID = "windows9Server64Guest"
		}
	}
	return []types.PropertyChange{
		{Name: "guest.toolsRunningStatus", Val: running},
		{Name: "guest.toolsStatus", Val: types.VirtualMachineToolsStatusToolsOk},
		{Name: "guest.toolsVersionStatus2", Val: string(types.VirtualMachineToolsVersionStatusGuestToolsCurrent)},
		{Name: "guest.toolsVersion", Val: "12352"},
		{Name: "guest.guestOperationsReady", Val: true},
		{Name: "guest.guestStateChangeSupported", Val: true},
		{Name: "guest.guestFamily", Val: family},
		{Name: "guest.guestId", Val: guestID},
		{Name: "guest.guestFullName", Val: full},
		{Name: "guest.hostName", Val: st.hostName},
		{Name: "guest.guestState", Val: "running"},
		{Name: "summary.guest.toolsStatus", Val: types.VirtualMachineToolsStatusToolsOk},
		{Name: "summary.guest.toolsRunningStatus", Val: running},
		{Name: "summary.guest.guestId", Val: guestID},
		{Name: "summary.guest.guestFullName", Val: full},
		{Name: "summary.guest.hostName", Val: st.hostName},
		{Name: "summary.quickStats.guestHeartbeatStatus", Val: types.ManagedEntityStatusGreen},
	}
}

// publishLocked returns the Tools report of the guest's network (only when it changed).
// Caller holds vmTable.mu.
func (s *Sim) publishLocked(st *vmState) []types.PropertyChange {
	net := st.guestNet()
	ip := st.primaryIP()
	key := netKey(ip, net)
	if key == st.publishedKey {
		return nil
	}
	st.publishedKey = key
	prevIP := st.publishedIP
	st.publishedIP = ip
	if st.phase == phaseReal && ip != "" && st.ipPublishedAt.IsZero() {
		st.ipPublishedAt = time.Now()
	}
	changes := []types.PropertyChange{{Name: "guest.net", Val: net}}
	if ip != prevIP {
		// vCenter has no guest.ipAddress until the guest has one (never an empty string)
		var val types.AnyType
		if ip != "" {
			val = ip
		}
		changes = append(changes, types.PropertyChange{Name: "guest.ipAddress", Val: val},
			types.PropertyChange{Name: "summary.guest.ipAddress", Val: val})
	}
	return changes
}
