package main

import (
	"errors"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/vmware/govmomi/vim25/types"
)

// Finished processes stay listed this long (as in vSphere).
const procRetention = 5 * time.Minute

type guestProc struct {
	pid      int64
	name     string
	owner    string
	cmdLine  string
	start    time.Time
	end      *time.Time
	exitCode int32
	cmd      *exec.Cmd
}

// procTable is one guest's process list.
type procTable struct {
	mu    sync.Mutex
	next  int64
	procs map[int64]*guestProc
}

func newProcTable() *procTable {
	return &procTable{next: 4100, procs: make(map[int64]*guestProc)}
}

// start runs gc asynchronously with the host's /bin/sh.
func (t *procTable) start(gc *guestCommand, owner, dir string, env []string) (int64, error) {
	cmd := exec.Command("/bin/sh", "-c", gc.shell)
	cmd.Dir = dir
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	t.next += 1 + int64(time.Now().UnixNano()%7)
	p := &guestProc{pid: t.next, name: gc.name, owner: owner, cmdLine: gc.cmdLine, start: time.Now(), cmd: cmd}
	t.procs[p.pid] = p
	go func() {
		err := cmd.Wait()
		code := int32(0)
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				code = 128 + int32(ws.Signal())
			} else {
				code = int32(ee.ExitCode())
			}
		} else if err != nil {
			code = 1
		}
		now := time.Now()
		t.mu.Lock()
		p.end, p.exitCode = &now, code
		t.mu.Unlock()
	}()
	return p.pid, nil
}

// list returns the processes with the given pids (all if none), dropping expired ones.
func (t *procTable) list(pids []int64) []types.GuestProcessInfo {
	t.mu.Lock()
	defer t.mu.Unlock()
	for pid, p := range t.procs {
		if p.end != nil && time.Since(*p.end) > procRetention {
			delete(t.procs, pid)
		}
	}
	info := func(p *guestProc) types.GuestProcessInfo {
		gi := types.GuestProcessInfo{Name: p.name, Pid: p.pid, Owner: p.owner, CmdLine: p.cmdLine, StartTime: p.start}
		if p.end != nil {
			end := *p.end
			gi.EndTime = &end
			gi.ExitCode = p.exitCode // omitted on the wire when 0, like vSphere
		}
		return gi
	}
	var out []types.GuestProcessInfo
	if len(pids) == 0 {
		for _, p := range t.procs {
			out = append(out, info(p))
		}
		return out
	}
	for _, pid := range pids {
		if p, ok := t.procs[pid]; ok {
			out = append(out, info(p))
		}
	}
	return out
}

// running counts the processes that have not ended.
func (t *procTable) running() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, p := range t.procs {
		if p.end == nil {
			n++
		}
	}
	return n
}

// terminate kills a running process; false if there is no such process.
func (t *procTable) terminate(pid int64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	p, ok := t.procs[pid]
	if !ok {
		return false
	}
	if p.end == nil && p.cmd.Process != nil {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	}
	return true
}

// killAll kills every running process (power-off, destroy, shutdown).
func (t *procTable) killAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, p := range t.procs {
		if p.end == nil && p.cmd.Process != nil {
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		}
	}
}

// reset kills every process and forgets them (the guest powered off).
func (t *procTable) reset() {
	t.killAll()
	t.mu.Lock()
	t.procs = make(map[int64]*guestProc)
	t.mu.Unlock()
}
