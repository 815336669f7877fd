package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vmware/govmomi/guest"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/mo"
)

func newVCenterEnv(t *testing.T) *env {
	return newEnvWith(t, Options{TimeScale: testScale, GuestFileMode: guestFilesVCenter})
}

// readyGuest clones the template onto its host, powers it on and writes a file in the guest.
func (e *env) readyGuest(template, name, content string) *object.VirtualMachine {
	e.t.Helper()
	src := e.vm("Templates/" + template)
	vm := e.clone(src, name, e.cloneSpec(src, true, nil))
	e.powerOn(vm)
	e.waitInfo(vm, 5*time.Second, func(i VMInfo) bool { return i.ToolsRunning })
	if code := e.run(vm, defaultAuth, "/bin/sh", "-c 'printf "+content+" > /tmp/f.txt'"); code != 0 {
		e.t.Fatalf("write file: exit %d", code)
	}
	return vm
}

func (e *env) transferURL(vm *object.VirtualMachine, path string) *url.URL {
	e.t.Helper()
	fm, err := guest.NewOperationsManager(e.c.Client, vm.Reference()).FileManager(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	info, err := fm.InitiateFileTransferFromGuest(e.ctx, defaultAuth, path)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := url.Parse(info.Url)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) hostProps(vm *object.VirtualMachine) mo.HostSystem {
	e.t.Helper()
	var v mo.VirtualMachine
	if err := vm.Properties(e.ctx, vm.Reference(), []string{"runtime.host"}, &v); err != nil {
		e.t.Fatal(err)
	}
	var h mo.HostSystem
	props := []string{"name", "summary.config.sslThumbprint", "config.certificate", "config.virtualNicManagerInfo.netConfig"}
	if err := e.c.PropertyCollector().RetrieveOne(e.ctx, *v.Runtime.Host, props, &h); err != nil {
		e.t.Fatal(err)
	}
	return h
}

func managementIP(h mo.HostSystem) string {
	for _, nc := range h.Config.VirtualNicManagerInfo.NetConfig {
		if nc.NicType != "management" {
			continue
		}
		for _, c := range nc.CandidateVnic {
			for _, sel := range nc.SelectedVnic {
				if c.Key == sel {
					return c.Spec.Ip.IpAddress
				}
			}
		}
	}
	return ""
}

// getVia GETs u at the given address (host:port), verifying the server certificate with cfg.
func getVia(u *url.URL, addr string, cfg *tls.Config) (string, error) {
	dial := &net.Dialer{Timeout: 2 * time.Second}
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dial.DialContext(ctx, network, addr)
		}}}
	resp, err := hc.Get(u.String())
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", errors.New(resp.Status + ": " + string(b))
	}
	return string(b), nil
}

// The transfer URL names the VM's host; the host's certificate is signed by the CA, valid for its
// FQDN, reported truthfully by vCenter; the management IP reaches it; vCenter does not serve it.
func TestVCenterModeGuestFileThroughHost(t *testing.T) {
	t.Parallel()
	e := newVCenterEnv(t)
	vm := e.readyGuest("ubuntu-22.04", "vc-file", "hello")
	h := e.hostProps(vm)
	u := e.transferURL(vm, "/tmp/f.txt")
	if u.Hostname() != h.Name || !strings.HasSuffix(h.Name, "."+hostDomain) {
		t.Fatalf("URL host %q, VM's host %q", u.Hostname(), h.Name)
	}
	if _, err := net.LookupHost(u.Hostname()); err == nil {
		t.Fatalf("%s resolves; it must not", u.Hostname())
	}
	ip := managementIP(h)
	if ip == "" || !net.ParseIP(ip).IsLoopback() {
		t.Fatalf("management IP %q", ip)
	}
	// Trusted through the CA with the inventory name checked.
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(e.s.HostCAPEM())
	addr := net.JoinHostPort(ip, u.Port())
	body, err := getVia(u, addr, &tls.Config{RootCAs: pool, ServerName: h.Name})
	if err != nil || body != "hello" {
		t.Fatalf("download through the host: %q %v", body, err)
	}
	// The certificate vCenter reports is the one served, with the reported SHA-1 thumbprint.
	u2 := e.transferURL(vm, "/tmp/f.txt")
	var seen *x509.Certificate
	cfg := &tls.Config{InsecureSkipVerify: true, VerifyConnection: func(cs tls.ConnectionState) error {
		seen = cs.PeerCertificates[0]
		return nil
	}}
	if _, err := getVia(u2, addr, cfg); err != nil {
		t.Fatal(err)
	}
	if sha1Thumbprint(seen.Raw) != h.Summary.Config.SslThumbprint {
		t.Errorf("served thumbprint %s, reported %s", sha1Thumbprint(seen.Raw), h.Summary.Config.SslThumbprint)
	}
	if !strings.Contains(string(h.Config.Certificate), string(pemCert(seen.Raw))) {
		t.Error("config.certificate is not the served certificate")
	}
	// A used URL is gone; vCenter's own endpoint has no /guestFile.
	if _, err := getVia(u2, addr, cfg); err == nil {
		t.Error("a transfer URL worked twice")
	}
	u3 := e.transferURL(vm, "/tmp/f.txt")
	vc, _ := url.Parse(e.s.URL())
	if _, err := getVia(u3, vc.Host, cfg); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("vCenter served /guestFile: %v", err)
	}
}

// Hosts added by IP (certificate without IP SAN) and self-signed hosts.
func TestVCenterModeHostVariants(t *testing.T) {
	t.Parallel()
	e := newVCenterEnv(t)
	var hosts []HostInfo
	code, body := e.control("GET", "/hosts", "")
	if code != 200 || json.Unmarshal([]byte(body), &hosts) != nil || len(hosts) != 4 {
		t.Fatalf("GET /hosts: %d %s", code, body)
	}
	var byIP, self HostInfo
	for _, h := range hosts {
		if h.AddedByIP {
			byIP = h
		}
		if h.SelfSigned {
			self = h
		}
	}
	for _, c := range []struct{ host HostInfo }{{byIP}, {self}} {
		code, body := e.control("POST", "/templates", `{"name":"on-`+c.host.FQDN[:6]+`","host":"`+c.host.Name+`"}`)
		if code != 200 {
			t.Fatalf("template on %s: %d %s", c.host.Name, code, body)
		}
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(e.s.HostCAPEM())

	vm := e.readyGuest("on-"+byIP.FQDN[:6], "vc-byip", "ip")
	u := e.transferURL(vm, "/tmp/f.txt")
	if u.Hostname() != byIP.IP || byIP.Name != byIP.IP {
		t.Fatalf("URL %s for the host added by IP %+v", u, byIP)
	}
	// Verifying the URL's host (an IP) fails: the certificate has no IP SAN.
	if _, err := getVia(u, u.Host, &tls.Config{RootCAs: pool}); err == nil {
		t.Error("a certificate without IP SAN was accepted for an IP")
	}
	if body, err := getVia(u, u.Host, &tls.Config{RootCAs: pool, ServerName: byIP.FQDN}); err != nil || body != "ip" {
		t.Errorf("with the host's FQDN: %q %v", body, err)
	}

	vm2 := e.readyGuest("on-"+self.FQDN[:6], "vc-self", "self")
	u2 := e.transferURL(vm2, "/tmp/f.txt")
	addr := net.JoinHostPort(self.IP, u2.Port())
	if _, err := getVia(u2, addr, &tls.Config{RootCAs: pool, ServerName: self.FQDN}); err == nil {
		t.Error("a self-signed host passed CA verification")
	}
	h := e.hostProps(vm2)
	pinned := &tls.Config{InsecureSkipVerify: true, VerifyConnection: func(cs tls.ConnectionState) error {
		if sha1Thumbprint(cs.PeerCertificates[0].Raw) != h.Summary.Config.SslThumbprint {
			return errors.New("thumbprint mismatch")
		}
		return nil
	}}
	if body, err := getVia(u2, addr, pinned); err != nil || body != "self" {
		t.Errorf("pinned by the reported thumbprint: %q %v", body, err)
	}
	// A swapped certificate no longer matches what vCenter reports.
	if code, body := e.control("POST", "/hosts/"+self.Name+"?certificate=swapped", ""); code != 200 {
		t.Fatalf("swap: %d %s", code, body)
	}
	u3 := e.transferURL(vm2, "/tmp/f.txt")
	if _, err := getVia(u3, addr, pinned); err == nil || !strings.Contains(err.Error(), "thumbprint mismatch") {
		t.Errorf("swapped certificate: %v", err)
	}
}

// A host made unreachable refuses connections, or lets them time out; then it comes back.
func TestVCenterModeUnreachableHost(t *testing.T) {
	t.Parallel()
	e := newVCenterEnv(t)
	vm := e.readyGuest("ubuntu-22.04", "vc-unreach", "back")
	h := e.hostProps(vm)
	addr := func(u *url.URL) string { return net.JoinHostPort(managementIP(h), u.Port()) }
	insecure := &tls.Config{InsecureSkipVerify: true}

	if code, body := e.control("POST", "/hosts/"+h.Name+"?mode=refused", ""); code != 200 {
		t.Fatalf("refused: %d %s", code, body)
	}
	u := e.transferURL(vm, "/tmp/f.txt")
	if _, err := getVia(u, addr(u), insecure); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("refused mode: %v", err)
	}

	if code, body := e.control("POST", "/hosts/"+h.Name+"?mode=blackhole", ""); code != 200 {
		t.Fatalf("blackhole: %d %s", code, body)
	}
	start := time.Now()
	c, err := net.DialTimeout("tcp", addr(u), 700*time.Millisecond)
	var ne net.Error
	if err == nil {
		c.Close()
		t.Error("connected to a black-holed host")
	} else if !errors.As(err, &ne) || !ne.Timeout() || time.Since(start) < 600*time.Millisecond {
		t.Errorf("black hole: %v after %v, want a timeout", err, time.Since(start))
	}

	if code, body := e.control("POST", "/hosts/"+h.Name+"?mode=ok", ""); code != 200 {
		t.Fatalf("ok: %d %s", code, body)
	}
	if body, err := getVia(u, addr(u), insecure); err != nil || body != "back" {
		t.Errorf("reachable again: %q %v", body, err)
	}
}
