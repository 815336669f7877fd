package main

import (
	"context"
	"testing"
	"time"

	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// watchedList is the operator's watcher shape, driven through govmomi's own method bindings: a
// private collector with one filter over a ListView of VMs.
type watchedList struct {
	e         *env
	collector types.ManagedObjectReference
	list      types.ManagedObjectReference
	version   string
}

func newWatchedList(t *testing.T, e *env, paths ...string) *watchedList {
	t.Helper()
	c := e.c.Client
	pc, err := methods.CreatePropertyCollector(e.ctx, c, &types.CreatePropertyCollector{This: c.ServiceContent.PropertyCollector})
	if err != nil {
		t.Fatal(err)
	}
	list, err := view.NewManager(c).CreateListView(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = methods.CreateFilter(e.ctx, c, &types.CreateFilter{This: pc.Returnval, Spec: types.PropertyFilterSpec{
		PropSet: []types.PropertySpec{{Type: "VirtualMachine", PathSet: paths}},
		ObjectSet: []types.ObjectSpec{{Obj: list.Reference(), Skip: types.NewBool(true),
			SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{Type: "ListView", Path: "view"}}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return &watchedList{e: e, collector: pc.Returnval, list: list.Reference()}
}

func (w *watchedList) modify(add, remove []types.ManagedObjectReference) {
	w.e.t.Helper()
	if _, err := methods.ModifyListView(w.e.ctx, w.e.c.Client, &types.ModifyListView{This: w.list, Add: add, Remove: remove}); err != nil {
		w.e.t.Fatal(err)
	}
}

// wait is one WaitForUpdatesEx of at most 2 s; nil when nothing was reported.
func (w *watchedList) wait(maxObjects int32) *types.UpdateSet {
	w.e.t.Helper()
	seconds := int32(2)
	res, err := methods.WaitForUpdatesEx(w.e.ctx, w.e.c.Client, &types.WaitForUpdatesEx{This: w.collector, Version: w.version,
		Options: &types.WaitOptions{MaxWaitSeconds: &seconds, MaxObjectUpdates: maxObjects}})
	if err != nil {
		w.e.t.Fatal(err)
	}
	if res.Returnval != nil {
		w.version = res.Returnval.Version
	}
	return res.Returnval
}

func objectUpdates(set *types.UpdateSet) map[types.ManagedObjectReference]types.ObjectUpdate {
	out := map[types.ManagedObjectReference]types.ObjectUpdate{}
	if set != nil {
		for _, f := range set.FilterSet {
			for _, o := range f.ObjectSet {
				out[o.Obj] = o
			}
		}
	}
	return out
}

func changeNames(u types.ObjectUpdate) map[string]any {
	out := map[string]any{}
	for _, c := range u.ChangeSet {
		out[c.Name] = c.Val
	}
	return out
}

// vCenter reports what changed: the renamed VM and only its name, not every followed object.
func TestWaitForUpdatesReportsOnlyWhatChanged(t *testing.T) {
	e := newEnv(t)
	a, b := e.vm("Templates/no-snapshot"), e.vm("Templates/two-nics")
	w := newWatchedList(t, e, "name", "config.template", "runtime.powerState")
	w.modify([]types.ManagedObjectReference{a.Reference(), b.Reference()}, nil)

	first := objectUpdates(w.wait(0))
	for _, vm := range []types.ManagedObjectReference{a.Reference(), b.Reference()} {
		u, ok := first[vm]
		if !ok || u.Kind != types.ObjectUpdateKindEnter || len(changeNames(u)) != 3 {
			t.Fatalf("first wait: want %s to enter with its 3 properties, got %+v", vm, u)
		}
	}

	task, err := b.Rename(e.ctx, "renamed-b")
	if err == nil {
		err = task.Wait(e.ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	updates := objectUpdates(w.wait(0))
	if _, ok := updates[a.Reference()]; ok {
		t.Fatalf("the unchanged VM was reported: %+v", updates[a.Reference()])
	}
	got := changeNames(updates[b.Reference()])
	if updates[b.Reference()].Kind != types.ObjectUpdateKindModify || len(got) != 1 || got["name"] != "renamed-b" {
		t.Fatalf("want one modify of name to renamed-b, got %+v", updates[b.Reference()])
	}
	if set := w.wait(0); set != nil {
		t.Fatalf("nothing changed, yet the wait reported %+v", set.FilterSet)
	}
}

// A VM added to the view enters with its properties; removed, it leaves.
func TestWaitForUpdatesEnterAndLeaveWithTheView(t *testing.T) {
	e := newEnv(t)
	vm := e.vm("Templates/no-snapshot").Reference()
	w := newWatchedList(t, e, "name")
	w.wait(0)

	w.modify([]types.ManagedObjectReference{vm}, nil)
	entered := objectUpdates(w.wait(0))[vm]
	if entered.Kind != types.ObjectUpdateKindEnter || changeNames(entered)["name"] != "no-snapshot" {
		t.Fatalf("want an enter with name no-snapshot, got %+v", entered)
	}
	w.modify(nil, []types.ManagedObjectReference{vm})
	if left := objectUpdates(w.wait(0))[vm]; left.Kind != types.ObjectUpdateKindLeave || len(left.ChangeSet) != 0 {
		t.Fatalf("want a leave, got %+v", left)
	}
}

// More object updates than maxObjectUpdates: the response says truncated, the next call has the rest.
func TestWaitForUpdatesPagesByMaxObjectUpdates(t *testing.T) {
	e := newEnv(t)
	a, b := e.vm("Templates/no-snapshot").Reference(), e.vm("Templates/two-nics").Reference()
	w := newWatchedList(t, e, "name")
	w.modify([]types.ManagedObjectReference{a, b}, nil)

	page := w.wait(1)
	if page == nil || page.Truncated == nil || !*page.Truncated || len(objectUpdates(page)) != 1 {
		t.Fatalf("want one object and truncated, got %+v", page)
	}
	rest := w.wait(1)
	if rest == nil || (rest.Truncated != nil && *rest.Truncated) || len(objectUpdates(rest)) != 1 {
		t.Fatalf("want the other object, not truncated, got %+v", rest)
	}
	all := objectUpdates(page)
	for ref, u := range objectUpdates(rest) {
		all[ref] = u
	}
	if _, okA := all[a]; !okA {
		t.Fatalf("pages lack %s: %+v", a, all)
	}
	if _, okB := all[b]; !okB {
		t.Fatalf("pages lack %s: %+v", b, all)
	}
}

// CancelWaitForUpdates ends a waiting call with RequestCanceled, as vCenter does.
func TestCancelWaitForUpdatesEndsTheWait(t *testing.T) {
	e := newEnv(t)
	w := newWatchedList(t, e, "name")
	w.wait(0)
	done := make(chan error, 1)
	go func() {
		_, err := methods.WaitForUpdatesEx(e.ctx, e.c.Client, &types.WaitForUpdatesEx{This: w.collector, Version: w.version})
		done <- err
	}()
	time.Sleep(200 * time.Millisecond) // let the call start waiting
	if _, err := methods.CancelWaitForUpdates(e.ctx, e.c.Client, &types.CancelWaitForUpdates{This: w.collector}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !soap.IsSoapFault(err) {
			t.Fatalf("want the RequestCanceled fault, got %v", err)
		}
		if _, ok := soap.ToSoapFault(err).VimFault().(types.RequestCanceled); !ok {
			t.Fatalf("want RequestCanceled, got %T: %v", soap.ToSoapFault(err).VimFault(), err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the wait did not end after CancelWaitForUpdates")
	}
}

// govmomi's property.Wait (its own collector, filter, waits and DestroyPropertyCollector) sees a
// power-on, as every govc task wait does.
func TestGovmomiPropertyWaitSeesPowerOn(t *testing.T) {
	e := newEnv(t)
	src := e.vm("Templates/no-snapshot")
	vm := e.clone(src, "wait-for-power", e.cloneSpec(src, false, nil))
	seen := make(chan error, 1)
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	go func() {
		seen <- property.Wait(ctx, property.DefaultCollector(e.c.Client), vm.Reference(), []string{"runtime.powerState"},
			func(changes []types.PropertyChange) bool {
				for _, c := range changes {
					if c.Val == types.VirtualMachinePowerStatePoweredOn {
						return true
					}
				}
				return false
			})
	}()
	e.powerOn(vm)
	if err := <-seen; err != nil {
		t.Fatalf("property.Wait: %v", err)
	}
}
