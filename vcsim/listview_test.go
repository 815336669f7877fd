package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/types"
)

// The operator's watcher: one filter traversing a ListView, objects added and removed while
// WaitForUpdatesEx polls. vcsim's own ModifyListView deadlocked against the poll's re-collect.
func TestModifyListViewWhileWaitingForUpdates(t *testing.T) {
	e := newEnv(t)
	c := e.c.Client
	vms, err := e.finder.VirtualMachineList(e.ctx, "*")
	if err != nil || len(vms) < 2 {
		t.Fatalf("VMs: %v %v", vms, err)
	}
	pc, err := methods.CreatePropertyCollector(e.ctx, c, &types.CreatePropertyCollector{This: c.ServiceContent.PropertyCollector})
	if err != nil {
		t.Fatal(err)
	}
	collector := pc.Returnval
	list, err := view.NewManager(c).CreateListView(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = methods.CreateFilter(e.ctx, c, &types.CreateFilter{This: collector, Spec: types.PropertyFilterSpec{
		PropSet: []types.PropertySpec{{Type: "VirtualMachine", PathSet: []string{"runtime.powerState"}}},
		ObjectSet: []types.ObjectSpec{{Obj: list.Reference(), Skip: types.NewBool(true),
			SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{Type: "ListView", Path: "view"}}}},
	}})
	if err != nil {
		t.Fatal(err)
	}

	// Three clients for 5 s: VM changes (so the poll has something to re-collect, which is when
	// it takes the filter's and then the view's lock), the poll, and view changes.
	stop := make(chan struct{})
	done := make(chan error, 3)
	loop := func(step func(i int) error) {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := step(i); err != nil {
				done <- err
				return
			}
		}
	}
	go loop(func(i int) error {
		task, err := vms[1].Rename(e.ctx, fmt.Sprintf("renamed-%d", i))
		if err == nil {
			err = task.Wait(e.ctx)
		}
		return err
	})
	version := ""
	go loop(func(int) error {
		wait := int32(1)
		res, err := methods.WaitForUpdatesEx(e.ctx, c, &types.WaitForUpdatesEx{This: collector, Version: version,
			Options: &types.WaitOptions{MaxWaitSeconds: &wait}})
		if err == nil && res.Returnval != nil {
			version = res.Returnval.Version
		}
		return err
	})
	go loop(func(i int) error {
		vm := []types.ManagedObjectReference{vms[i%len(vms)].Reference()}
		_, err := methods.ModifyListView(e.ctx, c, &types.ModifyListView{This: list.Reference(), Add: vm})
		if err == nil {
			_, err = methods.ModifyListView(e.ctx, c, &types.ModifyListView{This: list.Reference(), Remove: vm})
		}
		return err
	})
	time.Sleep(5 * time.Second)
	close(stop)
	deadline := time.After(20 * time.Second)
	for i := 0; i < 3; i++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-deadline:
			t.Fatal("calls still hang 20 s after the clients stopped: ModifyListView and WaitForUpdatesEx deadlocked")
		}
	}

	// The view still does its job: an added VM is reported by the next poll.
	if _, err := methods.ModifyListView(e.ctx, c, &types.ModifyListView{This: list.Reference(), Add: []types.ManagedObjectReference{vms[0].Reference()}}); err != nil {
		t.Fatal(err)
	}
	wait := int32(1)
	res, err := methods.WaitForUpdatesEx(e.ctx, c, &types.WaitForUpdatesEx{This: collector, Options: &types.WaitOptions{MaxWaitSeconds: &wait}})
	if err != nil || res.Returnval == nil || len(res.Returnval.FilterSet) == 0 {
		t.Fatalf("no update for the added VM: %v %v", res, err)
	}
	found := false
	for _, u := range res.Returnval.FilterSet[0].ObjectSet {
		found = found || u.Obj == vms[0].Reference()
	}
	if !found {
		t.Fatalf("update set lacks %s: %+v", vms[0].Reference(), res.Returnval.FilterSet[0].ObjectSet)
	}
}
