package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// guestSession is what every guest operation checks first, in vSphere's order:
// VM exists, powered on (InvalidPowerState), Tools running (GuestOperationsUnavailable),
// NamePasswordAuthentication matching the template's guest credentials (InvalidGuestLogin).
type guestSession struct {
	st    *vmState
	g     *guestFS
	knobs Knobs
	user  string
}

func (gs *guestSession) windows() bool { return gs.knobs.OS == "windows" }

func (s *Sim) guestLogin(ctx *simulator.Context, vmRef types.ManagedObjectReference, auth types.BaseGuestAuthentication) (*guestSession, types.BaseMethodFault) {
	vm, f := s.vmOf(ctx, vmRef)
	if f != nil {
		return nil, f
	}
	var ps types.VirtualMachinePowerState
	ctx.WithLock(vm, func() { ps = vm.Runtime.PowerState })
	if ps != types.VirtualMachinePowerStatePoweredOn {
		return nil, &types.InvalidPowerState{RequestedState: types.VirtualMachinePowerStatePoweredOn, ExistingState: ps}
	}
	st := s.vms.get(vmRef)
	s.vms.mu.Lock()
	running, k := st.toolsRunning, st.knobs
	s.vms.mu.Unlock()
	if !running {
		return nil, &types.GuestOperationsUnavailable{}
	}
	npa, ok := auth.(*types.NamePasswordAuthentication)
	if !ok || npa == nil {
		return nil, &types.InvalidArgument{InvalidProperty: "auth"}
	}
	userOK := npa.Username == k.GuestUser
	if k.OS == "windows" {
		userOK = strings.EqualFold(npa.Username, k.GuestUser)
	}
	if !userOK || npa.Password != k.GuestPassword {
		return nil, &types.InvalidGuestLogin{}
	}
	g, err := s.guestFSFor(st)
	if err != nil {
		return nil, &types.SystemError{Reason: err.Error()}
	}
	return &guestSession{st: st, g: g, knobs: k, user: k.GuestUser}, nil
}

// guestPath maps a guest path of this guest into its sandbox.
func (gs *guestSession) guestPath(p string) (string, types.BaseMethodFault) {
	hp, err := gs.g.hostPath(p, gs.windows(), gs.user)
	if err != nil {
		return "", &types.InvalidArgument{InvalidProperty: "path"}
	}
	return hp, nil
}

// env is the environment of guest commands.
func (gs *guestSession) env(s *Sim, extra []string) []string {
	env := []string{
		"PATH=" + s.scratch.bin + ":/usr/local/bin:/usr/bin:/bin",
		"HOME=" + gs.g.home,
		"TMPDIR=" + gs.g.tmp,
		"USER=" + gs.user,
		"LOGNAME=" + gs.user,
		"LANG=C.UTF-8",
		"TESTVM_SIM_STATE=" + gs.g.state,
	}
	if gs.windows() {
		env = append(env, "TEMP="+gs.g.tmp, "TMP="+gs.g.tmp, "USERPROFILE="+gs.g.home)
	}
	return append(env, extra...)
}

func (h *hooks) StartProgramInGuest(ctx *simulator.Context, req *types.StartProgramInGuest) soap.HasFault {
	body := new(methods.StartProgramInGuestBody)
	s := h.s
	gs, f := s.guestLogin(ctx, req.Vm, req.Auth)
	if f != nil {
		body.Fault_ = vimFault(f)
		return body
	}
	if req.Spec == nil {
		body.Fault_ = vimFault(&types.InvalidArgument{InvalidProperty: "spec"})
		return body
	}
	spec := req.Spec.GetGuestProgramSpec()
	var gc *guestCommand
	var err error
	if gs.windows() {
		gc, err = windowsCommand(gs.g, s.scratch.bin, gs.user, spec.ProgramPath, spec.Arguments)
	} else {
		gc, err = linuxCommand(gs.g, s.scratch.bin, spec.ProgramPath, spec.Arguments)
	}
	if errors.Is(err, errProgramNotFound) {
		body.Fault_ = vimFault(&types.FileNotFound{FileFault: types.FileFault{File: spec.ProgramPath}})
		return body
	} else if err != nil {
		body.Fault_ = vimFault(&types.InvalidArgument{InvalidProperty: "programPath"})
		return body
	}
	dir := gs.g.home
	if spec.WorkingDirectory != "" {
		d, f := gs.guestPath(spec.WorkingDirectory)
		if f != nil {
			body.Fault_ = vimFault(f)
			return body
		}
		_ = os.MkdirAll(d, 0o755)
		dir = d
	}
	if vm, f := s.vmOf(ctx, req.Vm); f == nil {
		s.writeGuestInfo(ctx, vm, gs.g)
	}
	if d := s.scaled(processStartDelay(gs.knobs)); d > 0 {
		// the process exists at once but runs late, as a headless process on a busy Windows guest
		gc.shell = fmt.Sprintf("sleep %.3f; %s", d.Seconds(), gc.shell)
	}
	pid, err := gs.st.procs.start(gc, gs.user, dir, gs.env(s, spec.EnvVariables))
	if err != nil {
		body.Fault_ = vimFault(&types.SystemError{Reason: err.Error()})
		return body
	}
	s.watchRPC(gs.st, gs.g)
	logf("%s: guest pid %d: %s", req.Vm.Value, pid, gc.cmdLine)
	body.Res = &types.StartProgramInGuestResponse{Returnval: pid}
	return body
}

func (h *hooks) ListProcessesInGuest(ctx *simulator.Context, req *types.ListProcessesInGuest) soap.HasFault {
	body := new(methods.ListProcessesInGuestBody)
	gs, f := h.s.guestLogin(ctx, req.Vm, req.Auth)
	if f != nil {
		body.Fault_ = vimFault(f)
		return body
	}
	list := gs.st.procs.list(req.Pids)
	if len(req.Pids) == 0 {
		list = append(h.s.systemProcesses(gs), list...)
	}
	body.Res = &types.ListProcessesInGuestResponse{Returnval: list}
	return body
}

// systemProcesses are the always-running processes a full listing shows.
func (s *Sim) systemProcesses(gs *guestSession) []types.GuestProcessInfo {
	s.vms.mu.Lock()
	boot, tools := gs.st.poweredOnAt, gs.st.toolsRunningAt
	s.vms.mu.Unlock()
	if gs.windows() {
		return []types.GuestProcessInfo{
			{Name: "System", Pid: 4, Owner: "NT AUTHORITY\\SYSTEM", CmdLine: "System", StartTime: boot},
			{Name: "vmtoolsd.exe", Pid: 2964, Owner: "NT AUTHORITY\\SYSTEM", CmdLine: `"C:\Program Files\VMware\VMware Tools\vmtoolsd.exe"`, StartTime: tools},
		}
	}
	return []types.GuestProcessInfo{
		{Name: "systemd", Pid: 1, Owner: "root", CmdLine: "/sbin/init", StartTime: boot},
		{Name: "vmtoolsd", Pid: 812, Owner: "root", CmdLine: "/usr/bin/vmtoolsd", StartTime: tools},
	}
}

func (h *hooks) TerminateProcessInGuest(ctx *simulator.Context, req *types.TerminateProcessInGuest) soap.HasFault {
	body := new(methods.TerminateProcessInGuestBody)
	gs, f := h.s.guestLogin(ctx, req.Vm, req.Auth)
	if f != nil {
		body.Fault_ = vimFault(f)
		return body
	}
	if !gs.st.procs.terminate(req.Pid) {
		body.Fault_ = vimFault(&types.GuestProcessNotFound{Pid: req.Pid})
		return body
	}
	body.Res = new(types.TerminateProcessInGuestResponse)
	return body
}

func (h *hooks) ReadEnvironmentVariableInGuest(ctx *simulator.Context, req *types.ReadEnvironmentVariableInGuest) soap.HasFault {
	body := new(methods.ReadEnvironmentVariableInGuestBody)
	gs, f := h.s.guestLogin(ctx, req.Vm, req.Auth)
	if f != nil {
		body.Fault_ = vimFault(f)
		return body
	}
	vars := []string{"HOME=/home/" + gs.user, "USER=" + gs.user, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"}
	if gs.windows() {
		vars = []string{`TEMP=C:\Windows\TEMP`, `TMP=C:\Windows\TEMP`, "USERNAME=" + gs.user,
			`USERPROFILE=C:\Users\` + gs.user, `windir=C:\Windows`, `ComSpec=C:\Windows\system32\cmd.exe`}
	}
	var out []string
	for _, v := range vars {
		name, _, _ := strings.Cut(v, "=")
		if len(req.Names) == 0 || contains(req.Names, name) {
			out = append(out, v)
		}
	}
	body.Res = &types.ReadEnvironmentVariableInGuestResponse{Returnval: out}
	return body
}
