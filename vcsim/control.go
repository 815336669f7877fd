package main

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// VMInfo is one entry of GET /testvm-sim/vms. Times are epoch milliseconds (0 = not yet).
type VMInfo struct {
	Name           string   `json:"name"`
	MoRef          string   `json:"moRef"`
	InstanceUUID   string   `json:"instanceUuid"`
	UUID           string   `json:"uuid"`
	UID            string   `json:"uid"`
	Template       bool     `json:"template"`
	PowerState     string   `json:"powerState"`
	OS             string   `json:"os"`
	CloneType      string   `json:"cloneType"`
	CreatedAt      int64    `json:"createdAt"`
	PoweredOnAt    int64    `json:"poweredOnAt"`
	ToolsRunningAt int64    `json:"toolsRunningAt"`
	IPAssignedAt   int64    `json:"ipAssignedAt"`
	IPPublishedAt  int64    `json:"ipPublishedAt"`
	ToolsRunning   bool     `json:"toolsRunning"`
	IPs            []string `json:"ips"`         // the addresses this guest gets (stable across reboots)
	GuestIPs       []string `json:"guestIps"`    // addresses inside the guest now
	PublishedIP    string   `json:"publishedIp"` // guest.ipAddress as last published by Tools
}

// controlEndpoint is one request of the JSON control API under /testvm-sim/ (no authentication).
type controlEndpoint struct {
	pattern string // net/http ServeMux pattern: method and path
	query   string // query parameters it reads, for the index ("" = none)
	serve   func(*Sim, http.ResponseWriter, *http.Request)
}

// controlEndpoints is the whole control API. Each is its own ServeMux pattern, so the mux
// answers a wrong method with 405 (and Allow) and an unknown path with 404.
var controlEndpoints = []controlEndpoint{
	{"GET /testvm-sim/vms", "", func(s *Sim, w http.ResponseWriter, _ *http.Request) { writeJSON(w, s.vmInfos()) }},
	{"DELETE /testvm-sim/vms/{moRef}", "", (*Sim).serveDestroyVM},
	{"GET /testvm-sim/faults", "", func(s *Sim, w http.ResponseWriter, _ *http.Request) { writeJSON(w, s.rules.list()) }},
	{"POST /testvm-sim/faults", "", (*Sim).serveAddRule},
	{"DELETE /testvm-sim/faults", "", func(s *Sim, w http.ResponseWriter, _ *http.Request) {
		s.rules.clear()
		writeJSON(w, map[string]any{"cleared": true})
	}},
	{"DELETE /testvm-sim/faults/{id}", "", (*Sim).serveRemoveRule},
	{"GET /testvm-sim/sessions", "", func(s *Sim, w http.ResponseWriter, _ *http.Request) { writeJSON(w, s.sessions()) }},
	{"POST /testvm-sim/sessions/expire", "", func(s *Sim, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{"expired": s.expireSessions()})
	}},
	{"POST /testvm-sim/unreachable", "on=true|false[&mode=503|drop]", (*Sim).serveUnreachable},
	{"GET /testvm-sim/hosts", "", func(s *Sim, w http.ResponseWriter, _ *http.Request) { writeJSON(w, s.hostInfos()) }},
	{"POST /testvm-sim/hosts/{name}", "mode=ok|refused|blackhole&certificate=swapped|reported", (*Sim).serveHostControl},
	{"POST /testvm-sim/templates", "", (*Sim).serveAddTemplate},
	{"GET /testvm-sim/stats", "", func(s *Sim, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, s.stats.snapshot(len(s.sessions())))
	}},
	{"DELETE /testvm-sim/stats", "", func(s *Sim, w http.ResponseWriter, _ *http.Request) {
		s.stats.reset()
		writeJSON(w, map[string]any{"reset": true})
	}},
}

// registerControl puts every control endpoint, and GET /testvm-sim/ listing them, on mux.
func (s *Sim) registerControl(mux *http.ServeMux) {
	mux.HandleFunc("GET /testvm-sim/{$}", s.serveControlIndex)
	for _, e := range controlEndpoints {
		serve := e.serve
		mux.HandleFunc(e.pattern, func(w http.ResponseWriter, r *http.Request) { serve(s, w, r) })
	}
}

// serveControlIndex lists the endpoints (GET /testvm-sim/).
func (s *Sim) serveControlIndex(w http.ResponseWriter, _ *http.Request) {
	var list []string
	for _, e := range controlEndpoints {
		if e.query != "" {
			list = append(list, e.pattern+"?"+e.query)
		} else {
			list = append(list, e.pattern)
		}
	}
	writeJSON(w, map[string]any{"endpoints": list})
}

// serveDestroyVM: DELETE /testvm-sim/vms/{moRef} powers the VM off and destroys it out of band.
func (s *Sim) serveDestroyVM(w http.ResponseWriter, r *http.Request) {
	ref := types.ManagedObjectReference{Type: "VirtualMachine", Value: r.PathValue("moRef")}
	if err := s.destroyNow(ref); err != nil {
		httpError(w, http.StatusNotFound, "%v", err)
		return
	}
	writeJSON(w, map[string]any{"destroyed": ref.Value})
}

// serveAddRule: POST /testvm-sim/faults with a Rule; answers the rule with its id.
func (s *Sim) serveAddRule(w http.ResponseWriter, r *http.Request) {
	var rule Rule
	if !readJSON(w, r, &rule, "rule") {
		return
	}
	added, err := s.rules.add(rule)
	if err != nil {
		httpError(w, http.StatusBadRequest, "%v", err)
		return
	}
	writeJSON(w, added)
}

// serveRemoveRule: DELETE /testvm-sim/faults/{id}.
func (s *Sim) serveRemoveRule(w http.ResponseWriter, r *http.Request) {
	if !s.rules.remove(r.PathValue("id")) {
		httpError(w, http.StatusNotFound, "no such rule")
		return
	}
	writeJSON(w, map[string]any{"removed": true})
}

// serveUnreachable: POST /testvm-sim/unreachable?on=true|false[&mode=503|drop].
func (s *Sim) serveUnreachable(w http.ResponseWriter, r *http.Request) {
	on := r.URL.Query().Get("on")
	mode := r.URL.Query().Get("mode")
	switch {
	case on == "false":
		s.setUnreachable("")
	case on == "true" && (mode == "" || mode == "503"):
		s.setUnreachable("503")
	case on == "true" && mode == "drop":
		s.setUnreachable("drop")
	default:
		httpError(w, http.StatusBadRequest, "use on=true|false and optional mode=503|drop")
		return
	}
	writeJSON(w, map[string]any{"unreachable": on == "true"})
}

// readJSON decodes the request body into v, refusing unknown fields (a typo in a test's rule
// must not pass silently); false after answering 400 "bad <what>: ...".
func readJSON(w http.ResponseWriter, r *http.Request, v any, what string) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		httpError(w, http.StatusBadRequest, "bad %s: %v", what, err)
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func (s *Sim) vmInfos() []VMInfo {
	out := []VMInfo{}
	ctx := s.bgContext()
	for _, st := range s.vms.snapshot() {
		vm, ok := s.reg.Get(st.ref).(*simulator.VirtualMachine)
		if !ok {
			continue
		}
		info := VMInfo{MoRef: st.ref.Value, CloneType: st.cloneType, CreatedAt: millis(st.createdAt),
			ToolsRunning: st.toolsRunning, PublishedIP: st.publishedIP, GuestIPs: []string{}}
		var k Knobs
		var nics []nicInfo
		ctx.WithLock(vm, func() {
			info.Name = vm.Name
			info.Template = vm.Config.Template
			info.InstanceUUID = vm.Config.InstanceUuid
			info.UUID = vm.Config.Uuid
			info.UID = extraConfigValue(vm.Config.ExtraConfig, UIDKey)
			info.PowerState = string(vm.Runtime.PowerState)
			k = parseKnobs(vm.Config.ExtraConfig)
			nics = s.nicsOf(vm, k)
		})
		info.OS = k.OS
		if st.poweredOn {
			info.PoweredOnAt = millis(st.poweredOnAt)
			info.ToolsRunningAt = millis(st.toolsRunningAt)
			info.IPAssignedAt = millis(st.ipAssignedAt)
			info.IPPublishedAt = millis(st.ipPublishedAt)
			if ips := st.currentIPs(); ips != nil {
				info.GuestIPs = ips
			}
		}
		st.knobs, st.nics = k, nics // local copy: the addresses the guest gets
		info.IPs = st.realIPs()
		out = append(out, info)
	}
	return out
}

// sessions lists the current vCenter sessions (vcsim's SessionManager view).
func (s *Sim) sessions() []types.UserSession {
	sm := s.reg.SessionManager()
	view := &simulator.Session{Registry: simulator.NewRegistry(), Map: s.reg}
	cp, ok := view.Get(sm.Reference()).(*simulator.SessionManager)
	if !ok {
		return nil
	}
	return cp.SessionList
}

// expireSessions terminates every session: their next call gets NotAuthenticated.
func (s *Sim) expireSessions() int {
	sm := s.reg.SessionManager()
	ctx := s.bgContext()
	n := 0
	for _, us := range s.sessions() {
		if sm.TerminateSession(ctx, &types.TerminateSession{SessionId: []string{us.Key}}).Fault() == nil {
			n++
		}
	}
	return n
}
