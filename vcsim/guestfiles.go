package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

const fileTokenTTL = 10 * time.Minute

// fileTokens are the one-shot /guestFile URLs handed out by InitiateFileTransfer*.
type fileTokens struct {
	mu     sync.Mutex
	next   int
	tokens map[string]fileToken
}

type fileToken struct {
	host      types.ManagedObjectReference // the ESXi host that serves it (vCenter mode), else zero
	path      string
	upload    bool
	overwrite bool
	expires   time.Time
}

func newFileTokens() *fileTokens { return &fileTokens{tokens: map[string]fileToken{}} }

// add returns the URL query (id=..&token=..) for a new transfer.
func (ft *fileTokens) add(t fileToken) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	t.expires = time.Now().Add(fileTokenTTL)
	ft.mu.Lock()
	defer ft.mu.Unlock()
	for k, v := range ft.tokens {
		if time.Now().After(v.expires) {
			delete(ft.tokens, k)
		}
	}
	ft.next++
	ft.tokens[tok] = t
	return fmt.Sprintf("id=%d&token=%s", ft.next, tok)
}

func (ft *fileTokens) get(tok string) (fileToken, bool) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	t, ok := ft.tokens[tok]
	if ok && time.Now().After(t.expires) {
		delete(ft.tokens, tok)
		return t, false
	}
	return t, ok
}

func (ft *fileTokens) drop(tok string) {
	ft.mu.Lock()
	delete(ft.tokens, tok)
	ft.mu.Unlock()
}

// newTransfer registers a transfer of a file of vmRef's guest and returns its URL. In ESXi mode
// the URL has the literal host "*" (clients substitute the host they connected to); in vCenter
// mode it names the VM's host by its inventory name, and only that host serves it.
func (s *Sim) newTransfer(ctx *simulator.Context, vmRef types.ManagedObjectReference, t fileToken) string {
	if s.opts.GuestFileMode != guestFilesVCenter {
		return fmt.Sprintf("https://*:%d/guestFile?%s", s.Port(), s.files.add(t))
	}
	h := s.hostOfVM(ctx, vmRef)
	if h == nil {
		return fmt.Sprintf("https://*:%d/guestFile?%s", s.Port(), s.files.add(t))
	}
	t.host = h.ref
	h.mu.Lock()
	port := h.port
	h.mu.Unlock()
	return fmt.Sprintf("https://%s/guestFile?%s", net.JoinHostPort(h.name(), fmt.Sprint(port)), s.files.add(t))
}

func fileFault(kind, guestPath string) types.BaseMethodFault {
	ff := types.FileFault{File: guestPath}
	switch kind {
	case "notFound":
		return &types.FileNotFound{FileFault: ff}
	case "notAFile":
		return &types.NotAFile{FileFault: ff}
	default:
		return &types.FileAlreadyExists{FileFault: ff}
	}
}

// guestFileAt logs in to vm's guest and maps guestPath into its sandbox: the first step of
// every guest file operation.
func (s *Sim) guestFileAt(ctx *simulator.Context, vm types.ManagedObjectReference, auth types.BaseGuestAuthentication,
	guestPath string) (*guestSession, string, types.BaseMethodFault) {
	gs, f := s.guestLogin(ctx, vm, auth)
	if f != nil {
		return nil, "", f
	}
	p, f := gs.guestPath(guestPath)
	return gs, p, f
}

// regularFile stats p, the sandbox path of guestPath: FileNotFound if it is missing, NotAFile
// if it is a directory.
func regularFile(p, guestPath string) (os.FileInfo, types.BaseMethodFault) {
	fi, err := os.Stat(p)
	switch {
	case err != nil:
		return nil, fileFault("notFound", guestPath)
	case fi.IsDir():
		return nil, fileFault("notAFile", guestPath)
	}
	return fi, nil
}

func (h *hooks) InitiateFileTransferFromGuest(ctx *simulator.Context, req *types.InitiateFileTransferFromGuest) soap.HasFault {
	gs, p, f := h.s.guestFileAt(ctx, req.Vm, req.Auth, req.GuestFilePath)
	var fi os.FileInfo
	if f == nil {
		fi, f = regularFile(p, req.GuestFilePath)
	}
	if f != nil {
		return &faultBody{fault: vimFault(f)}
	}
	return &methods.InitiateFileTransferFromGuestBody{Res: &types.InitiateFileTransferFromGuestResponse{
		Returnval: types.FileTransferInformation{
			Attributes: gs.fileAttributes(fi),
			Size:       fi.Size(),
			Url:        h.s.newTransfer(ctx, req.Vm, fileToken{path: p}),
		}}}
}

func (gs *guestSession) fileAttributes(fi os.FileInfo) types.BaseGuestFileAttributes {
	mod := fi.ModTime()
	acc := mod
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		acc = time.Unix(st.Atim.Sec, st.Atim.Nsec)
	}
	base := types.GuestFileAttributes{ModificationTime: &mod, AccessTime: &acc}
	if gs.windows() {
		return &types.GuestWindowsFileAttributes{GuestFileAttributes: base, CreateTime: &mod,
			ReadOnly: types.NewBool(fi.Mode().Perm()&0o200 == 0), Hidden: types.NewBool(strings.HasPrefix(fi.Name(), "."))}
	}
	uid, gid := int32(1000), int32(1000)
	return &types.GuestPosixFileAttributes{GuestFileAttributes: base, OwnerId: &uid, GroupId: &gid, Permissions: int64(fi.Mode().Perm())}
}

func (h *hooks) InitiateFileTransferToGuest(ctx *simulator.Context, req *types.InitiateFileTransferToGuest) soap.HasFault {
	_, p, f := h.s.guestFileAt(ctx, req.Vm, req.Auth, req.GuestFilePath)
	if f == nil {
		if fi, err := os.Stat(p); err == nil && (fi.IsDir() || !req.Overwrite) {
			f = fileFault("exists", req.GuestFilePath)
		} else if _, err := os.Stat(filepath.Dir(p)); err != nil {
			f = fileFault("notFound", req.GuestFilePath)
		}
	}
	if f != nil {
		return &faultBody{fault: vimFault(f)}
	}
	return &methods.InitiateFileTransferToGuestBody{Res: &types.InitiateFileTransferToGuestResponse{
		Returnval: h.s.newTransfer(ctx, req.Vm, fileToken{path: p, upload: true, overwrite: req.Overwrite}),
	}}
}

func (h *hooks) DeleteFileInGuest(ctx *simulator.Context, req *types.DeleteFileInGuest) soap.HasFault {
	_, p, f := h.s.guestFileAt(ctx, req.Vm, req.Auth, req.FilePath)
	if f == nil {
		if _, f = regularFile(p, req.FilePath); f == nil {
			if err := os.Remove(p); err != nil {
				f = &types.SystemError{Reason: err.Error()}
			}
		}
	}
	if f != nil {
		return &faultBody{fault: vimFault(f)}
	}
	return &methods.DeleteFileInGuestBody{Res: new(types.DeleteFileInGuestResponse)}
}

func (h *hooks) CreateTemporaryFileInGuest(ctx *simulator.Context, req *types.CreateTemporaryFileInGuest) soap.HasFault {
	gs, f := h.s.guestLogin(ctx, req.Vm, req.Auth)
	if f != nil {
		return &faultBody{fault: vimFault(f)}
	}
	dir, sep := req.DirectoryPath, "/"
	if gs.windows() {
		sep = `\`
		if dir == "" {
			dir = `C:\Windows\TEMP`
		}
	} else if dir == "" {
		dir = "/tmp"
	}
	hd, f := gs.guestPath(dir)
	if f != nil {
		return &faultBody{fault: vimFault(f)}
	}
	tf, err := os.CreateTemp(hd, req.Prefix+"*"+req.Suffix)
	if err != nil {
		return &faultBody{fault: vimFault(fileFault("notFound", dir))}
	}
	_ = tf.Close()
	return &methods.CreateTemporaryFileInGuestBody{Res: &types.CreateTemporaryFileInGuestResponse{
		Returnval: strings.TrimRight(dir, `/\`) + sep + filepath.Base(tf.Name())}}
}

func (h *hooks) MakeDirectoryInGuest(ctx *simulator.Context, req *types.MakeDirectoryInGuest) soap.HasFault {
	_, p, f := h.s.guestFileAt(ctx, req.Vm, req.Auth, req.DirectoryPath)
	if f == nil {
		mkdir := os.Mkdir
		if req.CreateParentDirectories {
			mkdir = os.MkdirAll
		}
		switch err := mkdir(p, 0o755); {
		case os.IsExist(err):
			f = fileFault("exists", req.DirectoryPath)
		case err != nil:
			f = fileFault("notFound", req.DirectoryPath)
		}
	}
	if f != nil {
		return &faultBody{fault: vimFault(f)}
	}
	return &methods.MakeDirectoryInGuestBody{Res: new(types.MakeDirectoryInGuestResponse)}
}

// serveGuestFile serves /guestFile on the SDK endpoint: only in ESXi mode (vCenter itself
// has no /guestFile; its transfer URLs point at the VM's host).
func (s *Sim) serveGuestFile(w http.ResponseWriter, r *http.Request) {
	if s.rejectUnreachable(w, r) {
		return
	}
	if s.opts.GuestFileMode == guestFilesVCenter {
		httpError(w, http.StatusNotFound, "not found")
		return
	}
	s.serveGuestFileFor(w, r, types.ManagedObjectReference{})
}

// serveGuestFileFor serves the /guestFile URLs of one server (host = zero for the SDK endpoint):
// GET downloads, PUT uploads. A URL works once, and only on the server it names.
func (s *Sim) serveGuestFileFor(w http.ResponseWriter, r *http.Request, host types.ManagedObjectReference) {
	tok := r.URL.Query().Get("token")
	t, ok := s.files.get(tok)
	if !ok || t.host != host {
		httpError(w, http.StatusNotFound, "unknown or expired transfer")
		return
	}
	switch {
	case r.Method == http.MethodGet && !t.upload:
		f, err := os.Open(t.path)
		if err != nil {
			httpError(w, http.StatusNotFound, "file is gone")
			return
		}
		defer f.Close()
		w.Header().Set("Content-Type", "application/octet-stream")
		if fi, err := f.Stat(); err == nil {
			w.Header().Set("Content-Length", fmt.Sprint(fi.Size()))
		}
		if _, err := io.Copy(w, f); err == nil {
			s.files.drop(tok)
		}
	case r.Method == http.MethodPut && t.upload:
		flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if !t.overwrite {
			flags |= os.O_EXCL
		}
		f, err := os.OpenFile(t.path, flags, 0o644)
		if err != nil {
			httpError(w, http.StatusConflict, "cannot write: %v", err)
			return
		}
		_, err = io.Copy(f, r.Body)
		_ = f.Close()
		if err != nil {
			httpError(w, http.StatusInternalServerError, "upload: %v", err)
			return
		}
		s.files.drop(tok)
	default:
		httpError(w, http.StatusMethodNotAllowed, "method not allowed for this transfer")
	}
}
