package main

import (
	"fmt"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

const (
	linkedMove    = string(types.VirtualMachineRelocateDiskMoveOptionsCreateNewChildDiskBacking)
	childMostMove = string(types.VirtualMachineRelocateDiskMoveOptionsMoveChildMostDiskBacking)
)

// hasDiskChain: the VM's disks are a chain of backings (it has snapshots, or it is a linked or
// instant clone), so moveChildMostDiskBacking copies only the child-most delta and shares the rest.
func (s *Sim) hasDiskChain(ctx *simulator.Context, vm *simulator.VirtualMachine) bool {
	chain := false
	ctx.WithLock(vm, func() { chain = vm.Snapshot != nil && len(vm.Snapshot.RootSnapshotList) > 0 })
	if chain {
		return true
	}
	if st := s.vms.lookup(vm.Self); st != nil {
		s.vms.mu.Lock()
		defer s.vms.mu.Unlock()
		return st.cloneType == "linked" || st.cloneType == "instant"
	}
	return false
}

// CloneVM_Task: asynchronous, takes cloneSeconds.full or .linked, validates linked clones like
// vCenter (createNewChildDiskBacking needs spec.snapshot of the source), inherits the source's
// extraConfig (knobs included), honours spec.config.instanceUuid and spec.powerOn.
func (h *hooks) CloneVMTask(ctx *simulator.Context, req *types.CloneVM_Task) soap.HasFault {
	s := h.s
	src, f := s.vmOf(ctx, req.This)
	if f != nil {
		return &methods.CloneVM_TaskBody{Fault_: vimFault(f)}
	}
	if _, ok := ctx.Map.Get(req.Folder).(*simulator.Folder); !ok {
		return &methods.CloneVM_TaskBody{Fault_: vimFault(&types.ManagedObjectNotFound{Obj: req.Folder})}
	}
	rule := s.takePending(ctx)
	linked := req.Spec.Location.DiskMoveType == linkedMove

	var k Knobs
	var srcExtra []types.BaseOptionValue
	var invalid types.BaseMethodFault
	template := false
	ctx.WithLock(src, func() {
		k = parseKnobs(src.Config.ExtraConfig)
		srcExtra = mergeExtraConfig(src.Config.ExtraConfig, nil)
		template = src.Config.Template
		snap := req.Spec.Snapshot
		if (snap != nil && !hasSnapshot(src, *snap)) || (linked && snap == nil) {
			invalid = &types.InvalidArgument{InvalidProperty: "spec.snapshot"}
		}
	})
	if invalid == nil && template && req.Spec.Location.Pool == nil {
		invalid = &types.InvalidArgument{InvalidProperty: "spec.location.pool"}
	}
	delay, cloneType := k.CloneFullSeconds, "full"
	if linked || (req.Spec.Location.DiskMoveType == childMostMove && s.hasDiskChain(ctx, src)) {
		delay, cloneType = k.CloneLinkedSeconds, "linked"
	}
	spec := req.Spec
	ref := s.startTask(ctx, src, "CloneVM_Task", "VirtualMachine.clone", func(tctx *simulator.Context) (types.AnyType, types.BaseMethodFault) {
		if invalid != nil {
			return nil, invalid
		}
		s.sleep(delay)
		if rule != nil {
			return nil, s.ruleTaskFault(rule, src.Self)
		}
		ref, fault := s.cloneNow(tctx, src, req.Folder, req.Name, spec, srcExtra, cloneType, false)
		if fault != nil {
			return nil, fault
		}
		if spec.PowerOn && !spec.Template {
			clone, f := s.vmOf(tctx, ref)
			if f != nil {
				return nil, f
			}
			var ck Knobs
			tctx.WithLock(clone, func() { ck = parseKnobs(clone.Config.ExtraConfig) })
			s.sleep(ck.PowerOnSeconds)
			if f := s.powerOnNow(tctx, clone); f != nil {
				return nil, f
			}
		}
		return ref, nil
	})
	return &methods.CloneVM_TaskBody{Res: &types.CloneVM_TaskResponse{Returnval: ref}}
}

// cloneNow lets vcsim create the clone (no power-on), then gives it new MACs and our bookkeeping.
func (s *Sim) cloneNow(ctx *simulator.Context, src *simulator.VirtualMachine, folder types.ManagedObjectReference,
	name string, spec types.VirtualMachineCloneSpec, srcExtra []types.BaseOptionValue, cloneType string, instant bool,
) (types.ManagedObjectReference, types.BaseMethodFault) {
	var none types.ManagedObjectReference
	cfg := types.VirtualMachineConfigSpec{}
	if spec.Config != nil {
		cfg = *spec.Config
	}
	cfg.ExtraConfig = mergeExtraConfig(srcExtra, cfg.ExtraConfig)
	spec.Config = &cfg
	spec.PowerOn = false

	// vCenter gives a clone a fresh instanceUuid when the requested one is taken.
	s.cloneMu.Lock()
	if cfg.InstanceUuid != "" && s.instanceUUIDInUse(cfg.InstanceUuid) {
		logf("clone %s: instanceUuid %s already in use, assigning a new one", name, cfg.InstanceUuid)
		cfg.InstanceUuid = ""
	}
	var body soap.HasFault
	ctx.WithLock(src, func() {
		body = src.CloneVMTask(ctx, &types.CloneVM_Task{This: src.Self, Folder: folder, Name: name, Spec: spec})
	})
	if f := body.Fault(); f != nil {
		s.cloneMu.Unlock()
		return none, soapFault(f)
	}
	res, fault := waitTask(ctx, body.(*methods.CloneVM_TaskBody).Res.Returnval)
	s.cloneMu.Unlock()
	if fault != nil {
		return none, fault
	}
	ref, ok := res.(types.ManagedObjectReference)
	if !ok {
		return none, &types.SystemError{Reason: fmt.Sprintf("clone returned %T", res)}
	}
	clone, f := s.vmOf(ctx, ref)
	if f != nil {
		return none, f
	}
	st := s.vms.get(ref)
	s.vms.mu.Lock()
	st.cloneType = cloneType
	st.instant = instant
	st.createdAt = time.Now()
	index := st.index
	s.vms.mu.Unlock()
	ctx.WithLock(clone, func() { s.assignMACs(ctx, clone, index) })
	return ref, nil
}

// assignMACs gives every NIC of a new clone its own vCenter-style MAC (vcsim copies the source's).
// The VM is locked by the caller.
func (s *Sim) assignMACs(ctx *simulator.Context, vm *simulator.VirtualMachine, index int) {
	devices := vm.Config.Hardware.Device
	nic := 0
	for _, d := range devices {
		card, ok := d.(types.BaseVirtualEthernetCard)
		if !ok {
			continue
		}
		c := card.GetVirtualEthernetCard()
		c.MacAddress = fmt.Sprintf("00:50:56:%02x:%02x:%02x", 0x80|(nic&0x3f), (index>>8)&0xff, index&0xff)
		c.AddressType = string(types.VirtualEthernetCardMacTypeAssigned)
		nic++
	}
	ctx.Update(vm, []types.PropertyChange{
		{Name: "config.hardware.device", Val: devices},
		{Name: "guest.net", Val: []types.GuestNicInfo(nil)},
	})
}

func (s *Sim) instanceUUIDInUse(id string) bool {
	ctx := s.bgContext()
	for _, e := range s.reg.All("VirtualMachine") {
		vm := e.(*simulator.VirtualMachine)
		used := false
		ctx.WithLock(vm, func() { used = vm.Config != nil && vm.Config.InstanceUuid == id })
		if used {
			return true
		}
	}
	return false
}

func hasSnapshot(vm *simulator.VirtualMachine, ref types.ManagedObjectReference) bool {
	if vm.Snapshot == nil {
		return false
	}
	var walk func([]types.VirtualMachineSnapshotTree) bool
	walk = func(list []types.VirtualMachineSnapshotTree) bool {
		for _, t := range list {
			if t.Snapshot == ref || walk(t.ChildSnapshotList) {
				return true
			}
		}
		return false
	}
	return walk(vm.Snapshot.RootSnapshotList)
}
