package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// VMware Tools' guest → VMX channel, as the guest's own commands use it:
//
//	vmware-rpctool "info-set guestinfo.<key> <value>"   (also vmtoolsd --cmd "...", rpctool.exe)
//	vmware-rpctool "info-get guestinfo.<key>"
//	vmware-toolbox-cmd info update network               (Tools >= 10.1; VMwareToolboxCmd.exe)
//
// The fake tools hand requests to the simulator through a spool directory in the guest's state
// directory; a poller per VM (running while the guest has running processes) applies them. What
// the guest sets is in the VMX at once (info-get sees it), and reaches vCenter's view —
// config.extraConfig for guestinfo.*, guest.net / guest.ipAddress for the network update —
// knob vcPropagationSeconds later (VMX → hostd → vpxd).

const rpcSpool = "rpc"

var rpcTools = map[string]string{
	"vmware-rpctool": `#!/bin/sh
# fake vmware-rpctool / vmtoolsd --cmd / rpctool.exe of the simulated guest
S="${TESTVM_SIM_STATE:?}"
[ "$1" = "--cmd" ] && shift
if [ $# -ne 1 ]; then echo "Usage: vmware-rpctool <command>" >&2; exit 1; fi
verb="${1%% *}"
rest="${1#* }"; [ "$rest" = "$1" ] && rest=""
case "$verb" in
  info-set)
    key="${rest%% *}"; val="${rest#* }"
    if [ "$val" = "$rest" ]; then echo "Two and exactly two arguments expected" >&2; exit 1; fi
    case "$key" in guestinfo.?*) ;; *) echo "Permission denied" >&2; exit 1 ;; esac
    case "$key" in */*) echo "Permission denied" >&2; exit 1 ;; esac
    mkdir -p "$S/guestinfo" "$S/rpc" || exit 1
    printf '%s' "$val" > "$S/guestinfo/.$key.$$" && mv "$S/guestinfo/.$key.$$" "$S/guestinfo/$key" || exit 1
    t="$S/rpc/.set.$$"
    printf '%s\n%s' "$key" "$val" > "$t" && mv "$t" "$S/rpc/set.$(date +%s%N).$$" || exit 1
    ;;
  info-get)
    case "$rest" in */*|"") echo "No value found" >&2; exit 1 ;; esac
    if [ -f "$S/guestinfo/$rest" ]; then cat "$S/guestinfo/$rest"; echo; exit 0; fi
    echo "No value found" >&2; exit 1 ;;
  *) echo "Unknown command" >&2; exit 1 ;;
esac
`,
	"vmware-toolbox-cmd": `#!/bin/sh
# fake vmware-toolbox-cmd / VMwareToolboxCmd.exe of the simulated guest (Tools 12.1)
S="${TESTVM_SIM_STATE:?}"
case "$*" in
  "info update network")
    mkdir -p "$S/rpc" || exit 1
    t="$S/rpc/.net.$$"
    : > "$t" && mv "$t" "$S/rpc/net.$(date +%s%N).$$" || exit 1 ;;
  -v|--version) echo "12.1.0.20219 (build-20219665)" ;;
  *) echo "vmware-toolbox-cmd: unknown command: $*" >&2; exit 1 ;;
esac
`,
}

// rpcToolAliases are other names of the same fake tools (Windows names lower-cased, without .exe).
var rpcToolAliases = map[string]string{
	"vmtoolsd":         "vmware-rpctool",
	"rpctool":          "vmware-rpctool",
	"vmwaretoolboxcmd": "vmware-toolbox-cmd",
}

func writeRPCTools(bin string) error {
	for name, body := range rpcTools {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			return err
		}
	}
	for alias, target := range rpcToolAliases {
		if err := os.WriteFile(filepath.Join(bin, alias), []byte(rpcTools[target]), 0o755); err != nil {
			return err
		}
	}
	return nil
}

func isRPCTool(name string) bool {
	_, ok := rpcTools[name]
	_, alias := rpcToolAliases[name]
	return ok || alias
}

// writeGuestInfo gives the guest's info-get the VM's current guestinfo.* values (the VMX's view).
func (s *Sim) writeGuestInfo(ctx *simulator.Context, vm *simulator.VirtualMachine, g *guestFS) {
	values := map[string]string{}
	ctx.WithLock(vm, func() {
		for _, ov := range vm.Config.ExtraConfig {
			if o := ov.GetOptionValue(); o != nil && strings.HasPrefix(o.Key, "guestinfo.") && !strings.Contains(o.Key, "/") {
				v, _ := o.Value.(string)
				values[o.Key] = v
			}
		}
	})
	dir := filepath.Join(g.state, "guestinfo")
	_ = s.scratch.do(func() error {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for k, v := range values {
			if _, err := os.Stat(filepath.Join(dir, k)); err == nil {
				continue // the guest's own info-set is newer than what vCenter shows yet
			}
			_ = os.WriteFile(filepath.Join(dir, k), []byte(v), 0o644)
		}
		return nil
	})
}

// watchRPC starts the VM's spool poller unless it runs; it stops once no guest process runs.
func (s *Sim) watchRPC(st *vmState, g *guestFS) {
	s.vms.mu.Lock()
	if st.rpcWatching {
		s.vms.mu.Unlock()
		return
	}
	st.rpcWatching = true
	s.vms.mu.Unlock()
	go func() {
		for {
			time.Sleep(20 * time.Millisecond)
			s.drainRPC(st, g)
			if st.procs.running() == 0 {
				s.vms.mu.Lock()
				st.rpcWatching = false
				s.vms.mu.Unlock()
				s.drainRPC(st, g) // requests written just before the last process ended
				return
			}
		}
	}()
}

// drainRPC applies the spooled requests in the order the guest made them.
func (s *Sim) drainRPC(st *vmState, g *guestFS) {
	dir := filepath.Join(g.state, rpcSpool)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	var names []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(dir, n)
		b, err := os.ReadFile(p)
		_ = os.Remove(p)
		if err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(n, "set."):
			key, value, _ := strings.Cut(string(b), "\n")
			s.propagate(st, func() { s.setGuestInfo(st, key, value) })
		case strings.HasPrefix(n, "net."):
			s.propagate(st, func() { s.republishNetwork(st) })
		}
	}
}

// propagate runs f once the VMX → hostd → vCenter delay has passed (dropped if the VM's power state changes).
func (s *Sim) propagate(st *vmState, f func()) {
	s.vms.mu.Lock()
	defer s.vms.mu.Unlock()
	gen := st.gen
	st.after(s.scaled(st.knobs.VCPropagationSeconds), func() {
		s.vms.mu.Lock()
		current := st.gen == gen
		s.vms.mu.Unlock()
		if current {
			f()
		}
	})
}

// setGuestInfo puts a guest-set guestinfo value into config.extraConfig, as vCenter shows it.
func (s *Sim) setGuestInfo(st *vmState, key, value string) {
	vm, ok := s.reg.Get(st.ref).(*simulator.VirtualMachine)
	if !ok {
		return
	}
	ctx := s.bgContext()
	ctx.WithLock(vm, func() {
		extra := mergeExtraConfig(vm.Config.ExtraConfig, []types.BaseOptionValue{&types.OptionValue{Key: key, Value: value}})
		if hasVcsimMarker(vm.Config.ExtraConfig) {
			extra = append(extra, &types.OptionValue{Key: "govcsim", Value: "TRUE"})
		}
		ctx.Update(vm, []types.PropertyChange{{Name: "config.extraConfig", Val: extra}})
	})
	logf("%s: guest set %s (%d bytes)", st.ref.Value, key, len(value))
}

func hasVcsimMarker(extra []types.BaseOptionValue) bool {
	for _, ov := range extra {
		if o := ov.GetOptionValue(); o != nil && o.Key == "govcsim" {
			return true
		}
	}
	return false
}

// republishNetwork: Tools send guest.net / guest.ipAddress now instead of at the next poll.
func (s *Sim) republishNetwork(st *vmState) {
	s.vms.mu.Lock()
	gen, running := st.gen, st.toolsRunning
	s.vms.mu.Unlock()
	if !running {
		return
	}
	s.withVMState(st, gen, func(*simulator.Context, *simulator.VirtualMachine) []types.PropertyChange {
		return s.publishLocked(st)
	})
}
