package main

import (
	"strconv"
	"strings"

	"github.com/vmware/govmomi/vim25/types"
)

// Knobs are read from a VM's extraConfig (prefix testvm.sim.); clones inherit them.
const knobPrefix = "testvm.sim."

// UIDKey is the extraConfig key the operator puts on its VMs.
const UIDKey = "testvm.dev/uid"

// Knobs is the parsed set of per-VM simulation settings; all seconds are before time-scale.
type Knobs struct {
	OS                  string  // linux | windows
	ToolsSeconds        float64 // power-on -> Tools running
	IPSeconds           float64 // power-on -> guest has its IP
	APIPASeconds        float64 // > 0: guest has 169.254.x.y from IPSeconds, real IP this much later
	ToolsPollSeconds    float64 // Tools publish guest.ipAddress / guest.net every this many seconds
	GuestUser           string
	GuestPassword       string
	IPFamily            string // ipv4 | ipv6 | dual
	NICs                int    // NICs the guest configures (0 = all)
	CloneFullSeconds    float64
	CloneLinkedSeconds  float64
	CloneInstantSeconds float64
	InstantIPSeconds    float64
	PowerOnSeconds      float64
	// VCPropagationSeconds: a guest-set guestinfo value or a forced Tools network update
	// (vmware-toolbox-cmd info update network) reaches vCenter's view this long after the guest made it.
	VCPropagationSeconds float64
	// ProcessStartSeconds: a guest process starts running this long after StartProgramInGuest,
	// "S" or a triangular spread "MIN:MODE:MAX"; "" = the OS default (see processStartDelay).
	ProcessStartSeconds string
}

func defaultKnobs() Knobs {
	return Knobs{
		OS:                   "linux",
		ToolsSeconds:         20,
		IPSeconds:            21.5,
		ToolsPollSeconds:     30,
		GuestUser:            "testvm",
		GuestPassword:        "testvm-guest-pw",
		IPFamily:             "ipv4",
		CloneFullSeconds:     10,
		CloneLinkedSeconds:   1,
		CloneInstantSeconds:  1,
		InstantIPSeconds:     1.5,
		PowerOnSeconds:       0.5,
		VCPropagationSeconds: 1,
	}
}

// secondsKnobs are the knobs that take seconds (a number >= 0), each with its field.
var secondsKnobs = map[string]func(*Knobs) *float64{
	"toolsSeconds":         func(k *Knobs) *float64 { return &k.ToolsSeconds },
	"ipSeconds":            func(k *Knobs) *float64 { return &k.IPSeconds },
	"apipaSeconds":         func(k *Knobs) *float64 { return &k.APIPASeconds },
	"toolsPollSeconds":     func(k *Knobs) *float64 { return &k.ToolsPollSeconds },
	"cloneSeconds.full":    func(k *Knobs) *float64 { return &k.CloneFullSeconds },
	"cloneSeconds.linked":  func(k *Knobs) *float64 { return &k.CloneLinkedSeconds },
	"cloneSeconds.instant": func(k *Knobs) *float64 { return &k.CloneInstantSeconds },
	"instantIpSeconds":     func(k *Knobs) *float64 { return &k.InstantIPSeconds },
	"powerOnSeconds":       func(k *Knobs) *float64 { return &k.PowerOnSeconds },
	"vcPropagationSeconds": func(k *Knobs) *float64 { return &k.VCPropagationSeconds },
}

// parseKnobs reads the knobs out of an extraConfig list; unknown or malformed values keep defaults.
func parseKnobs(extra []types.BaseOptionValue) Knobs {
	k := defaultKnobs()
	for _, ov := range extra {
		if ov == nil {
			continue
		}
		o := ov.GetOptionValue()
		if o == nil || !strings.HasPrefix(o.Key, knobPrefix) {
			continue
		}
		v, _ := o.Value.(string)
		k.set(strings.TrimPrefix(o.Key, knobPrefix), v)
	}
	if k.ToolsPollSeconds <= 0 {
		k.ToolsPollSeconds = 30
	}
	return k
}

// set applies one knob (key without the prefix); a malformed value or unknown key changes nothing.
func (k *Knobs) set(key, v string) {
	if field, ok := secondsKnobs[key]; ok {
		if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 {
			*field(k) = f
		}
		return
	}
	switch key {
	case "os":
		if v == "windows" || v == "linux" {
			k.OS = v
		}
	case "guestUser":
		k.GuestUser = v
	case "guestPassword":
		k.GuestPassword = v
	case "ipFamily":
		if v == "ipv4" || v == "ipv6" || v == "dual" {
			k.IPFamily = v
		}
	case "nics":
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
			k.NICs = n
		}
	case "processStartSeconds":
		if _, _, _, ok := parseSpread(v); ok {
			k.ProcessStartSeconds = v
		}
	}
}

// extraConfigValue returns the string value of key, or "".
func extraConfigValue(extra []types.BaseOptionValue, key string) string {
	for _, ov := range extra {
		if ov == nil {
			continue
		}
		if o := ov.GetOptionValue(); o != nil && o.Key == key {
			s, _ := o.Value.(string)
			return s
		}
	}
	return ""
}

// mergeExtraConfig returns base overlaid with over (same key: over wins), in stable order.
// vcsim's own marker key "govcsim" is dropped: vcsim adds it to every new VM itself.
func mergeExtraConfig(base, over []types.BaseOptionValue) []types.BaseOptionValue {
	var out []types.BaseOptionValue
	idx := map[string]int{}
	add := func(list []types.BaseOptionValue) {
		for _, ov := range list {
			if ov == nil {
				continue
			}
			o := ov.GetOptionValue()
			if o == nil || o.Key == "" || o.Key == "govcsim" {
				continue
			}
			cp := &types.OptionValue{Key: o.Key, Value: o.Value}
			if i, ok := idx[o.Key]; ok {
				out[i] = cp
				continue
			}
			idx[o.Key] = len(out)
			out = append(out, cp)
		}
	}
	add(base)
	add(over)
	return out
}

// knobOptions turns a key/value map into extraConfig entries with the knob prefix.
func knobOptions(kv map[string]string) []types.BaseOptionValue {
	var out []types.BaseOptionValue
	for _, k := range sortedKeys(kv) {
		out = append(out, &types.OptionValue{Key: knobPrefix + k, Value: kv[k]})
	}
	return out
}
