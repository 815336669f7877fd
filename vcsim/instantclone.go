package main

import (
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// InstantClone_Task (vcsim has none). The source must be powered on. The clone is running
// when the task succeeds, with Tools running; its guest gets a new unique IP
// instantIpSeconds after creation. It inherits the source's extraConfig (knobs) plus
// spec.config. As on vCenter the clone gets a fresh instanceUuid (the instant clone spec
// has no way to request one); spec.biosUuid sets config.uuid.
func (h *hooks) InstantCloneTask(ctx *simulator.Context, req *types.InstantClone_Task) soap.HasFault {
	s := h.s
	src, f := s.vmOf(ctx, req.This)
	if f != nil {
		return &methods.InstantClone_TaskBody{Fault_: vimFault(f)}
	}
	rule := s.takePending(ctx)
	spec := req.Spec

	var k Knobs
	var srcExtra []types.BaseOptionValue
	var power types.VirtualMachinePowerState
	var folder types.ManagedObjectReference
	var pool, host *types.ManagedObjectReference
	ctx.WithLock(src, func() {
		k = parseKnobs(src.Config.ExtraConfig)
		srcExtra = mergeExtraConfig(src.Config.ExtraConfig, nil)
		power = src.Runtime.PowerState
		if src.Parent != nil {
			folder = *src.Parent
		}
		pool, host = src.ResourcePool, src.Runtime.Host
	})
	loc := spec.Location
	if loc.Folder != nil {
		folder = *loc.Folder
	}
	if loc.Pool != nil {
		pool = loc.Pool
	}
	if loc.Host != nil {
		host = loc.Host
	}
	if _, ok := ctx.Map.Get(folder).(*simulator.Folder); !ok {
		return &methods.InstantClone_TaskBody{Fault_: vimFault(&types.ManagedObjectNotFound{Obj: folder})}
	}

	ref := s.startTask(ctx, src, "InstantClone_Task", "VirtualMachine.instantClone", func(tctx *simulator.Context) (types.AnyType, types.BaseMethodFault) {
		if power != types.VirtualMachinePowerStatePoweredOn {
			return nil, &types.InvalidPowerState{RequestedState: types.VirtualMachinePowerStatePoweredOn, ExistingState: power}
		}
		if spec.Name == "" {
			return nil, &types.InvalidArgument{InvalidProperty: "spec.name"}
		}
		s.sleep(k.CloneInstantSeconds)
		if rule != nil {
			return nil, s.ruleTaskFault(rule, src.Self)
		}
		cspec := types.VirtualMachineCloneSpec{
			Location: types.VirtualMachineRelocateSpec{Pool: pool, Host: host, Datastore: loc.Datastore, DeviceChange: loc.DeviceChange},
			Config:   &types.VirtualMachineConfigSpec{ExtraConfig: spec.Config, Uuid: spec.BiosUuid},
		}
		ref, fault := s.cloneNow(tctx, src, folder, spec.Name, cspec, srcExtra, "instant", true)
		if fault != nil {
			return nil, fault
		}
		clone, f := s.vmOf(tctx, ref)
		if f != nil {
			return nil, f
		}
		if f := s.powerOnNow(tctx, clone); f != nil {
			return nil, f
		}
		st := s.vms.get(ref)
		waitFor(2*time.Second, func() bool {
			s.vms.mu.Lock()
			defer s.vms.mu.Unlock()
			return st.toolsRunning
		})
		return ref, nil
	})
	return &methods.InstantClone_TaskBody{Res: &types.InstantClone_TaskResponse{Returnval: ref}}
}
