package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// DefaultStateDir is where snapshots, the journal and generations live
// when the clawplan block does not say otherwise.
const DefaultStateDir = "/var/lib/clawplan"

// Manifest is a loaded manifest.
type Manifest struct {
	// Path is the file or directory it was loaded from.
	Path string
	// Dir is the directory relative paths (file(), templatefile()) resolve against.
	Dir string
	// Files are the sources by name, for diagnostic snippets: their bytes
	// and an outline of their blocks, not their syntax trees.
	Files map[string]*hcl.File
	// Hash covers every file's name and bytes.
	Hash     string
	Settings Settings
	// Variables are the declared variables, in declaration order.
	Variables []*Variable
	// Locals are the evaluated local values.
	Locals map[string]cty.Value
	// Blocks are the declared resource blocks, in file order.
	Blocks []*Block

	index map[resources.Addr]*Block
	funcs map[string]function.Function
}

// Settings is the clawplan block.
type Settings struct {
	StateDir string
}

// Block is one declared resource block.
type Block struct {
	Addr resources.Addr
	// Body is the block body without its meta-arguments (depends_on);
	// nil after ReleaseBodies.
	Body hcl.Body
	// DefRange is the block header, TypeRange its type keyword.
	DefRange hcl.Range
	// DependsOn are the addresses depends_on names, with their ranges.
	DependsOn []Ref
}

// Ref is a reference from one block to another, with where it is written.
type Ref struct {
	Addr  resources.Addr
	Range hcl.Range
}

// ReleaseBodies drops every block's body once the blocks are decoded, so
// that the syntax trees can be freed: what a plan needs of them is in the
// resources and in Files.
func (m *Manifest) ReleaseBodies() {
	for _, b := range m.Blocks {
		b.Body = nil
	}
}

// Block returns the declared block at addr.
func (m *Manifest) Block(a resources.Addr) (*Block, bool) {
	b, ok := m.index[a]
	return b, ok
}

// Options are the values given from outside the manifest.
type Options struct {
	Vars     []string // -var NAME=VALUE, in order
	VarFiles []string // -var-file FILE, in order
	Environ  []string // the process environment, for CLAWPLAN_VAR_NAME
}

// Load reads the manifest at path (a .hcl file or a directory of them).
func Load(path string, opts Options) (*Manifest, hcl.Diagnostics) {
	files, diags := manifestFiles(path)
	if diags.HasErrors() {
		return nil, diags
	}
	m := &Manifest{Path: path, Files: map[string]*hcl.File{}, index: map[resources.Addr]*Block{}}
	m.Dir = path
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		m.Dir = filepath.Dir(path)
	}
	parser := hclparse.NewParser()
	h := sha256.New()
	var bodies []hcl.Body
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read manifest file",
				Detail: fmt.Sprintf("%s: %v. Check the path and its permissions.", name, err)})
			continue
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.Base(name), len(src))
		h.Write(src)
		if d := precheck(name, src); d.HasErrors() {
			diags = append(diags, d...)
			continue
		}
		if chunks, ok := parseLarge(src, name); ok {
			m.Files[name] = &hcl.File{Bytes: src, Nav: outlineOf(chunks...)}
			for _, c := range chunks {
				bodies = append(bodies, c)
			}
			continue
		}
		f, d := parser.ParseHCL(src, name)
		diags = append(diags, d...)
		if f != nil {
			m.Files[name] = snippetFile(f)
			bodies = append(bodies, f.Body)
		}
	}
	m.Hash = hex.EncodeToString(h.Sum(nil))
	if diags.HasErrors() {
		return m, diags
	}
	diags = append(diags, m.decode(bodies, opts)...)
	return m, diags
}

// manifestFiles lists the .hcl files of path, sorted.
func manifestFiles(path string) ([]string, hcl.Diagnostics) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Manifest not found",
			Detail: fmt.Sprintf("%v. Pass a .hcl file or a directory holding .hcl files (default: the current directory).", err)}}
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	matches, _ := filepath.Glob(filepath.Join(path, "*.hcl"))
	sort.Strings(matches)
	if len(matches) == 0 {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "No manifest files",
			Detail: fmt.Sprintf("The directory %s holds no .hcl files. Pass the directory of your manifest, or a .hcl file.", path)}}
	}
	return matches, nil
}

// topSchema is what a manifest file may hold at its top level.
func topSchema() *hcl.BodySchema {
	s := &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
		{Type: "clawplan"},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
	}}
	for _, t := range resources.BlockTypes {
		s.Blocks = append(s.Blocks, hcl.BlockHeaderSchema{Type: t, LabelNames: []string{"name"}})
	}
	return s
}

// decode reads the top-level blocks of every file.
func (m *Manifest) decode(bodies []hcl.Body, opts Options) hcl.Diagnostics {
	var diags hcl.Diagnostics
	var localsBlocks, varBlocks []*hcl.Block
	m.Settings.StateDir = DefaultStateDir
	seenSettings := false
	for _, body := range bodies {
		content, d := body.Content(topSchema())
		diags = append(diags, d...)
		for _, blk := range content.Blocks {
			switch blk.Type {
			case "clawplan":
				if seenSettings {
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate clawplan block",
						Detail: "Only one clawplan settings block is allowed in a manifest; merge them.", Subject: blk.DefRange.Ptr()})
				}
				seenSettings = true
				diags = append(diags, m.decodeSettings(blk)...)
			case "variable":
				varBlocks = append(varBlocks, blk)
			case "locals":
				localsBlocks = append(localsBlocks, blk)
			default:
				diags = append(diags, m.addBlock(blk)...)
			}
		}
	}
	vars, d := decodeVariables(varBlocks)
	diags = append(diags, d...)
	m.Variables = vars
	if diags.HasErrors() {
		return diags
	}
	diags = append(diags, m.assignVariables(opts)...)
	if diags.HasErrors() {
		return diags
	}
	m.funcs = Functions(m.Dir)
	diags = append(diags, m.evalLocals(localsBlocks)...)
	if diags.HasErrors() {
		return diags
	}
	for _, b := range m.Blocks {
		diags = append(diags, m.resolveDependsOn(b)...)
	}
	return diags
}

func (m *Manifest) decodeSettings(blk *hcl.Block) hcl.Diagnostics {
	content, diags := blk.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "state_dir"}}})
	if a, ok := content.Attributes["state_dir"]; ok {
		v, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		if !d.HasErrors() {
			if v.Type() != cty.String || v.IsNull() || !strings.HasPrefix(v.AsString(), "/") {
				return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid state_dir",
					Detail: `state_dir must be an absolute path string, such as "/var/lib/clawplan".`, Subject: a.Expr.Range().Ptr()})
			}
			m.Settings.StateDir = v.AsString()
		}
	}
	return diags
}

func (m *Manifest) addBlock(blk *hcl.Block) hcl.Diagnostics {
	addr := resources.Addr{Kind: blk.Type, Name: blk.Labels[0]}
	if !hclsyntax.ValidIdentifier(addr.Name) {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid block name",
			Detail:  fmt.Sprintf("%q is not a valid name: use letters, digits, underscores and dashes, starting with a letter.", addr.Name),
			Subject: blk.LabelRanges[0].Ptr()}}
	}
	if prev, dup := m.index[addr]; dup {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Duplicate block",
			Detail:  fmt.Sprintf("%s is already declared at %s. Each TYPE \"NAME\" must be unique; rename or merge one of them.", addr, prev.DefRange),
			Subject: blk.DefRange.Ptr()}}
	}
	b := &Block{Addr: addr, Body: blk.Body, DefRange: blk.DefRange}
	m.index[addr] = b
	m.Blocks = append(m.Blocks, b)
	return nil
}
