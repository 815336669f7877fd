package main

import (
	"context"
	"reflect"
	"strconv"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// WaitForUpdatesEx: see collector.go for why it is ours.
func (h *hooks) WaitForUpdatesEx(ctx *simulator.Context, req *types.WaitForUpdatesEx) soap.HasFault {
	body := &methods.WaitForUpdatesExBody{}
	pc, ok := ctx.Session.Get(req.This).(*simulator.PropertyCollector)
	if !ok {
		body.Fault_ = simulator.Fault("", &types.ManagedObjectNotFound{Obj: req.This})
		return body
	}
	st := h.s.collectors.state(ctx, req.This)
	wait, cancel := waitContext(req.Options)
	defer cancel()
	st.setCancel(cancel)

	maxObjects := maxObjectUpdatesDefault
	if req.Options != nil && req.Options.MaxObjectUpdates > 0 && req.Options.MaxObjectUpdates < maxObjectUpdatesDefault {
		maxObjects = int(req.Options.MaxObjectUpdates)
	}
	oneUpdate := req.Options != nil && req.Options.MaxWaitSeconds != nil && *req.Options.MaxWaitSeconds == 0

	ticker := time.NewTicker(pollTick)
	defer ticker.Stop()
	for first := true; ; first = false {
		set, fault := st.next(ctx, pc, req.Version == "" && first, maxObjects)
		if fault != nil {
			body.Fault_ = simulator.Fault("", fault)
			return body
		}
		if set == nil && req.Version == "" && first {
			set = st.emptyUpdate() // the first call answers at once, even with nothing to report
		}
		if set != nil || oneUpdate {
			body.Res = &types.WaitForUpdatesExResponse{Returnval: set}
			return body
		}
		select {
		case <-wait.Done():
			if wait.Err() == context.Canceled {
				body.Fault_ = simulator.Fault("", new(types.RequestCanceled)) // CancelWaitForUpdates
				return body
			}
			body.Res = &types.WaitForUpdatesExResponse{} // maxWaitSeconds passed: no returnval
			return body
		case <-ticker.C:
		}
	}
}

// WaitForUpdates is the deprecated form (no options, waits until something changes).
func (h *hooks) WaitForUpdates(ctx *simulator.Context, req *types.WaitForUpdates) soap.HasFault {
	body := &methods.WaitForUpdatesBody{}
	res := h.WaitForUpdatesEx(ctx, &types.WaitForUpdatesEx{This: req.This, Version: req.Version})
	if res.Fault() != nil {
		body.Fault_ = res.Fault()
		return body
	}
	set := res.(*methods.WaitForUpdatesExBody).Res.Returnval
	if set == nil {
		set = &types.UpdateSet{Version: req.Version}
	}
	body.Res = &types.WaitForUpdatesResponse{Returnval: *set}
	return body
}

func (h *hooks) CancelWaitForUpdates(ctx *simulator.Context, req *types.CancelWaitForUpdates) soap.HasFault {
	h.s.collectors.state(ctx, req.This).cancelWait()
	return &methods.CancelWaitForUpdatesBody{Res: new(types.CancelWaitForUpdatesResponse)}
}

// DestroyPropertyCollector forgets our state, then lets vcsim remove the collector and its filters.
func (h *hooks) DestroyPropertyCollector(ctx *simulator.Context, req *types.DestroyPropertyCollector) soap.HasFault {
	pc, ok := ctx.Session.Get(req.This).(*simulator.PropertyCollector)
	if !ok {
		return &methods.DestroyPropertyCollectorBody{Fault_: simulator.Fault("", &types.ManagedObjectNotFound{Obj: req.This})}
	}
	if st := h.s.collectors.drop(ctx, req.This); st != nil {
		st.cancelWait()
	}
	return pc.DestroyPropertyCollector(ctx, req)
}

func waitContext(options *types.WaitOptions) (context.Context, context.CancelFunc) {
	if options != nil && options.MaxWaitSeconds != nil && *options.MaxWaitSeconds > 0 {
		return context.WithTimeout(context.Background(), time.Duration(*options.MaxWaitSeconds)*time.Second)
	}
	return context.WithCancel(context.Background())
}

// next computes what changed for every filter of the collector since the last call; nil when
// nothing did. fresh (version "") reports every filter's whole content again.
func (st *collectorState) next(ctx *simulator.Context, pc *simulator.PropertyCollector, fresh bool, maxObjects int) (*types.UpdateSet, types.BaseMethodFault) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if fresh {
		st.pending = nil
		clear(st.filters)
	}
	if st.pending != nil {
		set := st.pending
		st.pending = truncate(set, maxObjects)
		return set, nil
	}
	touched := st.takeTouched()
	set := &types.UpdateSet{}
	live := map[types.ManagedObjectReference]bool{}
	for _, ref := range append([]types.ManagedObjectReference(nil), pc.Filter...) {
		live[ref] = true
		filter, ok := ctx.Session.Get(ref).(*simulator.PropertyFilter)
		if !ok {
			continue
		}
		update, fault := st.filterUpdate(ctx, ref, filter.Spec, touched)
		if fault != nil {
			return nil, fault
		}
		if len(update.ObjectSet) != 0 {
			set.FilterSet = append(set.FilterSet, update)
		}
	}
	for ref := range st.filters {
		if !live[ref] {
			delete(st.filters, ref) // destroyed filter
		}
	}
	if len(set.FilterSet) == 0 {
		return nil, nil
	}
	st.version++
	set.Version = strconv.Itoa(st.version)
	st.pending = truncate(set, maxObjects)
	return set, nil
}

// filterUpdate reports one filter's entering, changed and leaving objects. A filter seen for the
// first time reports everything it reaches, as vCenter does for a filter made after the last wait.
func (st *collectorState) filterUpdate(ctx *simulator.Context, ref types.ManagedObjectReference, spec types.PropertyFilterSpec,
	touched map[types.ManagedObjectReference]struct{}) (types.PropertyFilterUpdate, types.BaseMethodFault) {
	update := types.PropertyFilterUpdate{Filter: ref}
	fs := st.filters[ref]
	if fs == nil {
		fs = &filterState{values: map[types.ManagedObjectReference]map[string]types.AnyType{}}
		st.filters[ref] = fs
	} else if len(touched) == 0 {
		return update, nil
	}
	reached, fault := reach(ctx, spec)
	if fault != nil {
		return update, fault
	}
	var read []types.ManagedObjectReference
	for obj := range fs.values {
		if !reached[obj] {
			delete(fs.values, obj)
			update.ObjectSet = append(update.ObjectSet, types.ObjectUpdate{Obj: obj, Kind: types.ObjectUpdateKindLeave})
		}
	}
	for obj := range reached {
		_, known := fs.values[obj]
		_, changed := touched[obj]
		if !known || changed {
			read = append(read, obj)
		}
	}
	current, fault := readObjects(ctx, spec.PropSet, read)
	if fault != nil {
		return update, fault
	}
	for _, obj := range read {
		if u, ok := fs.diff(obj, current[obj]); ok {
			update.ObjectSet = append(update.ObjectSet, u)
		}
	}
	return update, nil
}

// diff records obj's current values and says what a client must be told about them.
func (fs *filterState) diff(obj types.ManagedObjectReference, now map[string]types.AnyType) (types.ObjectUpdate, bool) {
	before, known := fs.values[obj]
	if now == nil {
		now = map[string]types.AnyType{}
	}
	fs.values[obj] = now
	u := types.ObjectUpdate{Obj: obj, Kind: types.ObjectUpdateKindModify}
	if !known {
		u.Kind = types.ObjectUpdateKindEnter
	}
	for name, val := range now {
		if old, had := before[name]; !had || !reflect.DeepEqual(old, val) {
			u.ChangeSet = append(u.ChangeSet, types.PropertyChange{Name: name, Op: types.PropertyChangeOpAssign, Val: val})
		}
	}
	for name := range before {
		if _, has := now[name]; !has {
			// vCenter reports a property that became unset as an assign without a value
			u.ChangeSet = append(u.ChangeSet, types.PropertyChange{Name: name, Op: types.PropertyChangeOpAssign})
		}
	}
	return u, !known || len(u.ChangeSet) != 0
}

func (st *collectorState) emptyUpdate() *types.UpdateSet {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.version++
	return &types.UpdateSet{Version: strconv.Itoa(st.version)}
}

// reach walks the filter's traversal and returns the objects it reports, reading no property.
func reach(ctx *simulator.Context, spec types.PropertyFilterSpec) (map[types.ManagedObjectReference]bool, types.BaseMethodFault) {
	walk := spec
	walk.ReportMissingObjectsInResults = types.NewBool(true) // a deleted root reaches nothing
	walk.PropSet = nil
	for _, p := range spec.PropSet {
		walk.PropSet = append(walk.PropSet, types.PropertySpec{Type: p.Type, All: types.NewBool(false)})
	}
	res, fault := retrieve(ctx, walk)
	if fault != nil {
		return nil, fault
	}
	reached := map[types.ManagedObjectReference]bool{}
	for _, o := range res {
		reached[o.Obj] = true
	}
	return reached, nil
}

// readObjects reads the filter's properties of the given objects (no traversal); objects gone
// meanwhile are left out, and their leave is reported on the next tick.
func readObjects(ctx *simulator.Context, props []types.PropertySpec, objs []types.ManagedObjectReference) (map[types.ManagedObjectReference]map[string]types.AnyType, types.BaseMethodFault) {
	values := map[types.ManagedObjectReference]map[string]types.AnyType{}
	if len(objs) == 0 {
		return values, nil
	}
	spec := types.PropertyFilterSpec{PropSet: props, ReportMissingObjectsInResults: types.NewBool(true)}
	for _, obj := range objs {
		spec.ObjectSet = append(spec.ObjectSet, types.ObjectSpec{Obj: obj})
	}
	res, fault := retrieve(ctx, spec)
	if fault != nil {
		return nil, fault
	}
	for _, o := range res {
		props := map[string]types.AnyType{}
		for _, p := range o.PropSet {
			props[p.Name] = p.Val
		}
		values[o.Obj] = props
	}
	return values, nil
}

// retrieve runs vcsim's RetrievePropertiesEx (which leaves out unset properties) for one spec.
func retrieve(ctx *simulator.Context, spec types.PropertyFilterSpec) ([]types.ObjectContent, types.BaseMethodFault) {
	pc := &simulator.PropertyCollector{}
	res := pc.RetrievePropertiesEx(ctx, &types.RetrievePropertiesEx{SpecSet: []types.PropertyFilterSpec{spec}})
	if f := res.Fault(); f != nil {
		if mf, ok := f.VimFault().(types.BaseMethodFault); ok {
			return nil, mf
		}
		return nil, &types.SystemError{Reason: f.String}
	}
	body := res.(*methods.RetrievePropertiesExBody)
	if body.Res == nil || body.Res.Returnval == nil {
		return nil, nil
	}
	return body.Res.Returnval.Objects, nil
}

// truncate keeps at most max object updates in set and returns the rest (nil when none), the
// way vCenter pages an update with truncated=true.
func truncate(set *types.UpdateSet, max int) *types.UpdateSet {
	for i := range set.FilterSet {
		objs := set.FilterSet[i].ObjectSet
		if len(objs) <= max {
			max -= len(objs)
			continue
		}
		rest := &types.UpdateSet{Version: set.Version}
		kept := i
		if max > 0 { // this filter's first max objects stay, the rest of it goes on
			rest.FilterSet = append(rest.FilterSet, types.PropertyFilterUpdate{Filter: set.FilterSet[i].Filter, ObjectSet: objs[max:]})
			set.FilterSet[i].ObjectSet = objs[:max]
			kept, i = i+1, i+1
		}
		rest.FilterSet = append(rest.FilterSet, set.FilterSet[i:]...)
		set.FilterSet = set.FilterSet[:kept]
		set.Truncated = types.NewBool(true)
		return rest
	}
	return nil
}
