package main

import (
	"sort"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// Guest network phases.
const (
	phaseNone  = iota // no address on the NICs yet
	phaseAPIPA        // 169.254.x.y only
	phaseReal         // the real (DHCP) address
)

// vmState is the simulated guest behind one VirtualMachine.
type vmState struct {
	ref   types.ManagedObjectReference
	index int // unique per VM, drives its addresses (kept across reboots)

	createdAt time.Time
	cloneType string // full | linked | instant | "" (not created by a clone)
	instant   bool   // next power-on is an instant clone's birth

	gen       int // bumped on every power state change; stale timers compare it
	poweredOn bool
	knobs     Knobs
	nics      []nicInfo
	hostName  string
	guestID   string

	toolsRunning bool
	phase        int

	poweredOnAt, toolsRunningAt, ipAssignedAt, ipPublishedAt time.Time
	publishedIP, publishedKey                                string

	timers      []*time.Timer
	rpcWatching bool     // the guest's Tools request spool is being polled
	guest       *guestFS // scratch sandbox, created lazily
	procs       *procTable
}

type nicInfo struct {
	network  string
	mac      string
	deviceID int32
}

// vmTable holds every vmState and observes the registry (RegisterObject).
type vmTable struct {
	s    *Sim
	self types.ManagedObjectReference

	mu      sync.Mutex
	byRef   map[types.ManagedObjectReference]*vmState
	counter int
}

func newVMTable(s *Sim) *vmTable {
	return &vmTable{
		s:     s,
		self:  types.ManagedObjectReference{Type: "TestvmSimObserver", Value: "testvm-sim-observer"},
		byRef: make(map[types.ManagedObjectReference]*vmState),
	}
}

func (t *vmTable) Reference() types.ManagedObjectReference { return t.self }

// get returns the state of ref, creating it if needed. Caller holds t.mu.
func (t *vmTable) getLocked(ref types.ManagedObjectReference) *vmState {
	st := t.byRef[ref]
	if st == nil {
		t.counter++
		st = &vmState{ref: ref, index: t.counter, createdAt: time.Now(), procs: newProcTable()}
		t.byRef[ref] = st
	}
	return st
}

func (t *vmTable) get(ref types.ManagedObjectReference) *vmState {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.getLocked(ref)
}

// lookup returns the state of ref or nil.
func (t *vmTable) lookup(ref types.ManagedObjectReference) *vmState {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byRef[ref]
}

// PutObject sees new VMs and tasks.
func (t *vmTable) PutObject(_ *simulator.Context, obj mo.Reference) {
	switch o := obj.(type) {
	case *simulator.VirtualMachine:
		t.get(o.Self)
	case *simulator.Task:
		t.s.stats.taskPut(o.Self, o.Info.Name)
	}
}

// UpdateObject sees power state changes and task completions.
func (t *vmTable) UpdateObject(_ *simulator.Context, obj mo.Reference, changes []types.PropertyChange) {
	switch o := obj.(type) {
	case *mo.VirtualMachine:
		for _, c := range changes {
			if c.Name == "runtime.powerState" {
				if ps, ok := c.Val.(types.VirtualMachinePowerState); ok {
					t.powerChanged(o.Self, ps)
				}
			}
		}
	case *mo.Task:
		for _, c := range changes {
			if c.Name == "info.state" {
				if st, ok := c.Val.(types.TaskInfoState); ok && (st == types.TaskInfoStateSuccess || st == types.TaskInfoStateError) {
					t.s.stats.taskDone(o.Self)
				}
			}
		}
	}
}

// RemoveObject sees destroyed VMs.
func (t *vmTable) RemoveObject(_ *simulator.Context, ref types.ManagedObjectReference) {
	if ref.Type != "VirtualMachine" {
		return
	}
	t.mu.Lock()
	st := t.byRef[ref]
	delete(t.byRef, ref)
	if st != nil {
		st.gen++
		st.stopTimersLocked()
	}
	t.mu.Unlock()
	if st != nil {
		st.procs.killAll()
		if st.guest != nil {
			st.guest.remove()
		}
	}
}

// powerChanged runs inside the registry update (the VM is locked by the caller):
// it only bumps the generation and hands the rest to a goroutine.
func (t *vmTable) powerChanged(ref types.ManagedObjectReference, ps types.VirtualMachinePowerState) {
	on := ps == types.VirtualMachinePowerStatePoweredOn
	t.mu.Lock()
	st := t.getLocked(ref)
	st.gen++
	gen := st.gen
	st.stopTimersLocked()
	st.poweredOn = on
	st.toolsRunning = false
	st.phase = phaseNone
	st.publishedIP, st.publishedKey = "", ""
	if on {
		st.poweredOnAt = time.Now()
		st.toolsRunningAt, st.ipAssignedAt, st.ipPublishedAt = time.Time{}, time.Time{}, time.Time{}
	}
	t.mu.Unlock()
	if !on {
		st.procs.reset()
	}
	go t.s.boot(st, gen, on)
}

func (st *vmState) stopTimersLocked() {
	for _, tm := range st.timers {
		tm.Stop()
	}
	st.timers = nil
}

// startExisting starts the boot timeline of VMs that were powered on before we watched (stock VMs).
func (t *vmTable) startExisting() {
	for _, e := range t.s.reg.All("VirtualMachine") {
		vm := e.(*simulator.VirtualMachine)
		var on bool
		ctx := t.s.bgContext()
		ctx.WithLock(vm, func() { on = vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn })
		if on {
			t.powerChanged(vm.Self, types.VirtualMachinePowerStatePoweredOn)
		} else {
			t.get(vm.Self)
		}
	}
}

// shutdown stops every timer and guest process and removes the sandboxes.
func (t *vmTable) shutdown() {
	t.mu.Lock()
	states := make([]*vmState, 0, len(t.byRef))
	for _, st := range t.byRef {
		st.gen++
		st.stopTimersLocked()
		states = append(states, st)
	}
	t.mu.Unlock()
	for _, st := range states {
		st.procs.killAll()
	}
}

// snapshot returns copies of all states, sorted by index.
func (t *vmTable) snapshot() []vmState {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]vmState, 0, len(t.byRef))
	for _, st := range t.byRef {
		cp := *st
		cp.timers = nil
		out = append(out, cp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].index < out[j].index })
	return out
}
