package main

import (
	"strings"
	"testing"
	"time"
)

func TestAddTemplateWithKnobs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	code, body := e.control("POST", "/templates",
		`{"name":"win-slow-dhcp","from":"windows-2016","knobs":{"toolsSeconds":"10","ipSeconds":"60"},"networks":["VM Network","DC0_DVPG0"]}`)
	if code != 200 || !strings.Contains(body, `"path": "Templates/win-slow-dhcp"`) {
		t.Fatalf("add: %d %s", code, body)
	}
	if code, body := e.control("POST", "/templates", `{"name":"win-slow-dhcp"}`); code != 409 {
		t.Errorf("duplicate: %d %s", code, body)
	}
	if code, _ := e.control("POST", "/templates", `{"name":"x","from":"nope"}`); code != 400 {
		t.Errorf("unknown from: %d", code)
	}
	if code, _ := e.control("POST", "/templates", `{"name":"../x"}`); code != 400 {
		t.Errorf("bad name: %d", code)
	}

	src := e.vm("Templates/win-slow-dhcp")
	if e.currentSnapshot(src) == nil {
		t.Fatal("copied definition lost its snapshot")
	}
	vm := e.clone(src, "ci-slow", e.cloneSpec(src, true, nil))
	e.powerOn(vm)
	// Tools at 10 s (0.2 s scaled), IP only at 60 s (1.2 s scaled).
	i := e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return i.ToolsRunning })
	if i.OS != "windows" || i.IPAssignedAt != 0 || len(i.IPs) != 2 {
		t.Errorf("after Tools start: %+v", i)
	}
	i = e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return i.IPAssignedAt != 0 })
	if d := time.Duration(i.IPAssignedAt-i.ToolsRunningAt) * time.Millisecond; d < e.s.scaled(45) {
		t.Errorf("IP %v after Tools, want about %v", d, e.s.scaled(50))
	}

	// poweredOn: a running VM, usable as an instant-clone source.
	if code, body := e.control("POST", "/templates", `{"name":"linux-running","poweredOn":true}`); code != 200 {
		t.Fatalf("add powered-on: %d %s", code, body)
	}
	running := e.info(e.vm("Templates/linux-running"))
	if running.Template || running.PowerState != "poweredOn" {
		t.Errorf("powered-on source: %+v", running)
	}
}
