package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// Strict request checking: every SOAP body is checked against the vim25 schema before vcsim
// sees it, as vCenter's deserializer does (Go's XML decoder, and so vcsim, ignores unknown and
// missing elements and element order). govmomi's generated types are the schema: struct field
// order is the WSDL sequence, `omitempty` marks minOccurs=0, slices are maxOccurs=unbounded,
// Base* interfaces are the types with subtypes, string types with Values() are enums.
// A violation is answered with InvalidRequest, like vCenter.

const (
	soapEnvNS = "http://schemas.xmlsoap.org/soap/envelope/"
	xsiNS     = "http://www.w3.org/2001/XMLSchema-instance"
	maxDepth  = 64
)

var (
	morType  = reflect.TypeOf(types.ManagedObjectReference{})
	timeType = reflect.TypeOf(time.Time{})
	anyType  = reflect.TypeOf((*types.AnyType)(nil)).Elem()
)

// checkRequest validates a SOAP request; it returns the method name (if it got that far) and
// the reason the request is invalid, or nil.
func checkRequest(body []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	root, err := nextStart(d)
	if err != nil {
		return "", err
	}
	if root.Name.Local != "Envelope" || root.Name.Space != soapEnvNS {
		return "", fmt.Errorf("expected a SOAP Envelope, found element %q", root.Name.Local)
	}
	el, err := nextStart(d)
	if err != nil {
		return "", err
	}
	if el.Name.Local == "Header" && el.Name.Space == soapEnvNS {
		if err = d.Skip(); err != nil {
			return "", err
		}
		if el, err = nextStart(d); err != nil {
			return "", err
		}
	}
	if el.Name.Local != "Body" || el.Name.Space != soapEnvNS {
		return "", fmt.Errorf("expected the SOAP Body, found element %q", el.Name.Local)
	}
	call, err := nextStart(d)
	if err != nil {
		return "", err
	}
	method := call.Name.Local
	req, ok := types.TypeFunc()(method)
	if !ok || req.Kind() != reflect.Struct || !isRequestType(req) {
		return method, fmt.Errorf("unknown method %q", method)
	}
	v := &validator{d: d}
	if err := v.element(call, req, method, 0); err != nil {
		return method, fmt.Errorf("%w while parsing call information for method %s", err, method)
	}
	if err := v.rest(); err != nil {
		return method, err
	}
	return method, nil
}

// isRequestType: a method's request type starts with the _this reference.
func isRequestType(t reflect.Type) bool {
	return t.NumField() > 0 && t.Field(0).Name == "This" && t.Field(0).Type == morType
}

// nextStart returns the next start element; only whitespace may come before it.
func nextStart(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.StartElement{}, malformed(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return xml.StartElement{}, errors.New("unexpected text")
			}
		case xml.EndElement:
			return xml.StartElement{}, fmt.Errorf("unexpected end of element %q", t.Name.Local)
		}
	}
}

func malformed(err error) error {
	if errors.Is(err, io.EOF) {
		return errors.New("malformed XML: unexpected end of document")
	}
	return fmt.Errorf("malformed XML: %v", err)
}

type validator struct {
	d *xml.Decoder
}

// rest reads the remainder of the document: it must be well-formed and hold nothing else in the Body.
func (v *validator) rest() error {
	depth := 0
	for {
		tok, err := v.d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return malformed(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				return fmt.Errorf("unexpected element %q after the method call", t.Name.Local)
			}
			depth++
		case xml.EndElement:
			depth--
			if depth < -2 { // Body and Envelope close at -1 and -2
				return errors.New("malformed XML")
			}
		}
	}
}

// element validates one element (start already read) against the declared Go type.
func (v *validator) element(start xml.StartElement, declared reflect.Type, path string, depth int) error {
	if depth > maxDepth {
		return errors.New("request nested too deeply")
	}
	actual, err := resolveType(start, declared)
	if err != nil {
		return fmt.Errorf("%w at %s", err, path)
	}
	for actual.Kind() == reflect.Pointer {
		actual = actual.Elem()
	}
	switch {
	case actual == morType:
		return v.moRef(start, path)
	case actual.Kind() == reflect.Struct && actual != timeType:
		return v.structure(actual, path, depth)
	default:
		text, err := v.text(path)
		if err != nil {
			return err
		}
		if err := checkValue(actual, text); err != nil {
			return fmt.Errorf("%w at %s", err, path)
		}
		return nil
	}
}

// resolveType applies xsi:type to the declared type, checking the subtype relation.
func resolveType(start xml.StartElement, declared reflect.Type) (reflect.Type, error) {
	xsiType := ""
	for _, a := range start.Attr {
		if a.Name.Local == "type" && a.Name.Space == xsiNS {
			xsiType = a.Value
		}
	}
	base := declared
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if xsiType == "" {
		switch {
		case base == anyType || (base.Kind() == reflect.Interface && base.NumMethod() == 0):
			return nil, errors.New("xsi:type missing for a value of type anyType")
		case base.Kind() == reflect.Interface:
			t, ok := types.TypeFunc()(strings.TrimPrefix(base.Name(), "Base"))
			if !ok {
				return nil, fmt.Errorf("no type for %s", base.Name())
			}
			return t, nil
		}
		return declared, nil
	}
	name := xsiType
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	if prim, ok := xsdTypes[name]; ok {
		if base == anyType || base == prim || (base.Kind() == prim.Kind() && base.Kind() == reflect.String) {
			return prim, nil
		}
		return nil, fmt.Errorf("xsi:type %q is not a subtype of %s", xsiType, typeName(base))
	}
	t, ok := types.TypeFunc()(name)
	if !ok {
		return nil, fmt.Errorf("unknown type %q", xsiType)
	}
	switch {
	case base == anyType || (base.Kind() == reflect.Interface && base.NumMethod() == 0):
		return t, nil
	case base.Kind() == reflect.Interface:
		if reflect.PointerTo(t).Implements(base) || t.Implements(base) {
			return t, nil
		}
	case t == base:
		return t, nil
	}
	return nil, fmt.Errorf("xsi:type %q is not a subtype of %s", xsiType, typeName(base))
}

func typeName(t reflect.Type) string {
	if t.Kind() == reflect.Interface {
		return strings.TrimPrefix(t.Name(), "Base")
	}
	return t.Name()
}

// xsdTypes are the XML Schema types an anyType value may carry.
var xsdTypes = map[string]reflect.Type{
	"string": reflect.TypeOf(""), "boolean": reflect.TypeOf(false), "int": reflect.TypeOf(int32(0)),
	"long": reflect.TypeOf(int64(0)), "short": reflect.TypeOf(int16(0)), "byte": reflect.TypeOf(int8(0)),
	"float": reflect.TypeOf(float32(0)), "double": reflect.TypeOf(float64(0)), "dateTime": timeType,
	"base64Binary": reflect.TypeOf([]byte(nil)), "anyURI": reflect.TypeOf(""),
}

// moRef: a ManagedObjectReference needs a type attribute naming a managed object type, and a value.
func (v *validator) moRef(start xml.StartElement, path string) error {
	kind := ""
	for _, a := range start.Attr {
		if a.Name.Local == "type" && a.Name.Space == "" {
			kind = a.Value
		}
	}
	text, err := v.text(path)
	if err != nil {
		return err
	}
	switch {
	case kind == "":
		return fmt.Errorf("ManagedObjectReference without type attribute at %s", path)
	case !knownMOType(kind):
		return fmt.Errorf("unknown managed object type %q at %s", kind, path)
	case strings.TrimSpace(text) == "":
		return fmt.Errorf("ManagedObjectReference without value at %s", path)
	}
	return nil
}

var moTypes sync.Map

// knownMOType tells whether name is a vim25 managed object type (govmomi's mo registry panics on others).
func knownMOType(name string) (known bool) {
	if k, ok := moTypes.Load(name); ok {
		return k.(bool)
	}
	defer func() {
		if recover() != nil {
			known = false
		}
		moTypes.Store(name, known)
	}()
	_, _ = mo.ObjectContentToType(types.ObjectContent{Obj: types.ManagedObjectReference{Type: name, Value: "x"}})
	return true
}

// text reads an element's character content; child elements are not allowed.
func (v *validator) text(path string) (string, error) {
	var b strings.Builder
	for {
		tok, err := v.d.Token()
		if err != nil {
			return "", malformed(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			return "", fmt.Errorf("unexpected element tag %q seen in simple value %s", t.Name.Local, path)
		case xml.EndElement:
			return b.String(), nil
		}
	}
}

// checkValue checks a simple value's lexical form (and enum values).
func checkValue(t reflect.Type, text string) error {
	s := strings.TrimSpace(text)
	var err error
	switch {
	case t == timeType:
		_, err = time.Parse(time.RFC3339Nano, s)
	case t.Kind() == reflect.Slice: // base64Binary
		return nil
	case t.Kind() == reflect.Bool:
		if s != "true" && s != "false" && s != "1" && s != "0" {
			err = fmt.Errorf("%q is not a boolean", s)
		}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		_, err = strconv.ParseInt(s, 10, t.Bits())
	case t.Kind() == reflect.Uint8: // bytes of a ByteSlice are signed on the wire
		_, err = strconv.ParseInt(s, 10, 16)
	case t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uint64:
		_, err = strconv.ParseUint(s, 10, t.Bits())
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		_, err = strconv.ParseFloat(s, t.Bits())
	case t.Kind() == reflect.String:
		return checkEnum(t, text)
	}
	if err != nil {
		return fmt.Errorf("invalid %s value %q", typeName(t), s)
	}
	return nil
}

// checkEnum: govmomi's enum types have Values(); a value outside them is refused.
func checkEnum(t reflect.Type, text string) error {
	m, ok := t.MethodByName("Values")
	if !ok || t.PkgPath() != morType.PkgPath() {
		return nil
	}
	vals := m.Func.Call([]reflect.Value{reflect.Zero(t)})[0]
	for i := 0; i < vals.Len(); i++ {
		if vals.Index(i).String() == text {
			return nil
		}
	}
	return fmt.Errorf("invalid value %q for enum %s", text, t.Name())
}

// fieldInfo is one element of a struct's sequence.
type fieldInfo struct {
	name     string
	typ      reflect.Type // element type (slice element for repeated fields)
	repeated bool
	required bool
}

var fieldCache sync.Map

// fieldsOf lists a struct's elements in sequence order, embedded (base type) fields first.
func fieldsOf(t reflect.Type) []fieldInfo {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]fieldInfo)
	}
	var out []fieldInfo
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, fieldsOf(f.Type)...)
			continue
		}
		tag := f.Tag.Get("xml")
		name, opts, _ := strings.Cut(tag, ",")
		if tag == "-" || name == "" || !f.IsExported() {
			continue
		}
		fi := fieldInfo{name: name, typ: f.Type, required: !strings.Contains(opts, "omitempty")}
		if f.Type.Kind() == reflect.Slice {
			fi.repeated, fi.typ = true, f.Type.Elem()
		}
		if f.Type.Kind() == reflect.Pointer {
			fi.required = false
		}
		out = append(out, fi)
	}
	fieldCache.Store(t, out)
	return out
}

// structure validates a data object's children: known elements, in sequence order, required ones present.
func (v *validator) structure(t reflect.Type, path string, depth int) error {
	fields := fieldsOf(t)
	seen := make([]bool, len(fields))
	cur := 0
	for {
		tok, err := v.d.Token()
		if err != nil {
			return malformed(err)
		}
		switch tk := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(tk)) > 0 {
				return fmt.Errorf("unexpected text in data object of type %s at %s", t.Name(), path)
			}
		case xml.EndElement:
			return missingFrom(fields, seen, len(fields), t, path)
		case xml.StartElement:
			j := indexFrom(fields, tk.Name.Local, cur)
			switch {
			case j < 0 && indexFrom(fields, tk.Name.Local, 0) >= 0:
				return fmt.Errorf("element %q out of order in data object of type %s at %s", tk.Name.Local, t.Name(), path)
			case j < 0:
				return fmt.Errorf("unexpected element tag %q seen in data object of type %s at %s", tk.Name.Local, t.Name(), path)
			case seen[j] && !fields[j].repeated:
				return fmt.Errorf("element %q repeated in data object of type %s at %s", tk.Name.Local, t.Name(), path)
			}
			if err := missingFrom(fields, seen, j, t, path); err != nil {
				return err
			}
			if err := v.element(tk, fields[j].typ, path+"."+tk.Name.Local, depth+1); err != nil {
				return err
			}
			seen[j], cur = true, j
		}
	}
}

// indexFrom finds the field called name at position >= from.
func indexFrom(fields []fieldInfo, name string, from int) int {
	for j := from; j < len(fields); j++ {
		if fields[j].name == name {
			return j
		}
	}
	return -1
}

// missingFrom reports the first required field before position upto that was not seen.
func missingFrom(fields []fieldInfo, seen []bool, upto int, t reflect.Type, path string) error {
	for j := 0; j < upto; j++ {
		if fields[j].required && !seen[j] {
			return fmt.Errorf("required property %s is missing from data object of type %s at %s", fields[j].name, t.Name(), path)
		}
	}
	return nil
}

// invalidRequestFault is vCenter's answer to a request its deserializer refuses.
func invalidRequestFault(msg string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ` +
		`xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>`)
	_ = xml.EscapeText(&b, []byte(msg))
	b.WriteString(`</faultstring><detail><InvalidRequestFault xmlns="urn:vim25" xsi:type="InvalidRequest"></InvalidRequestFault></detail>` +
		`</soapenv:Fault></soapenv:Body></soapenv:Envelope>`)
	return b.Bytes()
}
