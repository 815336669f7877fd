package main

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// Rule injects a fault and/or a delay into a SOAP method.
type Rule struct {
	ID           string  `json:"id"`
	Method       string  `json:"method"`              // SOAP method name, e.g. CloneVM_Task
	Fault        string  `json:"fault,omitempty"`     // vim fault type answered by the method itself
	TaskFault    string  `json:"taskFault,omitempty"` // task methods: the task ends in this fault
	Message      string  `json:"message,omitempty"`   // optional fault message
	DelaySeconds float64 `json:"delaySeconds,omitempty"`
	Count        int     `json:"count,omitempty"`  // times to apply; 0 = forever
	Target       string  `json:"target,omitempty"` // optional: moRef value or name of the target object or its VM
	Hits         int     `json:"hits"`             // times applied so far
}

// taskFaultMethods are the task methods whose task can be made to fail.
var taskFaultMethods = map[string]bool{
	"CloneVM_Task": true, "InstantClone_Task": true, "PowerOnVM_Task": true, "PowerOffVM_Task": true,
	"ResetVM_Task": true, "Destroy_Task": true, "ReconfigVM_Task": true,
}

type ruleSet struct {
	mu    sync.Mutex
	next  int
	rules []*Rule
}

func newRuleSet() *ruleSet { return &ruleSet{} }

// add validates and stores r.
func (rs *ruleSet) add(r Rule) (*Rule, error) {
	if r.Method == "" {
		return nil, fmt.Errorf("method is required")
	}
	if r.Fault != "" && r.TaskFault != "" {
		return nil, fmt.Errorf("give either fault or taskFault, not both")
	}
	if r.Fault == "" && r.TaskFault == "" && r.DelaySeconds <= 0 {
		return nil, fmt.Errorf("a rule needs fault, taskFault or delaySeconds")
	}
	if r.TaskFault != "" && !taskFaultMethods[r.Method] {
		return nil, fmt.Errorf("taskFault is supported for %s only", strings.Join(sortedKeys(taskFaultMethods), ", "))
	}
	for _, name := range []string{r.Fault, r.TaskFault} {
		if name == "" {
			continue
		}
		if _, err := faultType(name); err != nil {
			return nil, err
		}
	}
	if r.Count < 0 || r.DelaySeconds < 0 {
		return nil, fmt.Errorf("count and delaySeconds must not be negative")
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.next++
	r.ID = strconv.Itoa(rs.next)
	r.Hits = 0
	cp := r
	rs.rules = append(rs.rules, &cp)
	return &cp, nil
}

// match returns a copy of the first rule for method whose target matches and that has
// uses left, and consumes one use. targets is called only for rules with a target.
func (rs *ruleSet) match(method string, targets func() []string) *Rule {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, r := range rs.rules {
		if r.Method != method && r.Method != "*" {
			continue
		}
		if r.Count > 0 && r.Hits >= r.Count {
			continue
		}
		if r.Target != "" && !contains(targets(), r.Target) {
			continue
		}
		r.Hits++
		cp := *r
		return &cp
	}
	return nil
}

func (rs *ruleSet) list() []Rule {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	out := make([]Rule, 0, len(rs.rules))
	for _, r := range rs.rules {
		out = append(out, *r)
	}
	return out
}

func (rs *ruleSet) clear() {
	rs.mu.Lock()
	rs.rules = nil
	rs.mu.Unlock()
}

func (rs *ruleSet) remove(id string) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for i, r := range rs.rules {
		if r.ID == id {
			rs.rules = append(rs.rules[:i], rs.rules[i+1:]...)
			return true
		}
	}
	return false
}

var faultIface = reflect.TypeOf((*types.BaseMethodFault)(nil)).Elem()

// faultType resolves a vim fault type name (NotAuthenticated, InvalidState, ...).
func faultType(name string) (reflect.Type, error) {
	lookup := types.TypeFunc()
	for _, n := range []string{name, strings.TrimSuffix(name, "Fault")} {
		if t, ok := lookup(n); ok && t.Kind() == reflect.Struct && reflect.PointerTo(t).Implements(faultIface) {
			return t, nil
		}
	}
	return nil, fmt.Errorf("unknown fault type %q", name)
}

// makeFault builds the named fault with the fields clients look at filled in.
func makeFault(name, msg string, m *simulator.Method) types.BaseMethodFault {
	t, err := faultType(name)
	if err != nil {
		return &types.SystemError{Reason: err.Error()}
	}
	f := reflect.New(t).Interface().(types.BaseMethodFault)
	this := types.ManagedObjectReference{}
	if m != nil {
		this = m.This
	}
	switch x := f.(type) {
	case *types.NotAuthenticated:
		x.Object = &this
		x.PrivilegeId = "System.View"
	case *types.NoPermission:
		x.Object = &this
		x.PrivilegeId = "System.View"
	case *types.ManagedObjectNotFound:
		x.Obj = this
	case *types.SystemError:
		x.Reason = msg
	case *types.InvalidArgument:
		x.InvalidProperty = "injected"
	case *types.InvalidPowerState:
		x.RequestedState = types.VirtualMachinePowerStatePoweredOn
		x.ExistingState = types.VirtualMachinePowerStatePoweredOff
	}
	if msg == "" {
		msg = "fault injected by the testvm simulator"
	}
	f.GetMethodFault().FaultMessage = []types.LocalizableMessage{{Key: "testvm.sim.injected", Message: msg}}
	return f
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
