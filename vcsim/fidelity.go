package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
)

// vCenter 8.0 Update 3, as ServiceContent.about and /sdk/vimServiceVersions.xml present it.
const (
	vcVersion    = "8.0.3"
	vcBuild      = "24022515"
	vcAPIVersion = "8.0.3.0"
)

// priorAPIVersions are the older vim25 versions vCenter 8.0 U3 still accepts, newest first.
var priorAPIVersions = []string{"8.0.2.0", "8.0.1.0", "8.0.0.2", "8.0.0.1", "8.0.0.0", "7.0.3.2", "7.0.3.1",
	"7.0.3.0", "7.0.2.1", "7.0.2.0", "7.0.1.1", "7.0.1.0", "7.0.0.2", "7.0.0.1", "7.0.0.0", "6.9.1", "6.8.7",
	"6.7.3", "6.7.2", "6.7.1", "6.7", "6.6", "6.5", "6.0", "5.5", "5.1", "5.0"}

// presentAsVCenter8 makes ServiceContent.about say vCenter 8.0 U3 (vcsim says 6.5, which
// predates InstantClone_Task) and serves the matching vimServiceVersions.xml.
func (s *Sim) presentAsVCenter8() {
	si, ok := s.reg.Get(vim25.ServiceInstance).(*simulator.ServiceInstance)
	if !ok {
		return
	}
	ctx := s.bgContext()
	ctx.WithLock(si, func() {
		a := &si.Content.About
		a.Version = vcVersion
		a.Build = vcBuild
		a.FullName = fmt.Sprintf("VMware vCenter Server %s build-%s", vcVersion, vcBuild)
		a.ApiVersion = vcAPIVersion
		a.LicenseProductVersion = "8.0"
	})
}

func serveVimServiceVersions(w http.ResponseWriter, _ *http.Request) {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString("<namespaces version=\"1.0\">\n <namespace>\n  <name>urn:vim25</name>\n")
	fmt.Fprintf(&b, "  <version>%s</version>\n  <priorVersions>\n", vcAPIVersion)
	for _, v := range priorAPIVersions {
		fmt.Fprintf(&b, "   <version>%s</version>\n", v)
	}
	b.WriteString("  </priorVersions>\n </namespace>\n</namespaces>\n")
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte(b.String()))
}

// withExitCodes adds <exitCode>0</exitCode> to every ended process of a ListProcessesInGuest
// answer: govmomi's GuestProcessInfo omits a zero exit code, vCenter sends it. exitCode is the
// last element of GuestProcessInfo, so an ended process without it has </endTime></returnval>.
func withExitCodes(body []byte) []byte {
	return bytes.ReplaceAll(body, []byte("</endTime></returnval>"), []byte("</endTime><exitCode>0</exitCode></returnval>"))
}

// processStartDelay is the guest's process start cost in simulated seconds: knob
// processStartSeconds, a fixed "S" or a triangular spread "MIN:MODE:MAX". Default: nothing on
// Linux; on Windows 2:7:21 (mean 10 s), like the seed's 3.0–22.4 s (mean 11.2 s) active
// discovery on Windows 2016, where headless processes start at low priority.
func processStartDelay(k Knobs) float64 {
	spec := k.ProcessStartSeconds
	if spec == "" && k.OS == "windows" {
		spec = defaultWindowsProcessStart
	}
	lo, mode, hi, ok := parseSpread(spec)
	if !ok {
		return 0
	}
	return triangular(lo, mode, hi, rand.Float64())
}

const defaultWindowsProcessStart = "2:7:21"

// parseSpread reads "S" or "MIN:MODE:MAX" (all >= 0, MIN <= MODE <= MAX).
func parseSpread(spec string) (lo, mode, hi float64, ok bool) {
	parts := strings.Split(strings.TrimSpace(spec), ":")
	var v []float64
	for _, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || f < 0 {
			return 0, 0, 0, false
		}
		v = append(v, f)
	}
	switch {
	case len(v) == 1:
		return v[0], v[0], v[0], true
	case len(v) == 3 && v[0] <= v[1] && v[1] <= v[2]:
		return v[0], v[1], v[2], true
	}
	return 0, 0, 0, false
}

// triangular maps u in [0,1) to the triangular distribution (lo, mode, hi).
func triangular(lo, mode, hi, u float64) float64 {
	if hi <= lo {
		return lo
	}
	f := (mode - lo) / (hi - lo)
	if u < f {
		return lo + math.Sqrt(u*(hi-lo)*(mode-lo))
	}
	return hi - math.Sqrt((1-u)*(hi-lo)*(hi-mode))
}
