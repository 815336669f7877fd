package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// govc, built from the govmomi module in go.mod (cmd/govc), drives the simulator as a user of
// that tool would: the operator's vCenter calls through a client nobody here wrote.

var (
	govcOnce sync.Once
	govcBin  string
	govcErr  error
)

func buildGovc(t *testing.T) string {
	t.Helper()
	govcOnce.Do(func() {
		dir, err := os.MkdirTemp("", "testvm-govc-")
		if err != nil {
			govcErr = err
			return
		}
		govcBin = filepath.Join(dir, "govc")
		out, err := exec.Command("go", "build", "-o", govcBin, "./cmd/govc").CombinedOutput()
		if err != nil {
			govcErr = fmt.Errorf("go build ./cmd/govc: %v\n%s", err, out)
		}
	})
	if govcErr != nil {
		t.Fatal(govcErr)
	}
	return govcBin
}

// govcEnv runs govc against one simulator, trusting its certificate through a CA file (not -k).
type govcEnv struct {
	*env
	bin  string
	home string
	ca   string
}

func newGovcEnv(t *testing.T, opts Options) *govcEnv {
	bin := buildGovc(t)
	e := newEnvWith(t, opts)
	home := t.TempDir()
	ca := filepath.Join(home, "vcsim.pem")
	if err := os.WriteFile(ca, e.s.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return &govcEnv{env: e, bin: bin, home: home, ca: ca}
}

func (g *govcEnv) cmd(ctx context.Context, home string, args ...string) *exec.Cmd {
	u, _ := url.Parse(g.s.URL())
	u.User = url.UserPassword("govc-user", "pass")
	c := exec.CommandContext(ctx, g.bin, args...)
	c.Env = append(os.Environ(), "HOME="+home, "GOVC_URL="+u.String(), "GOVC_TLS_CA_CERTS="+g.ca,
		"GOVC_INSECURE=false", "GOVC_DATACENTER=DC0", "GOVC_PERSIST_SESSION=false",
		"GOVC_GUEST_LOGIN=testvm:testvm-guest-pw")
	return c
}

// run runs govc and returns its stdout; a non-zero exit fails the test unless wantCode says otherwise.
func (g *govcEnv) run(args ...string) string {
	g.t.Helper()
	out, code, stderr := g.try(args...)
	if code != 0 {
		g.t.Fatalf("govc %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	return out
}

func (g *govcEnv) try(args ...string) (string, int, string) {
	ctx, cancel := context.WithTimeout(g.ctx, 60*time.Second)
	defer cancel()
	c := g.cmd(ctx, g.home, args...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		g.t.Fatalf("govc %v: %v", args, err)
	}
	return out.String(), code, errb.String()
}

func (g *govcEnv) infoByName(name string) VMInfo {
	for _, i := range g.s.vmInfos() {
		if i.Name == name {
			return i
		}
	}
	g.t.Fatalf("no VM %s", name)
	return VMInfo{}
}

func TestGovcCloneTypesPowerAndDestroy(t *testing.T) {
	t.Parallel()
	g := newGovcEnv(t, Options{TimeScale: testScale})
	g.run("vm.clone", "-vm", "/DC0/vm/Templates/ubuntu-22.04", "-pool", "DC0_C0/Resources", "-on=false", "-link", "-snapshot", "base", "g-linked")
	g.run("vm.clone", "-vm", "/DC0/vm/Templates/ubuntu-22.04", "-pool", "DC0_C0/Resources", "-on=false", "g-full")
	g.run("vm.instantclone", "-vm", "/DC0/vm/Templates/instant-parent", "-pool", "DC0_C0/Resources", "g-instant")
	for name, want := range map[string]string{"g-linked": "linked", "g-full": "full", "g-instant": "instant"} {
		if got := g.infoByName(name).CloneType; got != want {
			t.Errorf("%s: cloneType %q, want %q", name, got, want)
		}
	}
	// -link without -snapshot: govc asks for moveAllDiskBackingsAndAllowSharing, a full copy of a flat source.
	g.run("vm.clone", "-vm", "/DC0/vm/Templates/no-snapshot", "-pool", "DC0_C0/Resources", "-on=false", "-link", "g-flat")
	if got := g.infoByName("g-flat").CloneType; got != "full" {
		t.Errorf("g-flat: cloneType %q, want full", got)
	}

	g.run("vm.power", "-on", "g-linked")
	if ps := g.infoByName("g-linked").PowerState; ps != "poweredOn" {
		t.Errorf("after vm.power -on: %s", ps)
	}
	g.run("vm.power", "-off", "-force", "g-linked")
	if ps := g.infoByName("g-linked").PowerState; ps != "poweredOff" {
		t.Errorf("after vm.power -off: %s", ps)
	}
	// Powering on a template: InvalidState, as on vCenter.
	if _, code, _ := g.try("vm.power", "-on", "/DC0/vm/Templates/ubuntu-22.04"); code == 0 {
		t.Error("powered on a template")
	}

	g.run("object.destroy", "/DC0/vm/g-full", "/DC0/vm/g-linked")
	for _, i := range g.s.vmInfos() {
		if i.Name == "g-full" || i.Name == "g-linked" {
			t.Errorf("%s still exists after object.destroy", i.Name)
		}
	}
}

func TestGovcIPAndGuestOperations(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{guestFilesESXi, guestFilesVCenter} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			g := newGovcEnv(t, Options{TimeScale: testScale, GuestFileMode: mode})
			g.run("vm.clone", "-vm", "/DC0/vm/Templates/two-nics", "-pool", "DC0_C0/Resources", "-link", "-snapshot", "base", "g-ip")
			in := g.infoByName("g-ip")
			if ip := strings.TrimSpace(g.run("vm.ip", "-wait", "30s", "g-ip")); ip != in.IPs[0] {
				t.Errorf("vm.ip = %q, want %q", ip, in.IPs[0])
			}
			v4 := strings.Fields(g.run("vm.ip", "-v4", "-a", "-wait", "30s", "g-ip"))
			if len(v4) != 1 || !strings.Contains(v4[0], in.IPs[0]) || !strings.Contains(v4[0], in.IPs[1]) {
				t.Errorf("vm.ip -v4 -a = %q, want %v", v4, in.IPs)
			}

			// guest.run: mktemp, StartProgram, ListProcesses (exit code), download of the output, rm.
			if out := g.run("guest.run", "-vm", "g-ip", "/bin/echo", "hello", "from", "govc"); out != "hello from govc\n" {
				t.Errorf("guest.run output %q", out)
			}
			if _, code, _ := g.try("guest.run", "-vm", "g-ip", "/bin/sh", "-c", "'exit 3'"); code != 3 {
				t.Errorf("guest.run exit code %d, want 3", code)
			}
			g.run("guest.run", "-vm", "g-ip", "/bin/sh", "-c", "'printf downloaded > /tmp/g.txt'")
			if out := g.run("guest.download", "-vm", "g-ip", "/tmp/g.txt", "-"); out != "downloaded" {
				t.Errorf("guest.download = %q", out)
			}
			if _, code, _ := g.try("guest.download", "-vm", "g-ip", "/tmp/missing.txt", "-"); code == 0 {
				t.Error("downloaded a missing file")
			}
		})
	}
}

// Two govc sessions log in at once and both wait on their own default property collector.
func TestGovcTwoSessionsAtOnce(t *testing.T) {
	t.Parallel()
	g := newGovcEnv(t, Options{TimeScale: testScale})
	g.run("vm.clone", "-vm", "/DC0/vm/Templates/ubuntu-22.04", "-pool", "DC0_C0/Resources", "-on=false", "-link", "-snapshot", "base", "s-a")
	g.run("vm.clone", "-vm", "/DC0/vm/Templates/ubuntu-22.04", "-pool", "DC0_C0/Resources", "-on=false", "-link", "-snapshot", "base", "s-b")

	type result struct {
		out  string
		err  error
		name string
	}
	results := make(chan result, 2)
	ctx, cancel := context.WithTimeout(g.ctx, 30*time.Second)
	defer cancel()
	for _, name := range []string{"s-a", "s-b"} {
		home := t.TempDir()
		// each process logs in (its own session, persisted in its own HOME) and waits for the power state to change
		login := g.cmd(ctx, home, "session.login")
		login.Env = append(login.Env, "GOVC_PERSIST_SESSION=true")
		if out, err := login.CombinedOutput(); err != nil {
			t.Fatalf("session.login: %v %s", err, out)
		}
		wait := g.cmd(ctx, home, "object.collect", "-n", "1", "-s", "/DC0/vm/"+name, "runtime.powerState")
		wait.Env = append(wait.Env, "GOVC_PERSIST_SESSION=true")
		go func(name string, c *exec.Cmd) {
			out, err := c.CombinedOutput()
			results <- result{string(out), err, name}
		}(name, wait)
	}
	if !waitFor(10*time.Second, func() bool { return len(g.s.sessions()) >= 3 }) {
		t.Fatalf("sessions: %d, want the test's and two govc sessions", len(g.s.sessions()))
	}
	time.Sleep(300 * time.Millisecond) // both are waiting now
	g.run("vm.power", "-on", "s-a", "s-b")
	for i := 0; i < 2; i++ {
		r := <-results
		if r.err != nil || !strings.Contains(r.out, "poweredOn") {
			t.Errorf("%s: object.collect -n 1: %v %q", r.name, r.err, r.out)
		}
	}
}
