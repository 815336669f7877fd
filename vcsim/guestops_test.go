package main

import (
	"strings"
	"testing"
	"time"

	"github.com/vmware/govmomi/fault"
	"github.com/vmware/govmomi/guest"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/types"
)

const linuxDiscovery = `-c '(ip address show scope global | grep global | cut -b10- | cut -d/ -f1) > /tmp/testvm-x.out 2>&1'`

func (e *env) startProgram(vm *object.VirtualMachine, auth types.BaseGuestAuthentication, program, args string) error {
	ops := guest.NewOperationsManager(e.c.Client, vm.Reference())
	pm, err := ops.ProcessManager(e.ctx)
	if err != nil {
		return err
	}
	_, err = pm.StartProgram(e.ctx, auth, &types.GuestProgramSpec{ProgramPath: program, Arguments: args})
	return err
}

func TestLinuxGuestOperations(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.vm("Templates/ubuntu-22.04")
	vm := e.clone(src, "ci-guest-linux", e.cloneSpec(src, true, nil))

	// Powered off: InvalidPowerState.
	if err := e.startProgram(vm, defaultAuth, "/bin/sh", "-c true"); !fault.Is(err, &types.InvalidPowerState{}) {
		t.Fatalf("powered off: %v", err)
	}
	e.powerOn(vm)
	// Before Tools run: GuestOperationsUnavailable.
	if err := e.startProgram(vm, defaultAuth, "/bin/sh", "-c true"); !fault.Is(err, &types.GuestOperationsUnavailable{}) {
		t.Fatalf("before Tools: %v", err)
	}
	e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return i.ToolsRunning })
	// Wrong password: InvalidGuestLogin.
	bad := &types.NamePasswordAuthentication{Username: "testvm", Password: "wrong"}
	if err := e.startProgram(vm, bad, "/bin/sh", "-c true"); !fault.Is(err, &types.InvalidGuestLogin{}) {
		t.Fatalf("wrong password: %v", err)
	}

	// The default discovery command, once the guest has its IP (before the Tools poll publishes it).
	in := e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return i.IPAssignedAt != 0 })
	if code := e.run(vm, defaultAuth, "/bin/sh", linuxDiscovery); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	out, err := e.download(vm, defaultAuth, "/tmp/testvm-x.out")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(out) != in.IPs[0] {
		t.Errorf("discovery output %q, want %q", out, in.IPs[0])
	}

	// A failing command reports its exit code; the full process list has the system processes.
	if code := e.run(vm, defaultAuth, "/bin/sh", "-c 'exit 3'"); code != 3 {
		t.Errorf("exit code %d, want 3", code)
	}
	pm, _ := guest.NewOperationsManager(e.c.Client, vm.Reference()).ProcessManager(e.ctx)
	all, err := pm.ListProcesses(e.ctx, defaultAuth, nil)
	if err != nil || len(all) < 4 {
		t.Errorf("ListProcessesInGuest(all) = %v, %v", len(all), err)
	}
	// Terminate a long-running command.
	pid, err := pm.StartProgram(e.ctx, defaultAuth, &types.GuestProgramSpec{ProgramPath: "/bin/sh", Arguments: "-c 'sleep 30'"})
	if err != nil {
		t.Fatal(err)
	}
	if err := pm.TerminateProcess(e.ctx, defaultAuth, pid); err != nil {
		t.Fatal(err)
	}
	if !waitFor(2*time.Second, func() bool {
		l, _ := pm.ListProcesses(e.ctx, defaultAuth, []int64{pid})
		return len(l) == 1 && l[0].EndTime != nil && l[0].ExitCode != 0
	}) {
		t.Error("terminated process did not end")
	}
	if err := pm.TerminateProcess(e.ctx, defaultAuth, 999999); !fault.Is(err, &types.GuestProcessNotFound{}) {
		t.Errorf("terminate unknown pid: %v", err)
	}
	// NIC reload after an instant clone: fake tools that succeed.
	if code := e.run(vm, defaultAuth, "/bin/sh", "-c 'sudo modprobe -r vmxnet3 && modprobe vmxnet3 && /sbin/dhclient -v ens192'"); code != 0 {
		t.Errorf("nic reload exit %d", code)
	}

	// Upload, delete, missing files.
	fm, _ := guest.NewOperationsManager(e.c.Client, vm.Reference()).FileManager(e.ctx)
	if err := fm.DeleteFile(e.ctx, defaultAuth, "/tmp/testvm-x.out"); err != nil {
		t.Fatal(err)
	}
	if err := fm.DeleteFile(e.ctx, defaultAuth, "/tmp/testvm-x.out"); !fault.Is(err, &types.FileNotFound{}) {
		t.Errorf("second delete: %v", err)
	}
	if _, err := fm.InitiateFileTransferFromGuest(e.ctx, defaultAuth, "/tmp/missing"); !fault.Is(err, &types.FileNotFound{}) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := fm.InitiateFileTransferToGuest(e.ctx, defaultAuth, "/tmp/up.txt", &types.GuestPosixFileAttributes{}, 5, false); err != nil {
		t.Errorf("InitiateFileTransferToGuest: %v", err)
	}
	// Directories and temporary files, and the faults vCenter gives for them.
	if err := fm.MakeDirectory(e.ctx, defaultAuth, "/tmp/ci-a/b", false); !fault.Is(err, &types.FileNotFound{}) {
		t.Errorf("mkdir without parents: %v", err)
	}
	if err := fm.MakeDirectory(e.ctx, defaultAuth, "/tmp/ci-a/b", true); err != nil {
		t.Fatalf("mkdir -p: %v", err)
	}
	if err := fm.MakeDirectory(e.ctx, defaultAuth, "/tmp/ci-a", false); !fault.Is(err, &types.FileAlreadyExists{}) {
		t.Errorf("mkdir of an existing directory: %v", err)
	}
	if err := fm.DeleteFile(e.ctx, defaultAuth, "/tmp/ci-a"); !fault.Is(err, &types.NotAFile{}) {
		t.Errorf("delete of a directory: %v", err)
	}
	if _, err := fm.InitiateFileTransferFromGuest(e.ctx, defaultAuth, "/tmp/ci-a"); !fault.Is(err, &types.NotAFile{}) {
		t.Errorf("download of a directory: %v", err)
	}
	tmp, err := fm.CreateTemporaryFile(e.ctx, defaultAuth, "ci-", ".txt", "/tmp/ci-a/b")
	if err != nil || !strings.HasPrefix(tmp, "/tmp/ci-a/b/ci-") || !strings.HasSuffix(tmp, ".txt") {
		t.Fatalf("temporary file %q: %v", tmp, err)
	}
	if _, err := fm.InitiateFileTransferToGuest(e.ctx, defaultAuth, tmp, &types.GuestPosixFileAttributes{}, 5, false); !fault.Is(err, &types.FileAlreadyExists{}) {
		t.Errorf("upload over an existing file without overwrite: %v", err)
	}
	if _, err := fm.InitiateFileTransferToGuest(e.ctx, defaultAuth, tmp, &types.GuestPosixFileAttributes{}, 5, true); err != nil {
		t.Errorf("upload over an existing file with overwrite: %v", err)
	}
	if _, err := fm.InitiateFileTransferToGuest(e.ctx, defaultAuth, "/tmp/ci-none/up.txt", &types.GuestPosixFileAttributes{}, 5, false); !fault.Is(err, &types.FileNotFound{}) {
		t.Errorf("upload into a missing directory: %v", err)
	}
	if tmp, err := fm.CreateTemporaryFile(e.ctx, defaultAuth, "ci-", "", ""); err != nil || !strings.HasPrefix(tmp, "/tmp/ci-") {
		t.Errorf("temporary file in the default directory %q: %v", tmp, err)
	}
	if _, err := fm.CreateTemporaryFile(e.ctx, defaultAuth, "ci-", "", "/tmp/ci-none"); !fault.Is(err, &types.FileNotFound{}) {
		t.Errorf("temporary file in a missing directory: %v", err)
	}
}

func TestLinuxCommandBeforeIPPrintsNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.vm("Templates/ubuntu-22.04")
	// The clone's own knob overrides the inherited one: the guest gets its IP much later.
	vm := e.clone(src, "ci-late-ip", e.cloneSpec(src, true, map[string]string{"testvm.sim.ipSeconds": "500"}))
	e.powerOn(vm)
	e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return i.ToolsRunning })
	if code := e.run(vm, defaultAuth, "/bin/sh", linuxDiscovery); code != 0 {
		t.Fatalf("exit %d", code)
	}
	out, err := e.download(vm, defaultAuth, "/tmp/testvm-x.out")
	if err != nil || out != "" {
		t.Errorf("output before the IP: %q, %v", out, err)
	}
}

func TestWindowsIpconfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.vm("Templates/windows-2016")
	vm := e.clone(src, "ci-win", e.cloneSpec(src, true, nil))
	e.powerOn(vm)
	in := e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return i.IPAssignedAt != 0 && i.ToolsRunning })
	for _, prog := range []string{"cmd.exe", `C:\Windows\System32\cmd.exe`} {
		if code := e.run(vm, defaultAuth, prog, `/c "ipconfig > C:\Windows\TEMP\testvm-x.out 2>&1"`); code != 0 {
			t.Fatalf("%s exit %d", prog, code)
		}
		out, err := e.download(vm, defaultAuth, `c:\windows\temp\TESTVM-X.OUT`) // case-insensitive
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "\r\n") || strings.Contains(strings.ReplaceAll(out, "\r\n", ""), "\n") {
			t.Errorf("ipconfig output is not CRLF: %q", out)
		}
		if !strings.Contains(out, "IPv4 Address. . . . . . . . . . . : "+in.IPs[0]+"\r\n") {
			t.Errorf("ipconfig output lacks the IP %s:\n%s", in.IPs[0], out)
		}
	}
	if code := e.run(vm, defaultAuth, "cmd.exe", `/c "ipconfig /renew > NUL & ipconfig /all > %TEMP%\all.txt"`); code != 0 {
		t.Errorf("renew exit %d", code)
	}
	if out, err := e.download(vm, defaultAuth, `C:\Windows\Temp\all.txt`); err != nil || !strings.Contains(out, "Physical Address") {
		t.Errorf("ipconfig /all: %q %v", out, err)
	}
	if err := e.startProgram(vm, defaultAuth, `C:\nope.exe`, ""); !fault.Is(err, &types.FileNotFound{}) {
		t.Errorf("missing program: %v", err)
	}
}
