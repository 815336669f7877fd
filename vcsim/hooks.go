package main

import (
	"reflect"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// hooks is a managed object registered in vcsim's registry that receives the SOAP methods
// we implement or change. The registry Handler (Sim.handle) redirects those methods to it
// by rewriting Method.This; the request body keeps the original target (req.This / req.Vm).
// It opts out of vcsim's per-object locking (sync.Locker no-ops): methods lock what they touch.
//
// The embedded mo type comes first because vcsim code that walks every registry object (e.g.
// SearchIndex.FindByUuid) digs out the first field as the object's mo type and panics without one.
type hooks struct {
	mo.ExtensibleManagedObject
	s *Sim
}

func (h *hooks) Reference() types.ManagedObjectReference { return h.Self }
func (h *hooks) Lock()                                   {}
func (h *hooks) Unlock()                                 {}

// redirected maps a SOAP method to the managed object type it must be called on to be ours.
var redirected = map[string]string{
	"CloneVM_Task":      "VirtualMachine",
	"InstantClone_Task": "VirtualMachine",
	"PowerOnVM_Task":    "VirtualMachine",
	"PowerOffVM_Task":   "VirtualMachine",
	"ResetVM_Task":      "VirtualMachine",
	"Destroy_Task":      "VirtualMachine",
	"ReconfigVM_Task":   "VirtualMachine",

	"StartProgramInGuest":            "GuestProcessManager",
	"ListProcessesInGuest":           "GuestProcessManager",
	"TerminateProcessInGuest":        "GuestProcessManager",
	"ReadEnvironmentVariableInGuest": "GuestProcessManager",

	"InitiateFileTransferFromGuest": "GuestFileManager",
	"InitiateFileTransferToGuest":   "GuestFileManager",
	"DeleteFileInGuest":             "GuestFileManager",
	"CreateTemporaryFileInGuest":    "GuestFileManager",
	"MakeDirectoryInGuest":          "GuestFileManager",

	"ModifyListView": "ListView",

	"WaitForUpdatesEx":         "PropertyCollector",
	"WaitForUpdates":           "PropertyCollector",
	"CancelWaitForUpdates":     "PropertyCollector",
	"DestroyPropertyCollector": "PropertyCollector",
}

// propertyReads are the PropertyCollector reads vcsim serves without a session.
var propertyReads = map[string]bool{"RetrieveProperties": true, "RetrievePropertiesEx": true, "Fetch": true}

// handle is vcsim's Registry.Handler: called for every SOAP method before dispatch.
func (s *Sim) handle(ctx *simulator.Context, m *simulator.Method) (mo.Reference, types.BaseMethodFault) {
	if ctx.Session == nil && propertyReads[m.Name] {
		// vcsim answers property reads without a session (leaving out what it cannot show);
		// vCenter answers NotAuthenticated, which is what tells a client to log in again.
		return nil, &types.NotAuthenticated{NoPermission: types.NoPermission{Object: &m.This, PrivilegeId: "System.View"}}
	}
	_, redirect := redirected[m.Name]
	redirect = redirect && redirected[m.Name] == m.This.Type

	if rule := s.rules.match(m.Name, func() []string { return s.targets(m) }); rule != nil {
		s.stats.faultInjected()
		logf("rule %s applies to %s on %s", rule.ID, m.Name, m.This.Value)
		if rule.TaskFault != "" && redirect && ctx.Session != nil {
			s.setPending(ctx, rule) // the task applies delay and fault
		} else {
			s.sleep(rule.DelaySeconds)
			if name := rule.Fault + rule.TaskFault; name != "" {
				return nil, makeFault(name, rule.Message, m)
			}
		}
	}

	if redirect {
		m.This = s.hooks.Self
		return s.hooks, nil
	}
	return nil, nil
}

// targets are the names a rule's target may match: the object called and the VM in the request.
func (s *Sim) targets(m *simulator.Method) []string {
	refs := []types.ManagedObjectReference{m.This}
	if body := reflect.ValueOf(m.Body); body.Kind() == reflect.Pointer && body.Elem().Kind() == reflect.Struct {
		if f := body.Elem().FieldByName("Vm"); f.IsValid() {
			if ref, ok := f.Interface().(types.ManagedObjectReference); ok {
				refs = append(refs, ref)
			}
		}
	}
	var out []string
	for _, ref := range refs {
		out = append(out, ref.Value)
		if e, ok := s.reg.Get(ref).(mo.Entity); ok {
			ctx := s.bgContext()
			ctx.WithLock(e, func() { out = append(out, e.Entity().Name) })
		}
	}
	return out
}

func (s *Sim) setPending(ctx *simulator.Context, r *Rule) {
	s.pendingMu.Lock()
	s.pending[ctx] = r
	s.pendingMu.Unlock()
}

// takePending returns the task fault rule set for this request, if any.
func (s *Sim) takePending(ctx *simulator.Context) *Rule {
	s.pendingMu.Lock()
	defer s.pendingMu.Unlock()
	r := s.pending[ctx]
	delete(s.pending, ctx)
	return r
}

// vmOf returns the VirtualMachine behind ref.
func (s *Sim) vmOf(ctx *simulator.Context, ref types.ManagedObjectReference) (*simulator.VirtualMachine, types.BaseMethodFault) {
	vm, ok := ctx.Map.Get(ref).(*simulator.VirtualMachine)
	if !ok {
		return nil, &types.ManagedObjectNotFound{Obj: ref}
	}
	return vm, nil
}
