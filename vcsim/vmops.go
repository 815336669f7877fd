package main

import (
	"fmt"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// PowerOnVM_Task: takes powerOnSeconds, then powers on through vcsim (which starts the boot timeline).
func (h *hooks) PowerOnVMTask(ctx *simulator.Context, req *types.PowerOnVM_Task) soap.HasFault {
	s := h.s
	vm, f := s.vmOf(ctx, req.This)
	if f != nil {
		return &methods.PowerOnVM_TaskBody{Fault_: vimFault(f)}
	}
	var k Knobs
	template := false
	ctx.WithLock(vm, func() {
		k = parseKnobs(vm.Config.ExtraConfig)
		template = vm.Config.Template
	})
	if template {
		return &methods.PowerOnVM_TaskBody{Fault_: simulator.Fault("cannot power on a template", &types.InvalidState{})}
	}
	rule := s.takePending(ctx)
	ref := s.startTask(ctx, vm, "PowerOnVM_Task", "VirtualMachine.powerOn", func(tctx *simulator.Context) (types.AnyType, types.BaseMethodFault) {
		s.sleep(k.PowerOnSeconds)
		if rule != nil {
			return nil, s.ruleTaskFault(rule, vm.Self)
		}
		return nil, s.powerOnNow(tctx, vm)
	})
	return &methods.PowerOnVM_TaskBody{Res: &types.PowerOnVM_TaskResponse{Returnval: ref}}
}

// powerOnNow powers vm on through vcsim and waits for it.
func (s *Sim) powerOnNow(ctx *simulator.Context, vm *simulator.VirtualMachine) types.BaseMethodFault {
	var body soap.HasFault
	ctx.WithLock(vm, func() { body = vm.PowerOnVMTask(ctx, &types.PowerOnVM_Task{This: vm.Self}) })
	if f := body.Fault(); f != nil {
		return soapFault(f)
	}
	_, fault := waitTask(ctx, body.(*methods.PowerOnVM_TaskBody).Res.Returnval)
	return fault
}

// ruleTaskFault waits the rule's delay and returns its task fault.
func (s *Sim) ruleTaskFault(r *Rule, this types.ManagedObjectReference) types.BaseMethodFault {
	s.sleep(r.DelaySeconds)
	return makeFault(r.TaskFault, r.Message, &simulator.Method{This: this})
}

// failingTask is a task that ends in the rule's fault.
func (s *Sim) failingTask(ctx *simulator.Context, vm *simulator.VirtualMachine, name, desc string, r *Rule) types.ManagedObjectReference {
	return s.startTask(ctx, vm, name, desc, func(*simulator.Context) (types.AnyType, types.BaseMethodFault) {
		return nil, s.ruleTaskFault(r, vm.Self)
	})
}

func soapFault(f *soap.Fault) types.BaseMethodFault {
	if mf, ok := f.VimFault().(types.BaseMethodFault); ok {
		return mf
	}
	return &types.SystemError{Reason: f.String}
}

// PowerOffVM_Task, ResetVM_Task, Destroy_Task and ReconfigVM_Task are vcsim's,
// routed through us only so a taskFault rule can make their task fail (vcsimVMTask).

func (h *hooks) PowerOffVMTask(ctx *simulator.Context, req *types.PowerOffVM_Task) soap.HasFault {
	return h.vcsimVMTask(ctx, req.This, "PowerOffVM_Task", "VirtualMachine.powerOff",
		func(vm *simulator.VirtualMachine) soap.HasFault { return vm.PowerOffVMTask(ctx, req) },
		func(task types.ManagedObjectReference) soap.HasFault {
			return &methods.PowerOffVM_TaskBody{Res: &types.PowerOffVM_TaskResponse{Returnval: task}}
		})
}

func (h *hooks) ResetVMTask(ctx *simulator.Context, req *types.ResetVM_Task) soap.HasFault {
	return h.vcsimVMTask(ctx, req.This, "ResetVM_Task", "VirtualMachine.reset",
		func(vm *simulator.VirtualMachine) soap.HasFault { return vm.ResetVMTask(ctx, req) },
		func(task types.ManagedObjectReference) soap.HasFault {
			return &methods.ResetVM_TaskBody{Res: &types.ResetVM_TaskResponse{Returnval: task}}
		})
}

func (h *hooks) DestroyTask(ctx *simulator.Context, req *types.Destroy_Task) soap.HasFault {
	return h.vcsimVMTask(ctx, req.This, "Destroy_Task", "VirtualMachine.destroy",
		func(vm *simulator.VirtualMachine) soap.HasFault { return vm.DestroyTask(ctx, req) },
		func(task types.ManagedObjectReference) soap.HasFault {
			return &methods.Destroy_TaskBody{Res: &types.Destroy_TaskResponse{Returnval: task}}
		})
}

func (h *hooks) ReconfigVMTask(ctx *simulator.Context, req *types.ReconfigVM_Task) soap.HasFault {
	return h.vcsimVMTask(ctx, req.This, "ReconfigVM_Task", "VirtualMachine.reconfigure",
		func(vm *simulator.VirtualMachine) soap.HasFault { return vm.ReconfigVMTask(ctx, req) },
		func(task types.ManagedObjectReference) soap.HasFault {
			return &methods.ReconfigVM_TaskBody{Res: &types.ReconfigVM_TaskResponse{Returnval: task}}
		})
}

// vcsimVMTask is the one shape of those four: the VM, then the rule's failing task (named
// name, described by desc, wrapped in the method's own response body by answer) if a taskFault
// rule is pending for this request, else vcsim's method under the VM's lock.
func (h *hooks) vcsimVMTask(ctx *simulator.Context, this types.ManagedObjectReference, name, desc string,
	vcsim func(*simulator.VirtualMachine) soap.HasFault, answer func(task types.ManagedObjectReference) soap.HasFault) soap.HasFault {
	vm, f := h.s.vmOf(ctx, this)
	if f != nil {
		return &faultBody{fault: vimFault(f)}
	}
	if r := h.s.takePending(ctx); r != nil {
		return answer(h.s.failingTask(ctx, vm, name, desc, r))
	}
	var body soap.HasFault
	ctx.WithLock(vm, func() { body = vcsim(vm) })
	return body
}

// faultBody answers any method with a SOAP fault: vcsim's ServeSDK writes a fault from
// Fault() alone, whatever the body's type (its own serverFaultBody is unexported).
type faultBody struct{ fault *soap.Fault }

func (b *faultBody) Fault() *soap.Fault { return b.fault }

// destroyNow powers off (if needed) and destroys a VM out of band (control API).
func (s *Sim) destroyNow(ref types.ManagedObjectReference) error {
	ctx := s.bgContext()
	vm, f := s.vmOf(ctx, ref)
	if f != nil {
		return fmt.Errorf("no VM %s", ref.Value)
	}
	var on bool
	ctx.WithLock(vm, func() { on = vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOff })
	if on {
		var body soap.HasFault
		ctx.WithLock(vm, func() { body = vm.PowerOffVMTask(ctx, &types.PowerOffVM_Task{This: ref}) })
		if body.Fault() == nil {
			_, _ = waitTask(ctx, body.(*methods.PowerOffVM_TaskBody).Res.Returnval)
		}
	}
	ctx = s.bgContext()
	var body soap.HasFault
	ctx.WithLock(vm, func() { body = vm.DestroyTask(ctx, &types.Destroy_Task{This: ref}) })
	if f := body.Fault(); f != nil {
		return fmt.Errorf("destroy %s: %s", ref.Value, f.String)
	}
	if _, fault := waitTask(ctx, body.(*methods.Destroy_TaskBody).Res.Returnval); fault != nil {
		return fmt.Errorf("destroy %s: %s", ref.Value, faultMessage(fault))
	}
	return nil
}

// waitFor polls cond every 5 ms until it is true or the timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}
