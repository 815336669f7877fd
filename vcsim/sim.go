package main

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/pem"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// Options configure a Sim.
type Options struct {
	Listen    string  // host:port, port 0 = random
	TimeScale float64 // multiplies every simulated delay
	Username  string  // if set, only this user logs in
	Password  string  // password for Username
	// GuestFileMode is guestFilesESXi (default: "*" transfer URLs served by the SDK endpoint)
	// or guestFilesVCenter (URLs name the VM's ESXi host, which serves them itself).
	GuestFileMode string
	// Lenient turns off strict request checking (every SOAP body checked against the vim25
	// schema, InvalidRequest otherwise, as vCenter does). Strict is the default.
	Lenient bool
}

// Sim is the vCenter simulator: vcsim's VPX model plus the TestVM additions.
type Sim struct {
	opts   Options
	model  *simulator.Model
	svc    *simulator.Service
	server *simulator.Server
	reg    *simulator.Registry

	scratch    *scratch // guest sandboxes
	vms        *vmTable // per-VM simulated guest state
	rules      *ruleSet // fault injection rules
	stats      *stats
	hooks      *hooks      // managed object receiving redirected SOAP methods
	collectors *collectors // what each property collector last reported (WaitForUpdatesEx)
	files      *fileTokens

	hostCA   *hostCA                                   // vCenter mode: signs the hosts' certificates
	esxHosts map[types.ManagedObjectReference]*esxHost // vCenter mode: the hosts serving /guestFile

	cloneMu sync.Mutex // serialises vcsim's (fast) clone step: instanceUuid uniqueness

	unreachMu sync.Mutex
	unreach   string // "" = reachable, "503" or "drop"

	pendingMu sync.Mutex
	pending   map[*simulator.Context]*Rule // task faults waiting for their task

	closeOnce sync.Once
}

// New builds the inventory (vcsim VPX model + templates) and starts the HTTPS server.
func New(opts Options) (*Sim, error) {
	if opts.TimeScale <= 0 {
		opts.TimeScale = 1
	}
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	switch opts.GuestFileMode {
	case "":
		opts.GuestFileMode = guestFilesESXi
	case guestFilesESXi, guestFilesVCenter:
	default:
		return nil, fmt.Errorf("guest file mode %q: use %s or %s", opts.GuestFileMode, guestFilesESXi, guestFilesVCenter)
	}
	s := &Sim{
		opts:    opts,
		rules:   newRuleSet(),
		stats:   newStats(),
		files:   newFileTokens(),
		pending: make(map[*simulator.Context]*Rule),
	}
	var err error
	if s.scratch, err = newScratch(); err != nil {
		return nil, err
	}
	s.vms = newVMTable(s)
	logf("guest sandboxes under %s", s.scratch.root)

	// vcsim's model creation touches package globals (e.g. the eval license): one at a time.
	createMu.Lock()
	s.model = simulator.VPX()
	err = s.model.Create()
	createMu.Unlock()
	if err != nil {
		s.scratch.remove()
		return nil, fmt.Errorf("create model: %w", err)
	}
	s.svc = s.model.Service
	s.reg = s.model.Map()
	s.presentAsVCenter8()

	// Watch every VM and task through the registry's update path.
	s.reg.AddHandler(s.vms)
	// Tell the property collectors which objects changed (our WaitForUpdatesEx, collector.go).
	s.collectors = newCollectors()
	s.reg.AddHandler(s.collectors)

	if opts.GuestFileMode == guestFilesVCenter {
		if err = s.setupESXHosts(); err != nil {
			s.Close()
			return nil, fmt.Errorf("ESXi hosts: %w", err)
		}
	}

	if err = s.createTemplates(); err != nil {
		s.Close()
		return nil, fmt.Errorf("create templates: %w", err)
	}

	s.hooks = &hooks{s: s}
	s.hooks.Self = types.ManagedObjectReference{Type: "TestvmSimHooks", Value: "testvm-sim-hooks"}
	s.reg.Put(s.hooks)
	s.reg.Handler = s.handle

	s.vms.startExisting()

	s.svc.TLS = new(tls.Config) // vcsim's self-signed localhost certificate
	s.svc.Listen = &url.URL{Host: opts.Listen}
	if opts.Username != "" {
		s.svc.Listen.User = url.UserPassword(opts.Username, opts.Password)
	}
	s.svc.RegisterEndpoints = true
	s.server = s.svc.NewServer()

	mux := s.svc.ServeMux
	for _, p := range []string{"/sdk", "/sdk/vimService"} {
		mux.HandleFunc("POST "+p, s.serveSDK)
	}
	mux.HandleFunc("/guestFile", s.serveGuestFile)
	mux.HandleFunc("GET /sdk/vimServiceVersions.xml", serveVimServiceVersions)
	s.registerControl(mux)
	return s, nil
}

// Port returns the TCP port of the HTTPS server.
func (s *Sim) Port() int {
	return s.server.Listener.Addr().(*net.TCPAddr).Port
}

// hostPort is the address clients use: the listen address, 127.0.0.1 if unspecified.
func (s *Sim) hostPort() string {
	addr := s.server.Listener.Addr().(*net.TCPAddr)
	host := "127.0.0.1"
	if !addr.IP.IsUnspecified() {
		host = addr.IP.String()
	}
	return net.JoinHostPort(host, fmt.Sprint(addr.Port))
}

// URL returns the SDK URL (without credentials).
func (s *Sim) URL() string {
	return "https://" + s.hostPort() + "/sdk"
}

// ControlURL returns the base URL of the control API.
func (s *Sim) ControlURL() string {
	return "https://" + s.hostPort() + "/testvm-sim"
}

// Thumbprint returns the SHA-256 thumbprint of the server certificate.
func (s *Sim) Thumbprint() string {
	sum := sha256.Sum256(s.server.Certificate().Raw)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// HostCAPEM returns the certificate of the CA that signs the ESXi hosts' certificates (vCenter mode), or nil.
func (s *Sim) HostCAPEM() []byte {
	if s.hostCA == nil {
		return nil
	}
	return s.hostCA.pem
}

// CertPEM returns the server certificate in PEM form.
func (s *Sim) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.server.Certificate().Raw})
}

// Close stops the server, kills guest processes and removes every temporary directory.
func (s *Sim) Close() {
	s.closeOnce.Do(func() {
		if s.vms != nil {
			s.vms.shutdown()
		}
		s.closeESXHosts()
		if s.model != nil && s.model.Service != nil {
			s.model.Remove()
		}
		s.scratch.remove()
		if s.server != nil {
			// Long-polling WaitForUpdatesEx handlers may not return at once: don't wait for them long.
			s.server.CloseClientConnections()
			done := make(chan struct{})
			go func() { s.server.Close(); close(done) }()
			select {
			case <-done:
			case <-time.After(300 * time.Millisecond):
			}
		}
	})
}

// scaled converts simulated seconds into a real duration.
func (s *Sim) scaled(seconds float64) time.Duration {
	if seconds <= 0 {
		return 0
	}
	return time.Duration(seconds * s.opts.TimeScale * float64(time.Second))
}

// sleep waits for the given simulated seconds.
func (s *Sim) sleep(seconds float64) {
	if d := s.scaled(seconds); d > 0 {
		time.Sleep(d)
	}
}

var createMu sync.Mutex

var internalSession = types.UserSession{Key: "testvm-sim-internal", UserName: "vpxd-extension", FullName: "testvm simulator"}

// bgContext returns a fresh simulator context (own lock identity) for background work.
func (s *Sim) bgContext() *simulator.Context {
	c := *s.svc.Context
	c.Context = context.Background()
	c.Session = &simulator.Session{UserSession: internalSession, Registry: simulator.NewRegistry(), Map: s.reg}
	return &c
}

// detach copies a request context so background work gets its own lock identity
// while keeping the caller's session (for event user names).
func detach(ctx *simulator.Context) *simulator.Context {
	c := *ctx
	c.Context = context.Background()
	return &c
}

func httpError(w http.ResponseWriter, code int, format string, args ...any) {
	http.Error(w, fmt.Sprintf(format, args...), code)
}

func logf(format string, args ...any) {
	log.Printf(format, args...)
}

func init() {
	log.SetOutput(os.Stderr)
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
}
