package main

import (
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// ModifyListView replaces vcsim's, which deadlocks against WaitForUpdatesEx: vcsim's version
// tells the property filters about the new view while it holds the view's lock (view, then
// filter), and a WaitForUpdatesEx re-collecting a filter that traverses the view takes the same
// two locks the other way round (filter, then view). The operator's watcher does exactly that
// (one filter over a ListView, objects added while the long poll runs), and 200 TestVMs at once
// hung the simulator for good (hack/bench-scale.sh). Here the list is changed under the view's
// lock, and the filters are told afterwards, about a copy, holding no lock.
func (h *hooks) ModifyListView(ctx *simulator.Context, req *types.ModifyListView) soap.HasFault {
	body := &methods.ModifyListViewBody{}
	v, ok := ctx.Session.Get(req.This).(*simulator.ListView)
	if !ok {
		body.Fault_ = simulator.Fault("", &types.ManagedObjectNotFound{Obj: req.This})
		return body
	}
	var unresolved, view []types.ManagedObjectReference
	ctx.WithLock(v, func() {
		for _, ref := range req.Add {
			if ctx.Session.Get(ref) == nil {
				unresolved = append(unresolved, ref) // kept in the view, as vCenter and vcsim do
			}
			v.View = append(v.View, ref)
		}
		for _, ref := range req.Remove {
			simulator.RemoveReference(&v.View, ref)
		}
		view = append([]types.ManagedObjectReference(nil), v.View...)
	})
	if len(req.Add) != 0 || len(req.Remove) != 0 {
		snapshot := &simulator.ListView{ListView: mo.ListView{ManagedObjectView: mo.ManagedObjectView{
			Self: v.Self, View: view}}}
		ctx.Update(snapshot, []types.PropertyChange{{Name: "view", Val: view}})
	}
	body.Res = &types.ModifyListViewResponse{Returnval: unresolved}
	return body
}
