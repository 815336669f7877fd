package main

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// scratch is the temporary root holding the fake guest tools and every guest sandbox.
type scratch struct {
	root string
	bin  string

	mu     sync.RWMutex // writers hold it shared; remove takes it exclusively
	closed bool
}

var errClosed = errors.New("simulator is shutting down")

// do runs f unless the scratch root is being or has been removed.
func (sc *scratch) do(f func() error) error {
	sc.mu.RLock()
	defer sc.mu.RUnlock()
	if sc.closed {
		return errClosed
	}
	return f()
}

func newScratch() (*scratch, error) {
	root, err := os.MkdirTemp("", "testvm-vcsim-")
	if err != nil {
		return nil, err
	}
	sc := &scratch{root: root, bin: filepath.Join(root, "bin")}
	if err := writeFakeTools(sc.bin); err != nil {
		_ = os.RemoveAll(root)
		return nil, err
	}
	return sc, nil
}

func (sc *scratch) remove() {
	if sc == nil {
		return
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.closed = true
	if sc.root != "" {
		_ = os.RemoveAll(sc.root)
	}
}

// guestFS is one VM's sandbox: tmp (guest /tmp and C:\Windows\TEMP), home, other paths, and
// the state files the fake tools print.
type guestFS struct {
	mu    sync.Mutex // serialises state file rewrites
	dir   string
	tmp   string
	home  string
	other string
	state string
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_.-]`)

// guestFSFor returns (creating) the sandbox of st. Caller must NOT hold vmTable.mu.
func (s *Sim) guestFSFor(st *vmState) (*guestFS, error) {
	s.vms.mu.Lock()
	g := st.guest
	s.vms.mu.Unlock()
	if g != nil {
		return g, nil
	}
	dir := filepath.Join(s.scratch.root, "vm", unsafeChars.ReplaceAllString(st.ref.Value, "_"))
	g = &guestFS{dir: dir, tmp: filepath.Join(dir, "tmp"), home: filepath.Join(dir, "home"),
		other: filepath.Join(dir, "fs"), state: filepath.Join(dir, "state")}
	err := s.scratch.do(func() error {
		for _, d := range []string{g.tmp, g.home, g.other, g.state} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.vms.mu.Lock()
	if st.guest == nil {
		st.guest = g
	} else {
		g = st.guest
	}
	s.vms.mu.Unlock()
	return g, nil
}

func (g *guestFS) remove() {
	_ = os.RemoveAll(g.dir)
}

// writeGuestFiles renders what the fake tools print for the guest's current state.
func (s *Sim) writeGuestFiles(st *vmState) {
	s.updateGuest(st, -1, nil)
}

// updateGuest renders the guest's state files for the state st has after change (nil: as it
// is), writes them, and only then applies change to st (if its generation is still gen, or
// gen < 0). So observers never see a guest state the guest's own tools do not show yet.
func (s *Sim) updateGuest(st *vmState, gen int, change func(*vmState)) {
	g, err := s.guestFSFor(st)
	if err != nil {
		if !errors.Is(err, errClosed) {
			logf("guest sandbox %s: %v", st.ref.Value, err)
		}
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	s.vms.mu.Lock()
	if gen >= 0 && st.gen != gen {
		s.vms.mu.Unlock()
		return
	}
	cp := *st
	if change != nil {
		change(&cp)
	}
	files := renderGuestFiles(&cp)
	s.vms.mu.Unlock()

	err = s.scratch.do(func() error {
		for _, name := range sortedKeys(files) {
			tmp := filepath.Join(g.state, "."+name+".new")
			if err := os.WriteFile(tmp, []byte(files[name]), 0o644); err != nil {
				return err
			}
			if err := os.Rename(tmp, filepath.Join(g.state, name)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if !errors.Is(err, errClosed) {
			logf("guest state %s: %v", st.ref.Value, err)
		}
		return
	}
	if change != nil {
		s.vms.mu.Lock()
		if gen < 0 || st.gen == gen {
			change(st)
		}
		s.vms.mu.Unlock()
	}
}

// renderGuestFiles renders every state file of st. Caller holds vmTable.mu (or owns st).
func renderGuestFiles(st *vmState) map[string]string {
	files := map[string]string{}
	for _, fam := range []string{"", "4", "6"} {
		files["ip"+fam+"-addr"] = st.renderIPAddr(fam, false)
		files["ip"+fam+"-addr-global"] = st.renderIPAddr(fam, true)
	}
	files["ip-brief"] = st.renderIPBrief()
	files["ip-link"] = st.renderLinks()
	files["ip-route"] = st.renderRoutes()
	files["ipconfig"] = st.renderIPConfig(false)
	files["ipconfig-all"] = st.renderIPConfig(true)
	files["hostname"] = st.hostName + "\n"
	files["user"] = st.knobs.GuestUser + "\n"
	for name, body := range st.extraFiles() {
		files[name] = body
	}
	return files
}

var winDrive = regexp.MustCompile(`^[A-Za-z]:`)

// hostPath maps a guest path to the sandbox. Windows paths are case-insensitive (lower-cased).
//
//	Linux:   /tmp/x, /var/tmp/x -> tmp/x; /home/<user>/x, ~/x -> home/x; other /p -> fs/p
//	Windows: C:\Windows\TEMP\x, %TEMP%\x -> tmp/x; C:\Users\<user>\x -> home/x; D:\p -> fs/d/p
func (g *guestFS) hostPath(guestPath string, windows bool, user string) (string, error) {
	p := guestPath
	if windows {
		p = strings.ToLower(strings.ReplaceAll(p, `\`, "/"))
		for _, v := range []string{"%temp%", "%tmp%"} {
			if strings.HasPrefix(p, v) {
				p = "c:/windows/temp" + strings.TrimPrefix(p, v)
			}
		}
		if strings.HasPrefix(p, "%userprofile%") {
			p = "c:/users/" + strings.ToLower(user) + strings.TrimPrefix(p, "%userprofile%")
		}
		if !winDrive.MatchString(p) {
			return "", fmt.Errorf("not an absolute Windows path: %s", guestPath)
		}
		drive, rest := p[:1], path.Clean("/"+p[2:])
		switch {
		case rest == "/windows/temp" || strings.HasPrefix(rest, "/windows/temp/"):
			return within(g.tmp, strings.TrimPrefix(rest, "/windows/temp"))
		case strings.HasPrefix(rest, "/users/"+strings.ToLower(user)):
			return within(g.home, strings.TrimPrefix(rest, "/users/"+strings.ToLower(user)))
		default:
			return within(g.other, "/"+drive+rest)
		}
	}
	if strings.HasPrefix(p, "~") {
		p = "/home/" + user + strings.TrimPrefix(p, "~")
	}
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("not an absolute path: %s", guestPath)
	}
	p = path.Clean(p)
	for _, t := range []string{"/tmp", "/var/tmp"} {
		if p == t || strings.HasPrefix(p, t+"/") {
			return within(g.tmp, strings.TrimPrefix(p, t))
		}
	}
	if h := "/home/" + user; p == h || strings.HasPrefix(p, h+"/") {
		return within(g.home, strings.TrimPrefix(p, h))
	}
	return within(g.other, p)
}

// within joins base and rel, refusing anything that escapes base.
func within(base, rel string) (string, error) {
	full := filepath.Join(base, filepath.FromSlash(path.Clean("/"+rel)))
	if full != base && !strings.HasPrefix(full, base+string(filepath.Separator)) {
		return "", fmt.Errorf("path escapes the sandbox: %s", rel)
	}
	return full, nil
}
