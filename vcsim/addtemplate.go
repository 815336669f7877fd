package main

import (
	"context"
	"fmt"
	"net/http"
	"regexp"

	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/vim25"
)

// TemplateRequest is the body of POST /testvm-sim/templates: a new source VM in
// DC0/vm/Templates, copied from a built-in definition with other knobs (e.g. timings).
type TemplateRequest struct {
	Name      string            `json:"name"`
	From      string            `json:"from"`      // built-in definition to copy (default ubuntu-22.04)
	Knobs     map[string]string `json:"knobs"`     // laid over the copied knobs (keys without "testvm.sim.")
	Networks  []string          `json:"networks"`  // replaces the NIC list when not empty
	PoweredOn bool              `json:"poweredOn"` // a powered-on VM (instant-clone source) instead of a template
	Host      string            `json:"host"`      // inventory name of its ESXi host in DC0_C0 (default: the first)
}

var templateNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$`)

func (s *Sim) serveAddTemplate(w http.ResponseWriter, r *http.Request) {
	var req TemplateRequest
	if !readJSON(w, r, &req, "template request") {
		return
	}
	code, err := s.addTemplate(req)
	if err != nil {
		httpError(w, code, "%v", err)
		return
	}
	writeJSON(w, map[string]any{"name": req.Name, "path": "Templates/" + req.Name})
}

// addTemplate creates req.Name in DC0/vm/Templates; the int is the HTTP status for an error.
func (s *Sim) addTemplate(req TemplateRequest) (int, error) {
	if !templateNameRe.MatchString(req.Name) {
		return http.StatusBadRequest, fmt.Errorf("name must match %s", templateNameRe)
	}
	from := req.From
	if from == "" {
		from = "ubuntu-22.04"
	}
	var def templateDef
	found := false
	for _, d := range templateDefs {
		if d.name == from {
			def, found = d, true
		}
	}
	if !found {
		return http.StatusBadRequest, fmt.Errorf("from: no built-in template %q", from)
	}
	def.name = req.Name
	def.template = !req.PoweredOn
	def.host = req.Host
	knobs := map[string]string{}
	for k, v := range def.knobs {
		knobs[k] = v
	}
	for k, v := range req.Knobs {
		knobs[k] = v
	}
	def.knobs = knobs
	if len(req.Networks) > 0 {
		def.networks = append([]string(nil), req.Networks...)
	}

	ctx := context.Background()
	c, err := vim25.NewClient(ctx, s.svc)
	if err != nil {
		return http.StatusInternalServerError, err
	}
	finder := find.NewFinder(c, false)
	dc, err := finder.Datacenter(ctx, "DC0")
	if err != nil {
		return http.StatusInternalServerError, err
	}
	finder.SetDatacenter(dc)
	if _, err := finder.VirtualMachine(ctx, "Templates/"+req.Name); err == nil {
		return http.StatusConflict, fmt.Errorf("Templates/%s exists", req.Name)
	}
	folder, err := finder.Folder(ctx, "vm/Templates")
	if err != nil {
		return http.StatusInternalServerError, err
	}
	pool, err := finder.ResourcePool(ctx, "DC0_C0/Resources")
	if err != nil {
		return http.StatusInternalServerError, err
	}
	if err := s.createTemplate(ctx, finder, folder, pool, def); err != nil {
		return http.StatusBadRequest, fmt.Errorf("%s: %w", req.Name, err)
	}
	logf("added Templates/%s (from %s, knobs %v)", req.Name, from, req.Knobs)
	return http.StatusOK, nil
}
