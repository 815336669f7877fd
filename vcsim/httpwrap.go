package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/vmware/govmomi/vim25/types"
)

// serveSDK wraps vcsim's /sdk handler: "unreachable" mode, request and task statistics.
func (s *Sim) serveSDK(w http.ResponseWriter, r *http.Request) {
	if s.rejectUnreachable(w, r) {
		return
	}
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		httpError(w, http.StatusBadRequest, "read body: %v", err)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	method := soapMethod(body)
	if !s.opts.Lenient {
		if m, err := checkRequest(body); err != nil {
			s.rejectInvalid(w, m, err)
			return
		}
	}

	rec := &recorder{header: w.Header(), status: http.StatusOK}
	s.svc.ServeSDK(rec, r)
	out := rec.body.Bytes()
	if method == "ListProcessesInGuest" && rec.status == http.StatusOK {
		out = withExitCodes(out)
		w.Header().Del("Content-Length")
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(out)

	ok := rec.status == http.StatusOK
	s.stats.request(method, ok)
	if ok && strings.HasSuffix(method, "_Task") {
		if m := taskReturnRe.FindSubmatch(rec.body.Bytes()); m != nil {
			s.stats.clientTask(types.ManagedObjectReference{Type: "Task", Value: string(m[1])}, method)
		}
	}
}

// rejectInvalid answers a request vCenter's deserializer would refuse with InvalidRequest.
func (s *Sim) rejectInvalid(w http.ResponseWriter, method string, err error) {
	if method == "" {
		method = "unknown"
	}
	s.stats.invalidRequest(method, err.Error())
	logf("InvalidRequest (%s): %v", method, err)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write(invalidRequestFault(err.Error()))
}

var taskReturnRe = regexp.MustCompile(`<returnval type="Task">([^<]+)</returnval>`)

// soapMethod returns the local name of the first element inside the SOAP Body.
func soapMethod(body []byte) string {
	d := xml.NewDecoder(bytes.NewReader(body))
	inBody := false
	for {
		tok, err := d.Token()
		if err != nil {
			return "unknown"
		}
		if se, ok := tok.(xml.StartElement); ok {
			if inBody {
				return se.Name.Local
			}
			inBody = se.Name.Local == "Body"
		}
	}
}

// recorder buffers vcsim's response so we can look at it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(code int)        { r.status = code }

// rejectUnreachable answers 503 or drops the connection while "vCenter is unreachable".
func (s *Sim) rejectUnreachable(w http.ResponseWriter, r *http.Request) bool {
	s.unreachMu.Lock()
	mode := s.unreach
	s.unreachMu.Unlock()
	if mode == "" {
		return false
	}
	s.stats.rejectedRequest()
	if mode == "drop" {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return true
			}
		}
	}
	w.Header().Set("Retry-After", "1")
	httpError(w, http.StatusServiceUnavailable, "vCenter unreachable (simulated)")
	return true
}

func (s *Sim) setUnreachable(mode string) {
	s.unreachMu.Lock()
	s.unreach = mode
	s.unreachMu.Unlock()
}
