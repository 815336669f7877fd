package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vmware/govmomi/fault"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/types"
)

func TestFaultRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.vm("Templates/ubuntu-22.04")

	// taskFault: the clone task itself ends in error.
	if code, body := e.control("POST", "/faults", `{"method":"CloneVM_Task","taskFault":"InsufficientResourcesFault","count":1}`); code != 200 || !strings.Contains(body, `"id"`) {
		t.Fatalf("add rule: %d %s", code, body)
	}
	task, err := src.Clone(e.ctx, e.vmFolder(), "ci-fault", e.cloneSpec(src, true, nil))
	if err != nil {
		t.Fatalf("CloneVM_Task itself should succeed: %v", err)
	}
	if _, err := task.WaitForResult(e.ctx); !fault.Is(err, &types.InsufficientResourcesFault{}) {
		t.Fatalf("task error %v", err)
	}
	// count=1: the next clone works.
	vm := e.clone(src, "ci-fault", e.cloneSpec(src, true, nil))

	// fault on the method: PowerOnVM_Task answers InvalidState once.
	e.control("POST", "/faults", `{"method":"PowerOnVM_Task","fault":"InvalidState","count":1}`)
	if _, err := vm.PowerOn(e.ctx); !fault.Is(err, &types.InvalidState{}) {
		t.Fatalf("PowerOn with fault rule: %v", err)
	}
	e.powerOn(vm)
	e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return i.ToolsRunning })

	// A guest-operation fault limited to one VM (target), with a delay.
	e.control("POST", "/faults", `{"method":"StartProgramInGuest","fault":"GuestOperationsUnavailable","target":"ci-fault","delaySeconds":5,"count":1}`)
	start := time.Now()
	if err := e.startProgram(vm, defaultAuth, "/bin/sh", "-c true"); !fault.Is(err, &types.GuestOperationsUnavailable{}) {
		t.Fatalf("StartProgramInGuest with rule: %v", err)
	}
	if d := time.Since(start); d < e.s.scaled(5) {
		t.Errorf("delay %v, want >= %v", d, e.s.scaled(5))
	}

	// Bad rules are refused; listing shows hits; DELETE clears.
	if code, _ := e.control("POST", "/faults", `{"method":"FindByUuid","taskFault":"InvalidState"}`); code != 400 {
		t.Errorf("taskFault on a non-task method: %d", code)
	}
	if code, _ := e.control("POST", "/faults", `{"method":"Login","fault":"NoSuchFault"}`); code != 400 {
		t.Errorf("unknown fault type: %d", code)
	}
	_, body := e.control("GET", "/faults", "")
	var rules []Rule
	_ = json.Unmarshal([]byte(body), &rules)
	if len(rules) != 3 || rules[0].Hits != 1 {
		t.Errorf("rules %s", body)
	}
	e.control("DELETE", "/faults", "")
	if _, body := e.control("GET", "/faults", ""); strings.TrimSpace(body) != "[]" {
		t.Errorf("after clear: %s", body)
	}

	// Login fault, forever until cleared.
	e.control("POST", "/faults", `{"method":"Login","fault":"InvalidLogin"}`)
	if _, err := e.tryLogin("user", "pass"); !fault.Is(err, &types.InvalidLogin{}) {
		t.Errorf("login with rule: %v", err)
	}
	e.control("DELETE", "/faults", "")
	e.login("user", "pass")

	st := e.s.stats.snapshot(0)
	if st.FaultsInjected != 4 || st.RequestsByMethod["CloneVM_Task"] != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestSessionsExpireAndStats(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c2 := e.login("other", "pw")
	si := object.NewSearchIndex(e.c.Client)
	if _, err := si.FindByInventoryPath(e.ctx, "DC0/vm/Templates/ubuntu-22.04"); err != nil {
		t.Fatal(err)
	}
	_, body := e.control("POST", "/sessions/expire", "")
	if !strings.Contains(body, `"expired": 2`) {
		t.Errorf("expire: %s", body)
	}
	_, err := methods.FindByInventoryPath(e.ctx, e.c.Client, &types.FindByInventoryPath{This: si.Reference(), InventoryPath: "DC0/vm"})
	if !fault.Is(err, &types.NotAuthenticated{}) {
		t.Fatalf("after expiry: %v", err)
	}
	// Property reads too (vcsim alone would answer them without the objects).
	var content []types.ObjectContent
	pc := property.DefaultCollector(e.c.Client)
	err = pc.Retrieve(e.ctx, []types.ManagedObjectReference{si.Reference()}, nil, &content)
	if !fault.Is(err, &types.NotAuthenticated{}) {
		t.Fatalf("property read after expiry: %v (%d objects)", err, len(content))
	}
	// A new login on the same client works (the stale cookie is ignored).
	if err := e.c.Login(e.ctx, url.UserPassword("user", "pass")); err != nil {
		t.Fatalf("re-login: %v", err)
	}
	if _, err := si.FindByInventoryPath(e.ctx, "DC0/vm"); err != nil {
		t.Fatal(err)
	}
	_ = c2.Logout(e.ctx)

	var st Stats
	_, body = e.control("GET", "/stats", "")
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	if st.LoginCount != 3 || st.LogoutCount != 0 || st.ActiveSessions != 1 || st.RequestsByMethod["FindByInventoryPath"] != 3 {
		t.Errorf("stats %s", body)
	}
}

func TestUnreachableAndDestroy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.control("POST", "/unreachable?on=true", "")
	si := object.NewSearchIndex(e.c.Client)
	if _, err := si.FindByInventoryPath(e.ctx, "DC0/vm"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("unreachable: %v", err)
	}
	e.control("POST", "/unreachable?on=true&mode=drop", "")
	if _, err := si.FindByInventoryPath(e.ctx, "DC0/vm"); err == nil {
		t.Error("drop mode answered")
	}
	e.control("POST", "/unreachable?on=false", "")
	if _, err := si.FindByInventoryPath(e.ctx, "DC0/vm"); err != nil {
		t.Errorf("reachable again: %v", err)
	}

	// Out-of-band destroy of a running VM.
	src := e.vm("Templates/ubuntu-22.04")
	spec := e.cloneSpec(src, true, nil)
	spec.PowerOn = true
	vm := e.clone(src, "ci-doomed", spec)
	if code, body := e.control("DELETE", "/vms/"+vm.Reference().Value, ""); code != 200 {
		t.Fatalf("destroy: %d %s", code, body)
	}
	if found, _ := si.FindByInventoryPath(e.ctx, "DC0/vm/ci-doomed"); found != nil {
		t.Error("VM still there")
	}
	if code, _ := e.control("DELETE", "/vms/vm-99999", ""); code != 404 {
		t.Errorf("destroy of unknown VM: %d", code)
	}
}

func TestConfiguredUser(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, Options{TimeScale: testScale, Username: "administrator@vsphere.local", Password: "s3cret"})
	if _, err := e.tryLogin("administrator@vsphere.local", "wrong"); !fault.Is(err, &types.InvalidLogin{}) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := e.tryLogin("someone", "s3cret"); !fault.Is(err, &types.InvalidLogin{}) {
		t.Errorf("wrong user: %v", err)
	}
	if _, err := e.tryLogin("administrator@vsphere.local", "s3cret"); err != nil {
		t.Errorf("right credentials: %v", err)
	}
}

func TestTimeScale(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, Options{TimeScale: 0.05})
	src := e.vm("Templates/ubuntu-22.04")
	start := time.Now()
	e.clone(src, "ci-scaled", e.cloneSpec(src, false, nil)) // 10 s full clone -> 0.5 s
	if d := time.Since(start); d < 500*time.Millisecond || d > 2*time.Second {
		t.Errorf("full clone at scale 0.05 took %v, want ~500ms", d)
	}
}

// Every control endpoint answers through its own ServeMux pattern: a wrong method is the mux's
// 405 with Allow, an unknown path its 404, and each endpoint is reached (an error it answers
// itself carries its own text, not the mux's "404 page not found").
func TestControlRouting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, body := e.control("POST", "/faults", `{"method":"Logout","fault":"InvalidState"}`)
	var rule Rule
	if err := json.Unmarshal([]byte(body), &rule); err != nil || rule.ID == "" {
		t.Fatalf("add rule: %s", body)
	}
	reached := []struct {
		pattern, method, path, body string
		code                        int
		answer                      string // a substring of the endpoint's own answer
	}{
		{"GET /testvm-sim/vms", "GET", "/vms", "", 200, "moRef"},
		{"DELETE /testvm-sim/vms/{moRef}", "DELETE", "/vms/vm-99999", "", 404, "no VM vm-99999"},
		{"GET /testvm-sim/faults", "GET", "/faults", "", 200, rule.ID},
		{"DELETE /testvm-sim/faults/{id}", "DELETE", "/faults/" + rule.ID, "", 200, `"removed": true`},
		{"DELETE /testvm-sim/faults/{id}", "DELETE", "/faults/" + rule.ID, "", 404, "no such rule"},
		{"POST /testvm-sim/faults", "POST", "/faults", `{"method":"Login","bogus":1}`, 400, "bad rule"},
		{"DELETE /testvm-sim/faults", "DELETE", "/faults", "", 200, `"cleared": true`},
		{"GET /testvm-sim/sessions", "GET", "/sessions", "", 200, "user"},
		{"POST /testvm-sim/sessions/expire", "POST", "/sessions/expire", "", 200, `"expired": 1`},
		{"POST /testvm-sim/unreachable", "POST", "/unreachable?on=maybe", "", 400, "use on=true|false"},
		{"POST /testvm-sim/unreachable", "POST", "/unreachable?on=false", "", 200, `"unreachable": false`},
		{"GET /testvm-sim/hosts", "GET", "/hosts", "", 200, "[]"},
		{"POST /testvm-sim/hosts/{name}", "POST", "/hosts/esx-09?mode=ok", "", 404, `no ESXi host "esx-09"`},
		{"POST /testvm-sim/templates", "POST", "/templates", `{"name":"Bad Name"}`, 400, "name must match"},
		{"GET /testvm-sim/stats", "GET", "/stats", "", 200, "loginCount"},
		{"DELETE /testvm-sim/stats", "DELETE", "/stats", "", 200, `"reset": true`},
	}
	covered := map[string]bool{}
	for _, c := range reached {
		code, body := e.control(c.method, c.path, c.body)
		if code != c.code || !strings.Contains(body, c.answer) {
			t.Errorf("%s %s: %d %q, want %d with %q", c.method, c.path, code, body, c.code, c.answer)
		}
		covered[c.pattern] = true
	}
	var index struct{ Endpoints []string }
	if _, body := e.control("GET", "/", ""); json.Unmarshal([]byte(body), &index) != nil || len(index.Endpoints) != len(controlEndpoints) {
		t.Errorf("index: %s", body)
	}
	for _, ep := range controlEndpoints {
		if !covered[ep.pattern] {
			t.Errorf("endpoint %s not exercised here", ep.pattern)
		}
	}

	refused := []struct {
		method, path string
		code         int
		allow        string
	}{
		{"PUT", "/stats", 405, "DELETE, GET, HEAD"},
		{"GET", "/vms/vm-1", 405, "DELETE"},
		{"POST", "/vms", 405, "GET, HEAD"},
		{"GET", "/sessions/expire", 405, "POST"},
		{"DELETE", "/hosts", 405, "GET, HEAD"},
		{"POST", "/", 405, "GET, HEAD"},
		{"GET", "/bogus", 404, ""},
		{"DELETE", "/faults/a/b", 404, ""},
		{"POST", "/hosts/", 404, ""},
	}
	for _, c := range refused {
		code, allow, body := e.controlAllow(c.method, c.path)
		if code != c.code || allow != c.allow {
			t.Errorf("%s %s: %d Allow %q (%q), want %d Allow %q", c.method, c.path, code, allow, body, c.code, c.allow)
		}
	}
}

// PowerOffVM_Task, ResetVM_Task, ReconfigVM_Task and Destroy_Task stay vcsim's, but a taskFault
// rule makes their task (named and described as vCenter's) end in the fault once; an unknown VM
// is ManagedObjectNotFound.
func TestTaskFaultOnVcsimVMTasks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.vm("Templates/ubuntu-22.04")
	spec := e.cloneSpec(src, true, nil)
	spec.PowerOn = true
	vm := e.clone(src, "ci-hooks", spec)
	steps := []struct {
		method, desc string
		call         func() (*object.Task, error)
	}{
		{"ResetVM_Task", "VirtualMachine.reset", func() (*object.Task, error) { return vm.Reset(e.ctx) }},
		{"ReconfigVM_Task", "VirtualMachine.reconfigure", func() (*object.Task, error) {
			return vm.Reconfigure(e.ctx, types.VirtualMachineConfigSpec{Annotation: "hooked"})
		}},
		{"PowerOffVM_Task", "VirtualMachine.powerOff", func() (*object.Task, error) { return vm.PowerOff(e.ctx) }},
		{"Destroy_Task", "VirtualMachine.destroy", func() (*object.Task, error) { return vm.Destroy(e.ctx) }},
	}
	for _, step := range steps {
		e.control("POST", "/faults", `{"method":"`+step.method+`","taskFault":"InvalidState","count":1}`)
		task, err := step.call()
		if err != nil {
			t.Fatalf("%s itself should succeed: %v", step.method, err)
		}
		info, err := task.WaitForResult(e.ctx)
		if !fault.Is(err, &types.InvalidState{}) || info.Name != step.method || info.DescriptionId != step.desc {
			t.Fatalf("%s with rule: %v, task %s %s", step.method, err, info.Name, info.DescriptionId)
		}
		if task, err = step.call(); err == nil {
			err = task.Wait(e.ctx)
		}
		if err != nil {
			t.Fatalf("%s after the rule: %v", step.method, err)
		}
	}
	if found, _ := object.NewSearchIndex(e.c.Client).FindByInventoryPath(e.ctx, "DC0/vm/ci-hooks"); found != nil {
		t.Error("VM still there after Destroy_Task")
	}
	_, err := methods.PowerOffVM_Task(e.ctx, e.c.Client, &types.PowerOffVM_Task{This: types.ManagedObjectReference{Type: "VirtualMachine", Value: "vm-99999"}})
	if !fault.Is(err, &types.ManagedObjectNotFound{}) {
		t.Errorf("PowerOffVM_Task on an unknown VM: %v", err)
	}
}
