package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vmware/govmomi/vim25/types"
)

func testFS() *guestFS {
	return &guestFS{dir: "/s", tmp: "/s/tmp", home: "/s/home", other: "/s/fs", state: "/s/state"}
}

func TestCmdArgument(t *testing.T) {
	for in, want := range map[string]string{
		`/c "ipconfig > C:\Windows\TEMP\x.out 2>&1"`: `ipconfig > C:\Windows\TEMP\x.out 2>&1`,
		`/S /C "echo hi"`: `echo hi`,
		`/c ipconfig`:     `ipconfig`,
	} {
		if got, ok := cmdArgument(in); !ok || got != want {
			t.Errorf("cmdArgument(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := cmdArgument(`echo`); ok {
		t.Error("no /c accepted")
	}
}

func TestTranslateCmd(t *testing.T) {
	g := testFS()
	got := translateCmd(g, "/bin", "testvm", `ipconfig > C:\Windows\TEMP\TestVM-1.out 2>&1 & type %TEMP%\a.txt && del c:\windows\temp\b > nul`)
	want := `ipconfig > /s/tmp/testvm-1.out 2>&1 ; cat /s/tmp/a.txt && rm -f /s/tmp/b >/dev/null`
	if got != want {
		t.Errorf("translateCmd:\n got %s\nwant %s", got, want)
	}
}

func TestMapLinuxArgs(t *testing.T) {
	g := testFS()
	got := mapLinuxArgs(g, "/fake", `-c '(/sbin/ip a | grep x) > /tmp/testvm-x.out 2>&1; cat /var/tmp/y; echo /tmpfoo /usr/tmp/z'`)
	want := `-c '(/fake/ip a | grep x) > /s/tmp/testvm-x.out 2>&1; cat /s/tmp/y; echo /tmpfoo /usr/tmp/z'`
	if got != want {
		t.Errorf("mapLinuxArgs:\n got %s\nwant %s", got, want)
	}
}

func TestHostPath(t *testing.T) {
	g := testFS()
	cases := []struct {
		in      string
		windows bool
		want    string
	}{
		{"/tmp/a.out", false, "/s/tmp/a.out"},
		{"/home/testvm/x", false, "/s/home/x"},
		{"/etc/passwd", false, "/s/fs/etc/passwd"},
		{"/tmp/../../etc/passwd", false, "/s/fs/etc/passwd"},
		{`C:\Windows\Temp\A.OUT`, true, "/s/tmp/a.out"},
		{`%TEMP%\b.txt`, true, "/s/tmp/b.txt"},
		{`C:\Users\TestVM\Desktop\c`, true, "/s/home/desktop/c"},
		{`D:\data\..\..\x`, true, "/s/fs/d/x"},
	}
	for _, c := range cases {
		got, err := g.hostPath(c.in, c.windows, "testvm")
		if err != nil || got != c.want {
			t.Errorf("hostPath(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if _, err := g.hostPath("relative", false, "testvm"); err == nil {
		t.Error("relative path accepted")
	}
}

func TestRenderShapes(t *testing.T) {
	st := &vmState{index: 3, phase: phaseReal, knobs: defaultKnobs(), nics: []nicInfo{{network: "VM Network", mac: "00:50:56:80:00:03"}}}
	out := st.renderIPAddr("", true)
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "inet 10.77.0.5/24") {
			// cut -b10- | cut -d/ -f1 must give the bare address
			if got := strings.SplitN(line[9:], "/", 2)[0]; got != "10.77.0.5" {
				t.Errorf("cut -b10- gives %q from %q", got, line)
			}
			return
		}
	}
	t.Errorf("no global inet line in:\n%s", out)
}

func TestRenderBeforeIP(t *testing.T) {
	st := &vmState{index: 3, phase: phaseNone, knobs: defaultKnobs(), nics: []nicInfo{{mac: "00:50:56:80:00:03"}}}
	if out := st.renderIPAddr("", true); out != "" {
		t.Errorf("scope global before D:\n%s", out)
	}
	st.knobs.OS = "windows"
	if out := st.renderIPConfig(false); strings.Contains(out, "IPv4") {
		t.Errorf("ipconfig before D:\n%s", out)
	}
}

func TestKnobs(t *testing.T) {
	k := parseKnobs([]types.BaseOptionValue{
		&types.OptionValue{Key: "testvm.sim.os", Value: "windows"},
		&types.OptionValue{Key: "testvm.sim.ipSeconds", Value: "3.5"},
		&types.OptionValue{Key: "testvm.sim.cloneSeconds.full", Value: "bad"},
		&types.OptionValue{Key: "testvm.sim.ipFamily", Value: "dual"},
	})
	if k.OS != "windows" || k.IPSeconds != 3.5 || k.CloneFullSeconds != 10 || k.IPFamily != "dual" || k.ToolsPollSeconds != 30 {
		t.Errorf("knobs %+v", k)
	}
	// Every knob by its key: a good value lands in its own field, a malformed one keeps the default.
	keys := []string{"toolsSeconds", "ipSeconds", "apipaSeconds", "toolsPollSeconds", "cloneSeconds.full",
		"cloneSeconds.linked", "cloneSeconds.instant", "instantIpSeconds", "powerOnSeconds", "vcPropagationSeconds"}
	var good, bad []types.BaseOptionValue
	for i, key := range keys {
		good = append(good, &types.OptionValue{Key: knobPrefix + key, Value: fmt.Sprintf(" %d.25 ", 100+i)})
		bad = append(bad, &types.OptionValue{Key: knobPrefix + key, Value: "-1"})
	}
	for key, v := range map[string]string{"os": "linux", "guestUser": "u", "guestPassword": "p", "ipFamily": "ipv6",
		"nics": "2", "processStartSeconds": "1:2:3"} {
		good = append(good, &types.OptionValue{Key: knobPrefix + key, Value: v})
	}
	for key, v := range map[string]string{"os": "beos", "ipFamily": "ipx", "nics": "-1", "processStartSeconds": "3:2:1"} {
		bad = append(bad, &types.OptionValue{Key: knobPrefix + key, Value: v})
	}
	want := Knobs{OS: "linux", ToolsSeconds: 100.25, IPSeconds: 101.25, APIPASeconds: 102.25, ToolsPollSeconds: 103.25,
		GuestUser: "u", GuestPassword: "p", IPFamily: "ipv6", NICs: 2, CloneFullSeconds: 104.25, CloneLinkedSeconds: 105.25,
		CloneInstantSeconds: 106.25, InstantIPSeconds: 107.25, PowerOnSeconds: 108.25, VCPropagationSeconds: 109.25,
		ProcessStartSeconds: "1:2:3"}
	if k := parseKnobs(good); k != want {
		t.Errorf("every knob:\n got %+v\nwant %+v", k, want)
	}
	if k := parseKnobs(bad); k != defaultKnobs() {
		t.Errorf("malformed knobs:\n got %+v\nwant %+v", k, defaultKnobs())
	}
	merged := mergeExtraConfig(
		[]types.BaseOptionValue{&types.OptionValue{Key: "a", Value: "1"}, &types.OptionValue{Key: "govcsim", Value: "TRUE"}},
		[]types.BaseOptionValue{&types.OptionValue{Key: "a", Value: "2"}, &types.OptionValue{Key: "b", Value: "3"}})
	if len(merged) != 2 || extraConfigValue(merged, "a") != "2" || extraConfigValue(merged, "b") != "3" {
		t.Errorf("merge %v", merged)
	}
}
