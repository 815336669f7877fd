package main

import (
	"context"
	"crypto/tls"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmware/govmomi/guest"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/vim25/types"
)

// rawSOAP posts a SOAP body (the element inside soapenv:Body) with this session's cookie.
func (e *env) rawSOAP(inner string) (int, string) {
	e.t.Helper()
	env := `<?xml version="1.0" encoding="UTF-8"?>` +
		`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ` +
		`xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<soapenv:Body>` + inner + `</soapenv:Body></soapenv:Envelope>`
	return e.rawPost(env)
}

func (e *env) rawPost(envelope string) (int, string) {
	e.t.Helper()
	u, _ := url.Parse(e.s.URL())
	req, _ := http.NewRequest("POST", u.String(), strings.NewReader(envelope))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", "urn:vim25/8.0.3.0")
	for _, c := range e.c.Client.Jar.Cookies(u) {
		req.AddCookie(c)
	}
	code, _, body := e.send(req)
	return code, body
}

func TestAboutIsVCenter8(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	about := e.c.ServiceContent.About
	if about.ApiVersion != "8.0.3.0" || about.Version != "8.0.3" || about.ApiType != "VirtualCenter" {
		t.Errorf("about = %+v", about)
	}
	resp, err := http.Get(strings.Replace(e.s.URL(), "https://", "http://", 1) + "/vimServiceVersions.xml")
	if err == nil {
		resp.Body.Close()
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err = hc.Get(e.s.URL() + "/vimServiceVersions.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Namespace []struct {
			Name    string   `xml:"name"`
			Version string   `xml:"version"`
			Prior   []string `xml:"priorVersions>version"`
		} `xml:"namespace"`
	}
	if err := xml.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Namespace) != 1 || doc.Namespace[0].Name != "urn:vim25" || doc.Namespace[0].Version != "8.0.3.0" ||
		!contains(doc.Namespace[0].Prior, "6.7") || !contains(doc.Namespace[0].Prior, "8.0.2.0") {
		t.Errorf("vimServiceVersions.xml = %+v", doc)
	}
}

// vCenter sends exitCode for every ended process, 0 included (govmomi's type would omit it).
func TestExitCodeZeroOnTheWire(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.vm("Templates/ubuntu-22.04")
	vm := e.clone(src, "exit0", e.cloneSpec(src, true, nil))
	e.powerOn(vm)
	e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return i.ToolsRunning })
	if code := e.run(vm, defaultAuth, "/bin/sh", "-c true"); code != 0 {
		t.Fatalf("exit %d", code)
	}
	pm, _ := guest.NewOperationsManager(e.c.Client, vm.Reference()).ProcessManager(e.ctx)
	pid, err := pm.StartProgram(e.ctx, defaultAuth, &types.GuestProgramSpec{ProgramPath: "/bin/sh", Arguments: "-c 'sleep 30'"})
	if err != nil {
		t.Fatal(err)
	}
	code, body := e.rawSOAP(fmt.Sprintf(`<ListProcessesInGuest xmlns="urn:vim25"><_this type="GuestProcessManager">%s</_this>`+
		`<vm type="VirtualMachine">%s</vm><auth xsi:type="NamePasswordAuthentication"><interactiveSession>false</interactiveSession>`+
		`<username>testvm</username><password>testvm-guest-pw</password></auth></ListProcessesInGuest>`,
		pm.Reference().Value, vm.Reference().Value))
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	ended := strings.Count(body, "</endTime>")
	if ended < 1 || strings.Count(body, "<exitCode>") != ended || !strings.Contains(body, "<exitCode>0</exitCode>") {
		t.Errorf("%d ended processes, %d exitCodes: %s", ended, strings.Count(body, "<exitCode>"), body)
	}
	if strings.Contains(body, fmt.Sprintf("<pid>%d</pid><owner>testvm</owner><cmdLine>&#34;/bin/sh&#34; -c &#39;sleep 30&#39;</cmdLine><startTime>", pid)) &&
		strings.Count(body, "<exitCode>") > ended {
		t.Error("a running process has an exitCode")
	}
	_ = pm.TerminateProcess(e.ctx, defaultAuth, pid)
}

// Each session's default property collector is its own: two sessions waiting at once both get their updates.
func TestTwoSessionsWaitOnDefaultCollectors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c2 := e.login("other", "pass")
	src := e.vm("Templates/ubuntu-22.04")
	a := e.clone(src, "pc-a", e.cloneSpec(src, true, nil))
	b := e.clone(src, "pc-b", e.cloneSpec(src, true, nil))

	type seen struct {
		mu    sync.Mutex
		power []string
	}
	watch := func(pc *property.Collector, vm *object.VirtualMachine, out *seen) context.CancelFunc {
		ctx, cancel := context.WithCancel(e.ctx)
		go func() {
			_ = property.Wait(ctx, pc, vm.Reference(), []string{"runtime.powerState"}, func(ch []types.PropertyChange) bool {
				out.mu.Lock()
				defer out.mu.Unlock()
				for _, c := range ch {
					out.power = append(out.power, fmt.Sprint(c.Val))
				}
				return false
			})
		}()
		return cancel
	}
	var sa, sb seen
	defer watch(property.DefaultCollector(e.c.Client), a, &sa)()
	defer watch(property.DefaultCollector(c2.Client), b, &sb)()
	time.Sleep(200 * time.Millisecond)
	e.powerOn(b)
	e.powerOn(a)
	last := func(s *seen) string {
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(s.power) == 0 {
			return ""
		}
		return s.power[len(s.power)-1]
	}
	if !waitFor(5*time.Second, func() bool { return last(&sa) == "poweredOn" && last(&sb) == "poweredOn" }) {
		t.Fatalf("session 1 saw %v, session 2 saw %v", sa.power, sb.power)
	}
}

// At Tools start the guest has no IP yet: vCenter has no guest.ipAddress then, never "".
func TestNoEmptyIPAddressAtToolsStart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.vm("Templates/ubuntu-22.04")
	vm := e.clone(src, "noempty", e.cloneSpec(src, true, map[string]string{knobPrefix + "toolsPollSeconds": "5"}))
	var mu sync.Mutex
	var ips []any
	done := make(chan error, 1)
	go func() {
		done <- property.Wait(e.ctx, property.DefaultCollector(e.c.Client), vm.Reference(),
			[]string{"guest.ipAddress", "guest.toolsRunningStatus"}, func(ch []types.PropertyChange) bool {
				mu.Lock()
				defer mu.Unlock()
				for _, c := range ch {
					if c.Name == "guest.ipAddress" {
						ips = append(ips, c.Val)
						if s, ok := c.Val.(string); ok && s != "" {
							return true
						}
					}
				}
				return false
			})
	}()
	time.Sleep(100 * time.Millisecond)
	e.powerOn(vm)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("guest.ipAddress never published")
	}
	mu.Lock()
	defer mu.Unlock()
	for _, v := range ips {
		if s, ok := v.(string); ok && s == "" {
			t.Errorf("guest.ipAddress published as an empty string: %#v", ips)
		}
	}
}

// moveChildMostDiskBacking from a VM with a disk chain copies only the child-most delta: linked timing.
func TestMoveChildMostDiskBackingTimedAsLinked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct{ name, from, want string }{{"slowfull-snap", "ubuntu-22.04", "linked"}, {"slowfull-flat", "no-snapshot", "full"}} {
		if code, body := e.control("POST", "/templates", `{"name":"`+tc.name+`","from":"`+tc.from+`","knobs":{"cloneSeconds.full":"100"}}`); code != 200 {
			t.Fatalf("%d %s", code, body)
		}
		src := e.vm("Templates/" + tc.name)
		spec := e.cloneSpec(src, false, nil)
		spec.Location.DiskMoveType = childMostMove
		start := time.Now()
		vm := e.clone(src, "cm-"+tc.name, spec)
		took := time.Since(start)
		if got := e.info(vm).CloneType; got != tc.want {
			t.Errorf("%s: cloneType %q, want %q", tc.name, got, tc.want)
		}
		if tc.want == "linked" && took > 1500*time.Millisecond {
			t.Errorf("%s: moveChildMost clone took %v (full clone time)", tc.name, took)
		}
		if tc.want == "full" && took < 1900*time.Millisecond {
			t.Errorf("%s: flat source cloned in %v, want the full clone time", tc.name, took)
		}
	}
}

func TestProcessStartCost(t *testing.T) {
	// The default Windows spread: within 2..21 s, mean near 10 s.
	k := defaultKnobs()
	k.OS = "windows"
	sum, lo, hi := 0.0, 100.0, 0.0
	const n = 20000
	for i := 0; i < n; i++ {
		d := processStartDelay(k)
		sum += d
		lo, hi = min(lo, d), max(hi, d)
	}
	if mean := sum / n; mean < 9.5 || mean > 10.5 || lo < 2 || hi > 21 || hi < 15 {
		t.Errorf("windows default: mean %.2f, min %.2f, max %.2f", mean, lo, hi)
	}
	if d := processStartDelay(defaultKnobs()); d != 0 {
		t.Errorf("linux default %v, want 0", d)
	}
	for _, bad := range []string{"x", "3:1:2", "-1", "1:2"} {
		if _, _, _, ok := parseSpread(bad); ok {
			t.Errorf("parseSpread(%q) accepted", bad)
		}
	}

	t.Run("guest", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		src := e.vm("Templates/windows-2016")
		vm := e.clone(src, "win-slow", e.cloneSpec(src, true, map[string]string{knobPrefix + "processStartSeconds": "50"}))
		e.powerOn(vm)
		e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return i.ToolsRunning })
		start := time.Now()
		if code := e.run(vm, defaultAuth, `C:\Windows\System32\cmd.exe`, `/c "ipconfig > NUL"`); code != 0 {
			t.Fatalf("exit %d", code)
		}
		if took := time.Since(start); took < time.Second {
			t.Errorf("Windows process with a 50 s (1 s scaled) start cost ended after %v", took)
		}
	})
}
