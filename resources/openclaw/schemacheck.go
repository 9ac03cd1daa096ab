package openclaw

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/hashicorp/hcl/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// validateDoc checks the document the writer will write against the JSON
// Schema of the installed OpenClaw (or, when it is not installed, a cached
// schema of the pinned version). A rejected value that a block set is an
// error at the manifest attribute that set it; a rejected value nobody in
// the manifest set is a warning, since clawplan does not touch it.
func validateDoc(ctx context.Context, h *resources.Host, home, prefix string, next *doc.Document, leaves []leaf, pinnedVersion string) (hcl.Diagnostics, []string) {
	raw, origin, note := schemaFor(ctx, h, home, prefix, pinnedVersion)
	if raw == nil {
		return nil, []string{note}
	}
	inst := doc.ToGo(next.Root)
	notes := []string{}
	if note != "" {
		notes = append(notes, note)
	}
	valid := fmt.Sprintf("openclaw.json validates against the JSON Schema of %s", origin)
	known := validatedBefore(h, origin, inst)
	if known.seen {
		return nil, append(notes, valid)
	}
	sch, err := compileSchema(h, origin, raw, inst)
	if err != nil {
		return nil, []string{fmt.Sprintf("warning: openclaw.json not validated: the JSON Schema of %s does not compile: %v", origin, err)}
	}
	err = sch.Validate(inst)
	if err == nil {
		known.remember()
		return nil, append(notes, valid)
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return nil, append(notes, fmt.Sprintf("warning: validating openclaw.json against %s: %v", origin, err))
	}
	diags := mapErrors(ve, next, leaves, origin)
	return diags, notes
}

// schemaFor returns the schema to validate with and where it comes from.
func schemaFor(ctx context.Context, h *resources.Host, home, prefix, pinnedVersion string) ([]byte, string, string) {
	inst, err := findOpenClaw(h, home, prefix, pinnedVersion)
	if err != nil {
		return nil, "", fmt.Sprintf("warning: openclaw.json not validated: %v", err)
	}
	if inst != nil {
		v, err := h.Memo("openclaw.schema-bytes:"+inst.version, func() (any, error) {
			if b, err := os.ReadFile(schemaCache(h, inst.version)); err == nil {
				return b, nil
			}
			return fetchSchema(ctx, h, inst)
		})
		if err != nil {
			return nil, "", fmt.Sprintf("warning: openclaw.json not validated against the installed OpenClaw %s: %v", inst.version, err)
		}
		note := ""
		if inst.version != pinnedVersion {
			note = fmt.Sprintf("warning: OpenClaw %s is installed (%s) but the manifest pins %s; validated against the installed version", inst.version, inst.bin, pinnedVersion)
		}
		return v.([]byte), "OpenClaw " + inst.version + " (installed)", note
	}
	if b, err := os.ReadFile(schemaCache(h, pinnedVersion)); err == nil {
		return b, "OpenClaw " + pinnedVersion + " (pinned; cached schema, not installed here)",
			fmt.Sprintf("OpenClaw is not installed on this host: validated against the cached schema of the pinned %s", pinnedVersion)
	}
	return nil, "", fmt.Sprintf("warning: openclaw.json could not be validated: no OpenClaw is installed on this host (openclaw on PATH, or %s) and no schema of the pinned %s is cached in %s; the next plan after OpenClaw is installed validates it", openclawEnv, pinnedVersion, schemaCache(h, pinnedVersion))
}

var printer = message.NewPrinter(language.English)

// schemaError is one rejected location and why.
type schemaError struct {
	path []string
	msg  string
}

// leafErrors flattens a validation error to its innermost causes.
func leafErrors(ve *jsonschema.ValidationError, out *[]schemaError) {
	if len(ve.Causes) > 0 {
		for _, c := range ve.Causes {
			leafErrors(c, out)
		}
		return
	}
	if ap, ok := ve.ErrorKind.(*kind.AdditionalProperties); ok {
		for _, p := range ap.Properties {
			*out = append(*out, schemaError{path: append(append([]string(nil), ve.InstanceLocation...), p), msg: "unknown key (not in this version's schema)"})
		}
		return
	}
	*out = append(*out, schemaError{path: ve.InstanceLocation, msg: kindMessage(ve.ErrorKind)})
}

// kindMessage says in words what a schema keyword wants.
func kindMessage(k jsonschema.ErrorKind) string {
	switch e := k.(type) {
	case *kind.ExclusiveMinimum:
		return fmt.Sprintf("%s is not accepted: the value must be greater than %s", e.Got.RatString(), e.Want.RatString())
	case *kind.Minimum:
		return fmt.Sprintf("%s is not accepted: the value must be at least %s", e.Got.RatString(), e.Want.RatString())
	case *kind.ExclusiveMaximum:
		return fmt.Sprintf("%s is not accepted: the value must be less than %s", e.Got.RatString(), e.Want.RatString())
	case *kind.Maximum:
		return fmt.Sprintf("%s is not accepted: the value must be at most %s", e.Got.RatString(), e.Want.RatString())
	case *kind.Type:
		return fmt.Sprintf("a %s is not accepted here: want %s", e.Got, strings.Join(e.Want, " or "))
	case *kind.Required:
		return fmt.Sprintf("missing required key(s) %s", strings.Join(e.Missing, ", "))
	}
	return k.LocalizedString(printer)
}

// mapErrors points each rejected location at the leaf that produced it.
func mapErrors(ve *jsonschema.ValidationError, next *doc.Document, leaves []leaf, origin string) hcl.Diagnostics {
	var errs []schemaError
	leafErrors(ve, &errs)
	ptrs := make([]string, len(leaves))
	for i, lf := range leaves {
		ptrs[i] = concretePointer(next.Root, lf.path)
	}
	seen := map[string]bool{}
	var diags hcl.Diagnostics
	for _, e := range errs {
		ptr := "/" + strings.Join(escapeAll(e.path), "/")
		if seen[ptr] {
			continue
		}
		seen[ptr] = true
		diags = append(diags, schemaDiag(e, ptr, ptrs, leaves, origin))
	}
	sort.SliceStable(diags, func(i, j int) bool { return diags[i].Severity < diags[j].Severity })
	return diags
}

func schemaDiag(e schemaError, ptr string, ptrs []string, leaves []leaf, origin string) *hcl.Diagnostic {
	if i := ownerOf(ptr, ptrs); i >= 0 {
		lf := leaves[i]
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("%s rejects %s", origin, lf.path),
			Detail:  fmt.Sprintf("%s: %s. %s sets it from %s; change that attribute (`openclaw config schema` prints what this version accepts).", displayPtr(ptr), e.msg, lf.owner, lf.attr),
			Subject: lf.rng.Ptr()}
	}
	return &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: fmt.Sprintf("%s rejects a key clawplan does not manage", origin),
		Detail: fmt.Sprintf("openclaw.json %s: %s. No block sets it, so clawplan leaves it alone; OpenClaw refuses this config until it is fixed by hand (`openclaw doctor --fix` migrates many old keys).", displayPtr(ptr), e.msg)}
}

// ownerOf finds the leaf at ptr, the leaf ptr lies inside, or the first
// leaf inside ptr (a required key missing from an object a block set).
func ownerOf(ptr string, ptrs []string) int {
	best, bestLen := -1, -1
	for i, p := range ptrs {
		if p == "" {
			continue
		}
		if p == ptr || strings.HasPrefix(ptr, p+"/") {
			if len(p) > bestLen {
				best, bestLen = i, len(p)
			}
		}
	}
	if best >= 0 {
		return best
	}
	for i, p := range ptrs {
		if p != "" && strings.HasPrefix(p, ptr+"/") {
			return i
		}
	}
	return -1
}

// concretePointer resolves a leaf path in the document to a JSON pointer
// (Where segments become the index of the element they select).
func concretePointer(root *doc.Value, p doc.Path) string {
	var b bytes.Buffer
	cur := root
	for _, s := range p {
		key := s.Key
		if s.Where != nil {
			idx := doc.Index(cur, s)
			if idx < 0 {
				return ""
			}
			key = fmt.Sprint(idx)
		}
		b.WriteByte('/')
		b.WriteString(escapePtr(key))
		if cur != nil {
			cur, _ = doc.Get(cur, doc.Path{s})
		}
	}
	return b.String()
}

func escapePtr(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

func escapeAll(ks []string) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = escapePtr(k)
	}
	return out
}

// displayPtr shows a pointer the way the plan shows paths.
func displayPtr(ptr string) string {
	p, err := doc.ParsePointer(ptr)
	if err != nil || len(p) == 0 {
		return ptr
	}
	return p.String()
}
