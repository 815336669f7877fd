package main

import (
	"encoding/json"
	"net/http"
	"strings"
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

// serveControl is the JSON control API under /testvm-sim/ (no authentication).
func (s *Sim) serveControl(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/testvm-sim"), "/")
	switch {
	case p == "" && r.Method == http.MethodGet:
		writeJSON(w, map[string]any{"endpoints": []string{
			"GET /testvm-sim/vms", "DELETE /testvm-sim/vms/{moRef}",
			"GET|POST|DELETE /testvm-sim/faults", "DELETE /testvm-sim/faults/{id}",
			"POST /testvm-sim/sessions/expire", "GET /testvm-sim/sessions",
			"POST /testvm-sim/unreachable?on=true|false[&mode=503|drop]",
			"GET|DELETE /testvm-sim/stats", "POST /testvm-sim/templates",
			"GET /testvm-sim/hosts", "POST /testvm-sim/hosts/{name}?mode=ok|refused|blackhole&certificate=swapped|reported",
		}})
	case p == "/vms" && r.Method == http.MethodGet:
		writeJSON(w, s.vmInfos())
	case strings.HasPrefix(p, "/vms/") && r.Method == http.MethodDelete:
		ref := types.ManagedObjectReference{Type: "VirtualMachine", Value: strings.TrimPrefix(p, "/vms/")}
		if err := s.destroyNow(ref); err != nil {
			httpError(w, http.StatusNotFound, "%v", err)
			return
		}
		writeJSON(w, map[string]any{"destroyed": ref.Value})
	case p == "/faults" && r.Method == http.MethodGet:
		writeJSON(w, s.rules.list())
	case p == "/faults" && r.Method == http.MethodPost:
		var rule Rule
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rule); err != nil {
			httpError(w, http.StatusBadRequest, "bad rule: %v", err)
			return
		}
		added, err := s.rules.add(rule)
		if err != nil {
			httpError(w, http.StatusBadRequest, "%v", err)
			return
		}
		writeJSON(w, added)
	case p == "/faults" && r.Method == http.MethodDelete:
		s.rules.clear()
		writeJSON(w, map[string]any{"cleared": true})
	case strings.HasPrefix(p, "/faults/") && r.Method == http.MethodDelete:
		if !s.rules.remove(strings.TrimPrefix(p, "/faults/")) {
			httpError(w, http.StatusNotFound, "no such rule")
			return
		}
		writeJSON(w, map[string]any{"removed": true})
	case p == "/sessions" && r.Method == http.MethodGet:
		writeJSON(w, s.sessions())
	case p == "/sessions/expire" && r.Method == http.MethodPost:
		writeJSON(w, map[string]any{"expired": s.expireSessions()})
	case p == "/unreachable" && r.Method == http.MethodPost:
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
	case p == "/hosts" && r.Method == http.MethodGet:
		writeJSON(w, s.hostInfos())
	case strings.HasPrefix(p, "/hosts/") && r.Method == http.MethodPost:
		s.serveHostControl(w, r, strings.TrimPrefix(p, "/hosts/"))
	case p == "/templates" && r.Method == http.MethodPost:
		s.serveAddTemplate(w, r)
	case p == "/stats" && r.Method == http.MethodGet:
		writeJSON(w, s.stats.snapshot(len(s.sessions())))
	case p == "/stats" && r.Method == http.MethodDelete:
		s.stats.reset()
		writeJSON(w, map[string]any{"reset": true})
	default:
		httpError(w, http.StatusNotFound, "unknown control endpoint %s %s", r.Method, r.URL.Path)
	}
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
