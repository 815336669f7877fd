package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// Guest file modes (-guest-file-mode).
const (
	// guestFilesESXi: as when connected to an ESXi host directly: transfer URLs have the host "*"
	// and the SDK endpoint itself serves /guestFile.
	guestFilesESXi = "esxi"
	// guestFilesVCenter: as through vCenter: transfer URLs name the VM's host by its inventory
	// name; each host serves /guestFile on its own listener with its own certificate.
	guestFilesVCenter = "vcenter"
)

// hostDomain never resolves (RFC 2606 .invalid), like ESXi names only a management network knows.
const hostDomain = "testvm-sim.invalid"

// esxHostDef is how a vcsim host is presented in vCenter mode.
type esxHostDef struct {
	vcsimName  string // name in vcsim's VPX model
	fqdn       string // the host's own name (certificate SAN)
	ip         string // loopback management address it listens on
	byIP       bool   // added to vCenter by IP: the inventory name is ip
	selfSigned bool   // certificate not signed by the VMCA
}

var esxHostDefs = []esxHostDef{
	{vcsimName: "DC0_C0_H0", fqdn: "esx-01." + hostDomain, ip: "127.77.0.11"},
	{vcsimName: "DC0_C0_H1", fqdn: "esx-02." + hostDomain, ip: "127.77.0.12", selfSigned: true},
	{vcsimName: "DC0_C0_H2", fqdn: "esx-03." + hostDomain, ip: "127.77.0.13", byIP: true},
	{vcsimName: "DC0_H0", fqdn: "esx-04." + hostDomain, ip: "127.77.0.14"},
}

// Host reachability (firewall between the client and the host).
const (
	hostReachable = "ok"
	hostRefused   = "refused"   // nothing listens: connection refused at once
	hostBlackHole = "blackhole" // SYNs go unanswered: connecting times out
)

// esxHost is one simulated ESXi host with its /guestFile listener.
type esxHost struct {
	s   *Sim
	ref types.ManagedObjectReference
	def esxHostDef

	mu       sync.Mutex
	reported tls.Certificate // what vCenter reports: config.certificate, summary.config.sslThumbprint
	served   tls.Certificate // what the host presents (differs after a certificate swap)
	port     int
	srv      *http.Server
	hole     *blackHole
	mode     string
}

// name is the host's inventory name: its FQDN, or its IP when added by IP.
func (h *esxHost) name() string {
	if h.def.byIP {
		return h.def.ip
	}
	return h.def.fqdn
}

// setupESXHosts renames vcsim's hosts, gives each a certificate and a listener, and reports
// them truthfully in the host properties. Runs before the SDK server accepts clients.
func (s *Sim) setupESXHosts() error {
	ca, err := newHostCA()
	if err != nil {
		return err
	}
	s.hostCA = ca
	s.esxHosts = map[types.ManagedObjectReference]*esxHost{}
	for _, def := range esxHostDefs {
		hs := s.hostNamed(def.vcsimName)
		if hs == nil {
			return fmt.Errorf("no host %s in the model", def.vcsimName)
		}
		h := &esxHost{s: s, ref: hs.Self, def: def, mode: hostReachable}
		signer := ca
		if def.selfSigned {
			signer = nil
		}
		if h.reported, err = hostCert(def.fqdn, signer); err != nil {
			return err
		}
		h.served = h.reported
		if err = h.listen(0); err != nil {
			return fmt.Errorf("host %s: listen on %s: %w", def.fqdn, def.ip, err)
		}
		s.esxHosts[h.ref] = h
		s.presentHost(hs, h)
	}
	return nil
}

// presentHost writes the host's name, certificate, thumbprint and management vmknic into vcsim's object.
func (s *Sim) presentHost(hs *simulator.HostSystem, h *esxHost) {
	ctx := s.bgContext()
	name := h.name()
	der := h.reported.Certificate[0]
	ctx.WithLock(hs, func() {
		hs.Name = name
		hs.Summary.Config.Name = name
		hs.Summary.Config.Port = int32(h.port)
		hs.Summary.Config.SslThumbprint = sha1Thumbprint(der)
		hs.Config.Certificate = types.ByteSlice(pemCert(der))
		vmk := managementVnic(h.def.ip)
		hs.Config.Network.Vnic = []types.HostVirtualNic{vmk}
		hs.Config.VirtualNicManagerInfo = &types.HostVirtualNicManagerInfo{NetConfig: []types.VirtualNicManagerNetConfig{{
			NicType:            string(types.HostVirtualNicManagerNicTypeManagement),
			MultiSelectAllowed: true,
			CandidateVnic:      []types.HostVirtualNic{withKey(vmk, "management.key-vim.host.VirtualNic-vmk0")},
			SelectedVnic:       []string{"management.key-vim.host.VirtualNic-vmk0"},
		}}}
		ctx.Update(hs, []types.PropertyChange{
			{Name: "name", Val: name},
			{Name: "summary.config", Val: hs.Summary.Config},
			{Name: "config", Val: hs.Config},
		})
	})
	// A standalone host's compute resource carries the host's name in vCenter.
	if parent, ok := s.reg.Get(*hs.Parent).(*mo.ComputeResource); ok {
		ctx.WithLock(parent, func() {
			parent.Name = name
			ctx.Update(parent, []types.PropertyChange{{Name: "name", Val: name}})
		})
	}
}

func managementVnic(ip string) types.HostVirtualNic {
	return types.HostVirtualNic{
		Device:    "vmk0",
		Key:       "key-vim.host.VirtualNic-vmk0",
		Portgroup: "Management Network",
		Spec: types.HostVirtualNicSpec{
			Ip:                  &types.HostIpConfig{IpAddress: ip, SubnetMask: "255.0.0.0"},
			Mac:                 "00:50:56:6" + ip[len(ip)-1:] + ":00:01",
			Portgroup:           "Management Network",
			Mtu:                 1500,
			NetStackInstanceKey: "defaultTcpipStack",
		},
	}
}

func withKey(n types.HostVirtualNic, key string) types.HostVirtualNic {
	n.Key = key
	return n
}

// listen starts serving /guestFile on the host's address (port 0 = pick one).
func (h *esxHost) listen(port int) error {
	ln, err := net.Listen("tcp", net.JoinHostPort(h.def.ip, fmt.Sprint(port)))
	if err != nil {
		return err
	}
	h.port = ln.Addr().(*net.TCPAddr).Port
	mux := http.NewServeMux()
	mux.HandleFunc("/guestFile", func(w http.ResponseWriter, r *http.Request) { h.s.serveGuestFileFor(w, r, h.ref) })
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          quietLog,
		TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			c := h.served
			return &c, nil
		}},
	}
	h.srv = srv
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	return nil
}

// setMode switches the host's reachability; the port stays the same.
func (h *esxHost) setMode(mode string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if mode == h.mode {
		return nil
	}
	h.stopLocked()
	var err error
	switch mode {
	case hostReachable:
		err = h.listen(h.port)
	case hostBlackHole:
		h.hole, err = newBlackHole(h.def.ip, h.port)
	case hostRefused:
		// nothing listens
	default:
		return fmt.Errorf("unknown mode %q (use %s, %s or %s)", mode, hostReachable, hostRefused, hostBlackHole)
	}
	if err != nil {
		h.mode = hostRefused
		return err
	}
	h.mode = mode
	return nil
}

func (h *esxHost) stopLocked() {
	if h.srv != nil {
		_ = h.srv.Close() // listener and every open connection: a firewall cuts those too
		h.srv = nil
	}
	if h.hole != nil {
		h.hole.close()
		h.hole = nil
	}
}

// swapCertificate makes the host present a new certificate that vCenter does not know about
// (on=true), or the one vCenter reports again (on=false).
func (h *esxHost) swapCertificate(on bool) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !on {
		h.served = h.reported
		return nil
	}
	signer := h.s.hostCA
	if h.def.selfSigned {
		signer = nil
	}
	c, err := hostCert(h.def.fqdn, signer)
	if err != nil {
		return err
	}
	h.served = c
	return nil
}

// HostInfo is one entry of GET /testvm-sim/hosts.
type HostInfo struct {
	Name             string `json:"name"` // inventory name
	MoRef            string `json:"moRef"`
	FQDN             string `json:"fqdn"`
	IP               string `json:"ip"`
	Port             int    `json:"port"`
	SelfSigned       bool   `json:"selfSigned"`
	AddedByIP        bool   `json:"addedByIp"`
	Mode             string `json:"mode"`
	CertificateSwap  bool   `json:"certificateSwapped"`
	ThumbprintSHA1   string `json:"thumbprintSha1"`   // of the certificate vCenter reports
	ThumbprintSHA256 string `json:"thumbprintSha256"` // of the certificate vCenter reports
}

func (s *Sim) hostInfos() []HostInfo {
	out := []HostInfo{}
	for _, h := range s.esxHosts {
		h.mu.Lock()
		der := h.reported.Certificate[0]
		out = append(out, HostInfo{Name: h.name(), MoRef: h.ref.Value, FQDN: h.def.fqdn, IP: h.def.ip, Port: h.port,
			SelfSigned: h.def.selfSigned, AddedByIP: h.def.byIP, Mode: h.mode,
			CertificateSwap:  &h.served.Certificate[0][0] != &der[0],
			ThumbprintSHA1:   sha1Thumbprint(der),
			ThumbprintSHA256: sha256Thumbprint(der)})
		h.mu.Unlock()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].FQDN < out[j].FQDN })
	return out
}

// esxHostByName finds a host by inventory name, FQDN, IP or moRef.
func (s *Sim) esxHostByName(key string) *esxHost {
	for _, h := range s.esxHosts {
		if key == h.name() || key == h.def.fqdn || key == h.def.ip || key == h.ref.Value {
			return h
		}
	}
	return nil
}

// serveHostControl: POST /testvm-sim/hosts/{name}?mode=ok|refused|blackhole[&certificate=swapped|reported].
func (s *Sim) serveHostControl(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("name")
	h := s.esxHostByName(key)
	if h == nil {
		httpError(w, http.StatusNotFound, "no ESXi host %q (vCenter mode only; GET /testvm-sim/hosts lists them)", key)
		return
	}
	q := r.URL.Query()
	if m := q.Get("mode"); m != "" {
		if err := h.setMode(m); err != nil {
			httpError(w, http.StatusBadRequest, "%v", err)
			return
		}
	}
	switch c := q.Get("certificate"); c {
	case "":
	case "swapped", "reported":
		if err := h.swapCertificate(c == "swapped"); err != nil {
			httpError(w, http.StatusInternalServerError, "%v", err)
			return
		}
	default:
		httpError(w, http.StatusBadRequest, "certificate must be swapped or reported")
		return
	}
	for _, hi := range s.hostInfos() {
		if hi.MoRef == h.ref.Value {
			writeJSON(w, hi)
		}
	}
}

// hostOfVM is the ESXi host a VM runs on (nil in ESXi mode or if unknown).
func (s *Sim) hostOfVM(ctx *simulator.Context, vmRef types.ManagedObjectReference) *esxHost {
	if s.esxHosts == nil {
		return nil
	}
	vm, ok := ctx.Map.Get(vmRef).(*simulator.VirtualMachine)
	if !ok {
		return nil
	}
	var host *types.ManagedObjectReference
	ctx.WithLock(vm, func() { host = vm.Runtime.Host })
	if host == nil {
		return nil
	}
	return s.esxHosts[*host]
}

// closeESXHosts stops every host listener.
func (s *Sim) closeESXHosts() {
	for _, h := range s.esxHosts {
		h.mu.Lock()
		h.stopLocked()
		h.mu.Unlock()
	}
}

// firstClusterHost is where built-in templates live (deterministic, so tests know which host serves them).
func (s *Sim) firstClusterHost() *types.ManagedObjectReference {
	hs := s.hostNamed("DC0_C0_H0")
	if hs == nil {
		for _, h := range s.esxHosts {
			if h.def.vcsimName == "DC0_C0_H0" {
				ref := h.ref
				return &ref
			}
		}
		return nil
	}
	ref := hs.Self
	return &ref
}

// hostRefByName resolves a host inventory name (for template placement).
func (s *Sim) hostRefByName(name string) (types.ManagedObjectReference, bool) {
	if hs := s.hostNamed(name); hs != nil {
		return hs.Self, true
	}
	return types.ManagedObjectReference{}, false
}

// hostNamed returns the host with this inventory name, or nil.
func (s *Sim) hostNamed(name string) *simulator.HostSystem {
	for _, e := range s.reg.All("HostSystem") {
		hs, ok := e.(*simulator.HostSystem)
		if !ok {
			continue
		}
		var n string
		ctx := s.bgContext()
		ctx.WithLock(hs, func() { n = hs.Name })
		if n == name {
			return hs
		}
	}
	return nil
}
