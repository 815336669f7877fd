package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// One planted violation per rule: each is refused with InvalidRequest and counted; the same
// request without the violation is served.
func TestStrictRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.vm("Templates/ubuntu-22.04")
	vm := e.clone(src, "strict", e.cloneSpec(src, true, nil)).Reference().Value

	retrieve := func(propSet, objExtra, options string) string {
		return `<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><specSet>` +
			propSet + `<objectSet><obj type="VirtualMachine">` + vm + `</obj><skip>false</skip>` + objExtra + `</objectSet></specSet>` +
			options + `</RetrievePropertiesEx>`
	}
	okPropSet := `<propSet><type>VirtualMachine</type><all>false</all><pathSet>name</pathSet></propSet>`
	reconfig := func(this, spec string) string {
		return `<ReconfigVM_Task xmlns="urn:vim25">` + this + `<spec>` + spec + `</spec></ReconfigVM_Task>`
	}
	vmThis := `<_this type="VirtualMachine">` + vm + `</_this>`
	extra := func(value string) string {
		return reconfig(vmThis, `<extraConfig xsi:type="OptionValue"><key>guestinfo.a</key>`+value+`</extraConfig>`)
	}
	device := func(op, dev string) string {
		return reconfig(vmThis, `<deviceChange><operation>`+op+`</operation>`+dev+`</deviceChange>`)
	}
	nic := `<device xsi:type="VirtualVmxnet3"><key>-1</key></device>`

	valid := map[string]string{
		"RetrievePropertiesEx": retrieve(okPropSet, "", "<options></options>"),
		"extraConfig string":   extra(`<value xsi:type="xsd:string">b</value>`),
		"deviceChange add":     device("add", nic),
	}
	for name, body := range valid {
		if code, resp := e.rawSOAP(body); code != 200 {
			t.Errorf("valid %s refused: %d %s", name, code, resp)
		}
	}

	violations := []struct{ rule, body, want string }{
		{"malformed XML", retrieve(okPropSet, "", "<options>"), "malformed XML"},
		{"character XML 1.0 cannot carry", extra(`<value xsi:type="xsd:string">a&#1;b</value>`), "malformed XML"},
		{"unknown element", retrieve(okPropSet, "<bogus>1</bogus>", "<options></options>"), `unexpected element tag "bogus"`},
		{"element order", retrieve(`<propSet><type>VirtualMachine</type><pathSet>name</pathSet><all>false</all></propSet>`, "", "<options></options>"), "out of order"},
		{"missing required element", retrieve(okPropSet, "", ""), "required property options is missing"},
		{"repeated single element", retrieve(`<propSet><type>VirtualMachine</type><type>Folder</type></propSet>`, "", "<options></options>"), "repeated"},
		{"enum value", device("explode", nic), `invalid value "explode" for enum VirtualDeviceConfigSpecOperation`},
		{"unknown xsi:type", device("add", `<device xsi:type="VirtualBanana"><key>-1</key></device>`), `unknown type "VirtualBanana"`},
		{"xsi:type not a subtype", device("add", `<device xsi:type="VirtualMachineCloneSpec"><key>-1</key></device>`), "is not a subtype of VirtualDevice"},
		{"anyType without xsi:type", extra(`<value>b</value>`), "xsi:type missing"},
		{"integer lexical form", device("add", `<device xsi:type="VirtualVmxnet3"><key>minus one</key></device>`), "invalid  value"},
		{"ManagedObjectReference type unknown", reconfig(`<_this type="Banana">`+vm+`</_this>`, ""), `unknown managed object type "Banana"`},
		{"ManagedObjectReference without type", reconfig(`<_this>`+vm+`</_this>`, ""), "without type attribute"},
		{"unknown method", `<LaunchRocket xmlns="urn:vim25"><_this type="Folder">group-d1</_this></LaunchRocket>`, `unknown method "LaunchRocket"`},
	}
	for _, v := range violations {
		code, resp := e.rawSOAP(v.body)
		want := strings.ReplaceAll(v.want, "invalid  value", "invalid int32 value")
		if code != 500 || !strings.Contains(resp, `xsi:type="InvalidRequest"`) || !strings.Contains(resp, xmlEscape(want)) {
			t.Errorf("%s: %d %s", v.rule, code, resp)
		}
	}

	code, body := e.control("GET", "/stats", "")
	var st Stats
	if code != 200 || json.Unmarshal([]byte(body), &st) != nil {
		t.Fatalf("stats: %d %s", code, body)
	}
	if st.InvalidRequests != int64(len(violations)) || st.InvalidByMethod["ReconfigVM_Task"] < 5 || len(st.LastInvalidReasons) == 0 {
		t.Errorf("stats: %d invalid (want %d), by method %v", st.InvalidRequests, len(violations), st.InvalidByMethod)
	}
}

// A raw control character in a request (not even escaped) is refused before anything is done.
func TestStrictRefusesRawControlCharacter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := fmt.Sprintf(`<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this>`+
		`<specSet><propSet><type>VirtualMachine%c</type></propSet><objectSet><obj type="Folder">group-d1</obj></objectSet></specSet>`+
		`<options></options></RetrievePropertiesEx>`, 0x01)
	if code, resp := e.rawSOAP(body); code != 500 || !strings.Contains(resp, "InvalidRequest") {
		t.Errorf("%d %s", code, resp)
	}
}

// -lenient turns checking off (vcsim's own decoder then ignores what it does not know).
func TestLenientServesUnknownElements(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, Options{TimeScale: testScale, Lenient: true})
	body := `<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><specSet>` +
		`<propSet><type>Folder</type><pathSet>name</pathSet></propSet><objectSet><obj type="Folder">group-d1</obj><bogus/></objectSet>` +
		`</specSet><options></options></RetrievePropertiesEx>`
	if code, resp := e.rawSOAP(body); code != 200 {
		t.Errorf("lenient: %d %s", code, resp)
	}
	_ = time.Second
}

func xmlEscape(s string) string {
	return strings.NewReplacer(`"`, "&#34;", "<", "&lt;", ">", "&gt;", "'", "&#39;").Replace(s)
}
