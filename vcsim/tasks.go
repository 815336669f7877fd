package main

import (
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// taskFunc is the body of one of our tasks; it runs in its own goroutine with no lock held.
type taskFunc func(ctx *simulator.Context) (types.AnyType, types.BaseMethodFault)

// startTask creates a vSphere Task (registered like vcsim's, so the property collector,
// TaskManager.recentTask and history collectors see it) and runs fn asynchronously.
// Unlike vcsim's Task.Run it holds no lock on the entity while fn runs, so a long clone
// does not block readers of the source VM or other clones of it.
func (s *Sim) startTask(ctx *simulator.Context, entity mo.Entity, name, descriptionID string, fn taskFunc) types.ManagedObjectReference {
	ref := entity.Entity().Self
	t := simulator.CreateTask(ref, name, nil)
	t.Info.Name = name
	t.Info.DescriptionId = descriptionID
	lctx := s.bgContext()
	lctx.WithLock(entity, func() { t.Info.EntityName = entity.Entity().Name })
	user := "vcsim"
	if ctx.Session != nil {
		user = ctx.Session.UserName
	}
	t.Info.Reason = &types.TaskReasonUser{UserName: user}
	ctx.Map.Put(t)

	tctx := detach(ctx)
	tctx.Map.AtomicUpdate(tctx, t, []types.PropertyChange{
		{Name: "info.key", Val: t.Self.Value},
		{Name: "info.task", Val: t.Self},
		{Name: "info.startTime", Val: time.Now()},
		{Name: "info.state", Val: types.TaskInfoStateRunning},
	})

	logf("%s %s on %s started", t.Self.Value, name, t.Info.EntityName)
	go func() {
		res, fault := fn(tctx)
		state := types.TaskInfoStateSuccess
		var lerr any // nil interface, not a typed nil: the registry cannot assign a typed nil
		if fault != nil {
			state = types.TaskInfoStateError
			res = nil
			lerr = &types.LocalizedMethodFault{Fault: fault, LocalizedMessage: faultMessage(fault)}
		}
		changes := []types.PropertyChange{
			{Name: "info.completeTime", Val: time.Now()},
			{Name: "info.state", Val: state},
			{Name: "info.result", Val: res},
			{Name: "info.error", Val: lerr},
		}
		if fault == nil {
			changes = append(changes, types.PropertyChange{Name: "info.progress", Val: int32(100)})
		}
		tctx.Map.AtomicUpdate(tctx, t, changes)
		if fault != nil {
			logf("%s %s on %s failed: %s", t.Self.Value, name, t.Info.EntityName, faultMessage(fault))
		} else {
			logf("%s %s on %s succeeded: %v", t.Self.Value, name, t.Info.EntityName, res)
		}
	}()
	return t.Self
}

// waitTask waits for a vcsim task returned by one of vcsim's own methods.
func waitTask(ctx *simulator.Context, ref types.ManagedObjectReference) (types.AnyType, types.BaseMethodFault) {
	t, ok := ctx.Map.Get(ref).(*simulator.Task)
	if !ok {
		return nil, &types.ManagedObjectNotFound{Obj: ref}
	}
	t.Wait()
	var res types.AnyType
	var fault types.BaseMethodFault
	lctx := &simulator.Context{}
	ctx.Map.WithLock(lctx, t, func() {
		res = t.Info.Result
		if t.Info.Error != nil {
			fault = t.Info.Error.Fault
		}
	})
	return res, fault
}
