package main

import (
	"context"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// WaitForUpdatesEx replaces vcsim's, which re-collects every property of every object of every
// filter once per change it has seen: with one filter over a ListView of N followed VMs, each
// 20 ms poll tick costs (changes x N x paths), and 200 TestVMs kept one core busy and slowed
// every TestVM's way to Ready (docs/reliability.md). vCenter reports changes incrementally; so
// does this: per collector it keeps what each filter last reported, and on a tick it re-reads
// only the objects that changed since, reporting the properties whose values differ. Objects
// entering or leaving a filter (a view modified, a VM destroyed) are found by walking the
// filter's traversal without reading any property.

// pollTick is how often a waiting call looks for changes; vcsim's own loop uses the same.
const pollTick = 20 * time.Millisecond

// maxObjectUpdatesDefault is vCenter's per-response cap on object updates (WaitOptions).
const maxObjectUpdatesDefault = 100

// collectors is the registry handler that learns which objects changed, and the home of the
// per-collector state, keyed by session and collector (the default collector is per session).
type collectors struct {
	self types.ManagedObjectReference

	mu        sync.Mutex
	states    map[collectorKey]*collectorState
	lastPrune time.Time
}

type collectorKey struct {
	session string
	ref     types.ManagedObjectReference
}

// collectorState is one property collector's view of the inventory between two waits.
type collectorState struct {
	mu      sync.Mutex // held while a wait computes an update (not while it sleeps)
	touched map[types.ManagedObjectReference]struct{}
	filters map[types.ManagedObjectReference]*filterState
	pending *types.UpdateSet // the rest of a truncated update, returned by the next call
	version int
	cancel  context.CancelFunc

	touchMu sync.Mutex // guards touched and cancel: taken by the registry's handler calls
}

// filterState is what one filter last reported: per object, its non-empty property values.
type filterState struct {
	values map[types.ManagedObjectReference]map[string]types.AnyType
}

func newCollectors() *collectors {
	return &collectors{
		self:   types.ManagedObjectReference{Type: "TestvmSimCollectors", Value: "testvm-sim-collectors"},
		states: map[collectorKey]*collectorState{},
	}
}

func (c *collectors) Reference() types.ManagedObjectReference { return c.self }

func (c *collectors) PutObject(_ *simulator.Context, o mo.Reference) { c.touch(o.Reference()) }

func (c *collectors) UpdateObject(_ *simulator.Context, o mo.Reference, _ []types.PropertyChange) {
	c.touch(o.Reference())
}

func (c *collectors) RemoveObject(_ *simulator.Context, ref types.ManagedObjectReference) {
	c.touch(ref)
}

func (c *collectors) touch(ref types.ManagedObjectReference) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.states {
		st.touchMu.Lock()
		st.touched[ref] = struct{}{}
		st.touchMu.Unlock()
	}
}

// state returns the collector's state, made on its first wait; states of sessions that are gone
// are dropped (at most once a minute), as vCenter drops a collector with its session.
func (c *collectors) state(ctx *simulator.Context, ref types.ManagedObjectReference) *collectorState {
	key := collectorKey{ctx.Session.Key, ref}
	c.mu.Lock()
	prune := time.Since(c.lastPrune) > time.Minute
	c.mu.Unlock()
	var live map[string]bool
	if prune {
		live = liveSessions(ctx) // outside c.mu: touch() runs inside registry calls
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prune {
		c.lastPrune = time.Now()
		for k := range c.states {
			if !live[k.session] {
				delete(c.states, k)
			}
		}
	}
	st := c.states[key]
	if st == nil {
		st = &collectorState{touched: map[types.ManagedObjectReference]struct{}{},
			filters: map[types.ManagedObjectReference]*filterState{}}
		c.states[key] = st
	}
	return st
}

func (c *collectors) drop(ctx *simulator.Context, ref types.ManagedObjectReference) *collectorState {
	key := collectorKey{ctx.Session.Key, ref}
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.states[key]
	delete(c.states, key)
	return st
}

func liveSessions(ctx *simulator.Context) map[string]bool {
	live := map[string]bool{ctx.Session.Key: true}
	if m, ok := ctx.Session.Get(ctx.Map.SessionManager().Reference()).(*simulator.SessionManager); ok {
		for _, s := range m.SessionList {
			live[s.Key] = true
		}
	}
	return live
}

func (st *collectorState) takeTouched() map[types.ManagedObjectReference]struct{} {
	st.touchMu.Lock()
	defer st.touchMu.Unlock()
	touched := st.touched
	st.touched = map[types.ManagedObjectReference]struct{}{}
	return touched
}

func (st *collectorState) setCancel(cancel context.CancelFunc) {
	st.touchMu.Lock()
	st.cancel = cancel
	st.touchMu.Unlock()
}

func (st *collectorState) cancelWait() {
	st.touchMu.Lock()
	if st.cancel != nil {
		st.cancel()
	}
	st.touchMu.Unlock()
}
