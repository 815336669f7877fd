package main

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/guest"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// testScale makes the seed timings fast: B=20s -> 0.4s, D=21.5s -> 0.43s, P=30s -> 0.6s.
const testScale = 0.02

type env struct {
	t      *testing.T
	s      *Sim
	c      *govmomi.Client
	finder *find.Finder
	ctx    context.Context
}

func newEnv(t *testing.T) *env {
	return newEnvWith(t, Options{TimeScale: testScale})
}

func newEnvWith(t *testing.T, opts Options) *env {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(s.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	e := &env{t: t, s: s, ctx: ctx}
	if opts.Username == "" {
		e.c = e.login("user", "pass")
		f := find.NewFinder(e.c.Client, false)
		dc, err := f.Datacenter(ctx, "DC0")
		if err != nil {
			t.Fatal(err)
		}
		f.SetDatacenter(dc)
		e.finder = f
	}
	return e
}

func (e *env) login(user, pass string) *govmomi.Client {
	e.t.Helper()
	c, err := e.tryLogin(user, pass)
	if err != nil {
		e.t.Fatalf("login: %v", err)
	}
	return c
}

func (e *env) tryLogin(user, pass string) (*govmomi.Client, error) {
	u, _ := url.Parse(e.s.URL())
	u.User = url.UserPassword(user, pass)
	return govmomi.NewClient(e.ctx, u, true)
}

func (e *env) vm(path string) *object.VirtualMachine {
	e.t.Helper()
	vm, err := e.finder.VirtualMachine(e.ctx, path)
	if err != nil {
		e.t.Fatalf("find %s: %v", path, err)
	}
	return vm
}

func (e *env) pool() *object.ResourcePool {
	p, err := e.finder.ResourcePool(e.ctx, "DC0_C0/Resources")
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) vmFolder() *object.Folder {
	f, err := e.finder.Folder(e.ctx, "vm")
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

func (e *env) currentSnapshot(vm *object.VirtualMachine) *types.ManagedObjectReference {
	var o mo.VirtualMachine
	if err := vm.Properties(e.ctx, vm.Reference(), []string{"snapshot"}, &o); err != nil {
		e.t.Fatal(err)
	}
	if o.Snapshot == nil {
		return nil
	}
	return o.Snapshot.CurrentSnapshot
}

// cloneSpec builds a clone spec; linked adds createNewChildDiskBacking and the current snapshot.
func (e *env) cloneSpec(src *object.VirtualMachine, linked bool, extra map[string]string) types.VirtualMachineCloneSpec {
	pool := e.pool().Reference()
	spec := types.VirtualMachineCloneSpec{Location: types.VirtualMachineRelocateSpec{Pool: &pool}}
	if linked {
		spec.Location.DiskMoveType = linkedMove
		spec.Snapshot = e.currentSnapshot(src)
	}
	cfg := &types.VirtualMachineConfigSpec{}
	for k, v := range extra {
		cfg.ExtraConfig = append(cfg.ExtraConfig, &types.OptionValue{Key: k, Value: v})
	}
	spec.Config = cfg
	return spec
}

// clone clones src into DC0/vm and returns the new VM.
func (e *env) clone(src *object.VirtualMachine, name string, spec types.VirtualMachineCloneSpec) *object.VirtualMachine {
	e.t.Helper()
	task, err := src.Clone(e.ctx, e.vmFolder(), name, spec)
	if err != nil {
		e.t.Fatalf("clone %s: %v", name, err)
	}
	info, err := task.WaitForResult(e.ctx)
	if err != nil {
		e.t.Fatalf("clone %s task: %v", name, err)
	}
	return object.NewVirtualMachine(e.c.Client, info.Result.(types.ManagedObjectReference))
}

func (e *env) powerOn(vm *object.VirtualMachine) {
	e.t.Helper()
	task, err := vm.PowerOn(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := task.Wait(e.ctx); err != nil {
		e.t.Fatalf("power on: %v", err)
	}
}

// info returns the control API view of a VM.
func (e *env) info(vm *object.VirtualMachine) VMInfo {
	for _, i := range e.s.vmInfos() {
		if i.MoRef == vm.Reference().Value {
			return i
		}
	}
	e.t.Fatalf("VM %s not in the control API", vm.Reference().Value)
	return VMInfo{}
}

// waitInfo polls the control API view until cond holds.
func (e *env) waitInfo(vm *object.VirtualMachine, timeout time.Duration, cond func(VMInfo) bool) VMInfo {
	e.t.Helper()
	var last VMInfo
	if !waitFor(timeout, func() bool { last = e.info(vm); return cond(last) }) {
		e.t.Fatalf("timed out; last state %+v", last)
	}
	return last
}

var defaultAuth = &types.NamePasswordAuthentication{Username: "testvm", Password: "testvm-guest-pw"}

// run starts a guest program, waits for it to end and returns its exit code.
func (e *env) run(vm *object.VirtualMachine, auth types.BaseGuestAuthentication, program, args string) int32 {
	e.t.Helper()
	ops := guest.NewOperationsManager(e.c.Client, vm.Reference())
	pm, err := ops.ProcessManager(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	pid, err := pm.StartProgram(e.ctx, auth, &types.GuestProgramSpec{ProgramPath: program, Arguments: args})
	if err != nil {
		e.t.Fatalf("StartProgramInGuest: %v", err)
	}
	var proc types.GuestProcessInfo
	ok := waitFor(10*time.Second, func() bool {
		list, err := pm.ListProcesses(e.ctx, auth, []int64{pid})
		if err != nil || len(list) != 1 {
			e.t.Fatalf("ListProcessesInGuest: %v %v", err, list)
		}
		proc = list[0]
		return proc.EndTime != nil
	})
	if !ok {
		e.t.Fatalf("process %d did not end", pid)
	}
	return proc.ExitCode
}

// download fetches a guest file the way a client must: InitiateFileTransferFromGuest, then GET
// the URL with its "*" host replaced by the host we connected to.
func (e *env) download(vm *object.VirtualMachine, auth types.BaseGuestAuthentication, path string) (string, error) {
	ops := guest.NewOperationsManager(e.c.Client, vm.Reference())
	fm, err := ops.FileManager(e.ctx)
	if err != nil {
		return "", err
	}
	info, err := fm.InitiateFileTransferFromGuest(e.ctx, auth, path)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(info.Url, "https://*:") {
		e.t.Fatalf("transfer URL %q does not have the literal * host", info.Url)
	}
	if info.Attributes == nil {
		e.t.Fatalf("no fileAttributes")
	}
	u, _ := url.Parse(e.s.URL())
	fileURL := strings.Replace(info.Url, "*", u.Hostname(), 1)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := hc.Get(fileURL)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		e.t.Fatalf("GET %s: %d %s", fileURL, resp.StatusCode, b)
	}
	if int64(len(b)) != info.Size {
		e.t.Fatalf("size %d, downloaded %d bytes", info.Size, len(b))
	}
	return string(b), err
}

// controlURL sends a request to the control API over HTTPS.
func (e *env) control(method, path, body string) (int, string) {
	e.t.Helper()
	code, _, answer := e.controlRequest(method, path, body)
	return code, answer
}

// controlAllow is control without a body, also returning the answer's Allow header.
func (e *env) controlAllow(method, path string) (code int, allow, body string) {
	e.t.Helper()
	return e.controlRequest(method, path, "")
}

func (e *env) controlRequest(method, path, body string) (int, string, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.s.ControlURL()+path, strings.NewReader(body))
	code, header, answer := e.send(req)
	return code, header.Get("Allow"), answer
}

// send makes req to the simulator (trusting its certificate) and reads the whole answer.
func (e *env) send(req *http.Request) (int, http.Header, string) {
	e.t.Helper()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := hc.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}
