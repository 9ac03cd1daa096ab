package config

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-cty-funcs/cidr"
	"github.com/hashicorp/go-cty-funcs/collection"
	"github.com/hashicorp/go-cty-funcs/encoding"
	"github.com/hashicorp/go-cty-funcs/filesystem"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Functions returns the function library manifests may call, with file
// paths resolving against dir: the cty standard library (strings,
// collections, numbers, encoding), file, templatefile, the CIDR functions,
// base64, try and can.
func Functions(dir string) map[string]function.Function {
	fs := map[string]function.Function{
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc,
		"max": stdlib.MaxFunc, "min": stdlib.MinFunc, "parseint": stdlib.ParseIntFunc,
		"chomp": stdlib.ChompFunc, "format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc,
		"indent": stdlib.IndentFunc, "join": stdlib.JoinFunc, "split": stdlib.SplitFunc,
		"lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc, "title": stdlib.TitleFunc,
		"replace": stdlib.ReplaceFunc, "regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc,
		"substr": stdlib.SubstrFunc, "trim": stdlib.TrimFunc, "trimspace": stdlib.TrimSpaceFunc,
		"trimprefix": stdlib.TrimPrefixFunc, "trimsuffix": stdlib.TrimSuffixFunc, "strrev": stdlib.ReverseFunc,
		"concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc, "distinct": stdlib.DistinctFunc,
		"element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc, "keys": stdlib.KeysFunc,
		"values": stdlib.ValuesFunc, "length": stdlib.LengthFunc, "lookup": stdlib.LookupFunc,
		"merge": stdlib.MergeFunc, "range": stdlib.RangeFunc, "reverse": stdlib.ReverseListFunc,
		"setunion": stdlib.SetUnionFunc, "setintersection": stdlib.SetIntersectionFunc,
		"setsubtract": stdlib.SetSubtractFunc, "slice": stdlib.SliceFunc, "sort": stdlib.SortFunc,
		"zipmap": stdlib.ZipmapFunc, "chunklist": stdlib.ChunklistFunc, "compact": stdlib.CompactFunc,
		"coalesce": collection.CoalesceFunc, "coalescelist": stdlib.CoalesceListFunc,
		"index": stdlib.IndexFunc, "jsonencode": stdlib.JSONEncodeFunc, "jsondecode": stdlib.JSONDecodeFunc,
		"csvdecode": stdlib.CSVDecodeFunc, "tostring": stdlib.MakeToFunc(cty.String),
		"tonumber": stdlib.MakeToFunc(cty.Number), "tobool": stdlib.MakeToFunc(cty.Bool),
		"tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)), "toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap":      stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"cidrsubnet": cidr.SubnetFunc, "cidrsubnets": cidr.SubnetsFunc, "cidrhost": cidr.HostFunc, "cidrnetmask": cidr.NetmaskFunc,
		"base64encode": encoding.Base64EncodeFunc, "base64decode": encoding.Base64DecodeFunc, "urlencode": encoding.URLEncodeFunc,
		"file": filesystem.MakeFileFunc(dir, false), "fileexists": filesystem.MakeFileExistsFunc(dir),
		"basename": filesystem.BasenameFunc, "dirname": filesystem.DirnameFunc,
		"try": tryfunc.TryFunc, "can": tryfunc.CanFunc,
	}
	fs["templatefile"] = makeTemplateFileFunc(dir, fs)
	return fs
}

// makeTemplateFileFunc returns templatefile(path, vars): the file at path,
// relative to dir, rendered as an HCL template with vars as its variables.
func makeTemplateFileFunc(dir string, funcs map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "vars", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return cty.NilVal, fmt.Errorf("cannot read template: %v", err)
			}
			expr, diags := hclsyntax.ParseTemplate(src, p, hcl.InitialPos)
			if diags.HasErrors() {
				return cty.NilVal, diags
			}
			vars := map[string]cty.Value{}
			if vt := args[1].Type(); !args[1].IsNull() && (vt.IsObjectType() || vt.IsMapType()) {
				vars = args[1].AsValueMap()
			}
			val, diags := expr.Value(&hcl.EvalContext{Variables: vars, Functions: funcs})
			if diags.HasErrors() {
				return cty.NilVal, diags
			}
			return val, nil
		},
	})
}
