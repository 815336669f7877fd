package main

import (
	"bufio"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		_ = os.RemoveAll(filepath.Dir(builtBin))
	}
	if govcBin != "" {
		_ = os.RemoveAll(filepath.Dir(govcBin))
	}
	os.Exit(code)
}

// buildBinary builds the command once per test run (the build cache makes it quick).
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not on PATH")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "testvm-vcsim-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "testvm-vcsim")
		if out, err := exec.Command(goTool, "build", "-o", builtBin, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// The command-line contract: printed lines, -cert-out, exit within a second of stdin EOF,
// sandboxes removed.
func TestBinaryContract(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	certFile := filepath.Join(t.TempDir(), "vcsim.pem")
	cmd := exec.Command(bin, "-listen", "127.0.0.1:0", "-time-scale", "0.02", "-exit-on-stdin-eof", "-cert-out", certFile)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	lines := []string{}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if sc.Text() == "TESTVM_VCSIM_READY" {
			break
		}
	}
	if len(lines) != 4 {
		t.Fatalf("stdout lines %q\nstderr:\n%s", lines, stderr.String())
	}
	url := regexp.MustCompile(`^TESTVM_VCSIM_URL=https://127\.0\.0\.1:(\d+)/sdk$`).FindStringSubmatch(lines[0])
	if url == nil || !regexp.MustCompile(`^TESTVM_VCSIM_THUMBPRINT=([0-9A-F]{2}:){31}[0-9A-F]{2}$`).MatchString(lines[1]) ||
		lines[2] != "TESTVM_VCSIM_CONTROL=https://127.0.0.1:"+url[1]+"/testvm-sim" {
		t.Fatalf("bad lines %q", lines)
	}
	pemBytes, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(pemBytes)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(cert.Raw)
	var hexParts []string
	for _, b := range sum {
		hexParts = append(hexParts, fmt.Sprintf("%02X", b))
	}
	if lines[1] != "TESTVM_VCSIM_THUMBPRINT="+strings.Join(hexParts, ":") {
		t.Errorf("thumbprint does not match -cert-out")
	}

	start := time.Now()
	_ = stdin.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("did not exit after stdin EOF")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("exit took %v", d)
	}
	m := regexp.MustCompile(`guest sandboxes under (\S+)`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("no sandbox line in stderr:\n%s", stderr.String())
	}
	if _, err := os.Stat(m[1]); !os.IsNotExist(err) {
		t.Errorf("sandbox %s left behind", m[1])
	}
}

func TestBinaryParentPID(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	parent := exec.Command("sleep", "30")
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-time-scale", "0.02", "-parent-pid", fmt.Sprint(parent.Process.Pid))
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && sc.Text() != "TESTVM_VCSIM_READY" {
	}
	_ = parent.Process.Kill()
	_ = parent.Wait()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		if d := time.Since(start); d > 1500*time.Millisecond {
			t.Errorf("exit took %v", d)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("did not exit after the parent died")
	}
}
