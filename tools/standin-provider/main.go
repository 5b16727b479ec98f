// Command standin-provider is a Terraform provider (plugin protocol 5) that serves a provider schema
// recorded in the `terraform providers schema -json` format, for providers whose real binary cannot
// be built on this machine (see README, "Providers"). It is a test double and says so:
//
//   - GetProviderSchema returns the recorded schema, so terraform core validates configuration
//     (unknown attributes, missing required ones, types) exactly as it would against the real one.
//   - PlanResourceChange plans the proposed new state (config merged with prior state by terraform);
//     on create, computed attributes left null become unknown. No ForceNew knowledge: updates are
//     planned as in-place updates.
//   - ReadDataSource answers from a recorded-responses file ($STANDIN_DATA_FILE), matched on the
//     data source's configured arguments, and fails loudly when nothing matches.
//   - ApplyResourceChange refuses: a stand-in must never be used to change real infrastructure.
//
// The schema file is schema.json beside the executable (the mirror directory), so terraform's own
// provider installation carries it along.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tfprotov5/tf5server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

type jsonAttr struct {
	Type      json.RawMessage `json:"type"`
	Required  bool            `json:"required"`
	Optional  bool            `json:"optional"`
	Computed  bool            `json:"computed"`
	Sensitive bool            `json:"sensitive"`
}

type jsonBlock struct {
	Attributes map[string]jsonAttr        `json:"attributes"`
	BlockTypes map[string]jsonNestedBlock `json:"block_types"`
}

type jsonNestedBlock struct {
	NestingMode string    `json:"nesting_mode"`
	Block       jsonBlock `json:"block"`
	MinItems    int64     `json:"min_items"`
	MaxItems    int64     `json:"max_items"`
}

type jsonSchema struct {
	Version int64     `json:"version"`
	Block   jsonBlock `json:"block"`
}

type jsonProvider struct {
	Provider          jsonSchema            `json:"provider"`
	ResourceSchemas   map[string]jsonSchema `json:"resource_schemas"`
	DataSourceSchemas map[string]jsonSchema `json:"data_source_schemas"`
}

type schemaFile struct {
	ProviderSchemas map[string]jsonProvider `json:"provider_schemas"`
}

// recorded data-source answers: type -> list of {match: {arg: value}, values: {attr: value}}
type recorded map[string][]struct {
	Match  map[string]interface{} `json:"match"`
	Values map[string]interface{} `json:"values"`
}

func parseType(raw json.RawMessage) (tftypes.Type, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		switch s {
		case "string":
			return tftypes.String, nil
		case "number":
			return tftypes.Number, nil
		case "bool":
			return tftypes.Bool, nil
		case "dynamic":
			return tftypes.DynamicPseudoType, nil
		}
		return nil, fmt.Errorf("unknown primitive type %q", s)
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) != 2 {
		return nil, fmt.Errorf("bad type %s", raw)
	}
	var kind string
	if err := json.Unmarshal(parts[0], &kind); err != nil {
		return nil, err
	}
	switch kind {
	case "list", "set", "map":
		el, err := parseType(parts[1])
		if err != nil {
			return nil, err
		}
		switch kind {
		case "list":
			return tftypes.List{ElementType: el}, nil
		case "set":
			return tftypes.Set{ElementType: el}, nil
		default:
			return tftypes.Map{ElementType: el}, nil
		}
	case "object":
		var attrs map[string]json.RawMessage
		if err := json.Unmarshal(parts[1], &attrs); err != nil {
			return nil, err
		}
		out := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
		for k, v := range attrs {
			t, err := parseType(v)
			if err != nil {
				return nil, err
			}
			out.AttributeTypes[k] = t
		}
		return out, nil
	case "tuple":
		var elems []json.RawMessage
		if err := json.Unmarshal(parts[1], &elems); err != nil {
			return nil, err
		}
		out := tftypes.Tuple{}
		for _, e := range elems {
			t, err := parseType(e)
			if err != nil {
				return nil, err
			}
			out.ElementTypes = append(out.ElementTypes, t)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown type kind %q", kind)
}

var nesting = map[string]tfprotov5.SchemaNestedBlockNestingMode{
	"single": tfprotov5.SchemaNestedBlockNestingModeSingle,
	"list":   tfprotov5.SchemaNestedBlockNestingModeList,
	"set":    tfprotov5.SchemaNestedBlockNestingModeSet,
	"map":    tfprotov5.SchemaNestedBlockNestingModeMap,
	"group":  tfprotov5.SchemaNestedBlockNestingModeGroup,
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func convertBlock(b jsonBlock) (*tfprotov5.SchemaBlock, error) {
	out := &tfprotov5.SchemaBlock{}
	for _, name := range sortedKeys(b.Attributes) {
		a := b.Attributes[name]
		t, err := parseType(a.Type)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", name, err)
		}
		out.Attributes = append(out.Attributes, &tfprotov5.SchemaAttribute{
			Name: name, Type: t, Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive,
		})
	}
	for _, name := range sortedKeys(b.BlockTypes) {
		nb := b.BlockTypes[name]
		inner, err := convertBlock(nb.Block)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", name, err)
		}
		mode, ok := nesting[nb.NestingMode]
		if !ok {
			return nil, fmt.Errorf("block %s: nesting mode %q", name, nb.NestingMode)
		}
		out.BlockTypes = append(out.BlockTypes, &tfprotov5.SchemaNestedBlock{
			TypeName: name, Block: inner, Nesting: mode, MinItems: nb.MinItems, MaxItems: nb.MaxItems,
		})
	}
	return out, nil
}

type server struct {
	provider    *tfprotov5.Schema
	resources   map[string]*tfprotov5.Schema
	dataSources map[string]*tfprotov5.Schema
	data        recorded
}

func diag(summary, detail string) []*tfprotov5.Diagnostic {
	return []*tfprotov5.Diagnostic{{Severity: tfprotov5.DiagnosticSeverityError, Summary: summary, Detail: detail}}
}

func load() (*server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(exe), "schema.json"))
	if err != nil {
		return nil, fmt.Errorf("stand-in provider: reading schema.json beside %s: %w", exe, err)
	}
	var f schemaFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, err
	}
	if len(f.ProviderSchemas) != 1 {
		return nil, fmt.Errorf("schema.json must describe exactly one provider")
	}
	s := &server{resources: map[string]*tfprotov5.Schema{}, dataSources: map[string]*tfprotov5.Schema{}}
	for _, p := range f.ProviderSchemas {
		b, err := convertBlock(p.Provider.Block)
		if err != nil {
			return nil, err
		}
		s.provider = &tfprotov5.Schema{Version: p.Provider.Version, Block: b}
		for name, rs := range p.ResourceSchemas {
			b, err := convertBlock(rs.Block)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			s.resources[name] = &tfprotov5.Schema{Version: rs.Version, Block: b}
		}
		for name, ds := range p.DataSourceSchemas {
			b, err := convertBlock(ds.Block)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			s.dataSources[name] = &tfprotov5.Schema{Version: ds.Version, Block: b}
		}
	}
	if file := os.Getenv("STANDIN_DATA_FILE"); file != "" {
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("STANDIN_DATA_FILE: %w", err)
		}
		if err := json.Unmarshal(raw, &s.data); err != nil {
			return nil, fmt.Errorf("STANDIN_DATA_FILE %s: %w", file, err)
		}
	}
	return s, nil
}

func (s *server) GetMetadata(context.Context, *tfprotov5.GetMetadataRequest) (*tfprotov5.GetMetadataResponse, error) {
	r := &tfprotov5.GetMetadataResponse{ServerCapabilities: &tfprotov5.ServerCapabilities{PlanDestroy: true}}
	for name := range s.resources {
		r.Resources = append(r.Resources, tfprotov5.ResourceMetadata{TypeName: name})
	}
	for name := range s.dataSources {
		r.DataSources = append(r.DataSources, tfprotov5.DataSourceMetadata{TypeName: name})
	}
	return r, nil
}

func (s *server) GetProviderSchema(context.Context, *tfprotov5.GetProviderSchemaRequest) (*tfprotov5.GetProviderSchemaResponse, error) {
	return &tfprotov5.GetProviderSchemaResponse{
		ServerCapabilities: &tfprotov5.ServerCapabilities{PlanDestroy: true},
		Provider:           s.provider, ResourceSchemas: s.resources, DataSourceSchemas: s.dataSources,
	}, nil
}

func (s *server) GetResourceIdentitySchemas(context.Context, *tfprotov5.GetResourceIdentitySchemasRequest) (*tfprotov5.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov5.GetResourceIdentitySchemasResponse{}, nil
}

func (s *server) PrepareProviderConfig(_ context.Context, req *tfprotov5.PrepareProviderConfigRequest) (*tfprotov5.PrepareProviderConfigResponse, error) {
	return &tfprotov5.PrepareProviderConfigResponse{PreparedConfig: req.Config}, nil
}

func (s *server) ConfigureProvider(context.Context, *tfprotov5.ConfigureProviderRequest) (*tfprotov5.ConfigureProviderResponse, error) {
	return &tfprotov5.ConfigureProviderResponse{}, nil
}

func (s *server) StopProvider(context.Context, *tfprotov5.StopProviderRequest) (*tfprotov5.StopProviderResponse, error) {
	return &tfprotov5.StopProviderResponse{}, nil
}

func (s *server) ValidateResourceTypeConfig(context.Context, *tfprotov5.ValidateResourceTypeConfigRequest) (*tfprotov5.ValidateResourceTypeConfigResponse, error) {
	return &tfprotov5.ValidateResourceTypeConfigResponse{}, nil
}

func (s *server) UpgradeResourceState(_ context.Context, req *tfprotov5.UpgradeResourceStateRequest) (*tfprotov5.UpgradeResourceStateResponse, error) {
	sch, ok := s.resources[req.TypeName]
	if !ok {
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: diag("unknown resource type", req.TypeName)}, nil
	}
	typ := sch.ValueType()
	v, err := req.RawState.UnmarshalWithOpts(typ, tfprotov5.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err != nil {
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: diag("state does not match the recorded schema", err.Error())}, nil
	}
	dv, err := tfprotov5.NewDynamicValue(typ, v)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.UpgradeResourceStateResponse{UpgradedState: &dv}, nil
}

func (s *server) ReadResource(_ context.Context, req *tfprotov5.ReadResourceRequest) (*tfprotov5.ReadResourceResponse, error) {
	return &tfprotov5.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}, nil
}

func (s *server) PlanResourceChange(_ context.Context, req *tfprotov5.PlanResourceChangeRequest) (*tfprotov5.PlanResourceChangeResponse, error) {
	sch, ok := s.resources[req.TypeName]
	if !ok {
		return &tfprotov5.PlanResourceChangeResponse{Diagnostics: diag("unknown resource type", req.TypeName)}, nil
	}
	typ := sch.ValueType()
	prior, err := req.PriorState.Unmarshal(typ)
	if err != nil {
		return nil, err
	}
	proposed, err := req.ProposedNewState.Unmarshal(typ)
	if err != nil {
		return nil, err
	}
	if !prior.IsNull() || proposed.IsNull() {
		return &tfprotov5.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate}, nil
	}
	// create: computed attributes not set in config are known only after apply
	attrs := map[string]tftypes.Value{}
	if err := proposed.As(&attrs); err != nil {
		return nil, err
	}
	for _, a := range sch.Block.Attributes {
		if a.Computed && attrs[a.Name].IsNull() {
			attrs[a.Name] = tftypes.NewValue(a.Type, tftypes.UnknownValue)
		}
	}
	planned, err := tfprotov5.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		return nil, err
	}
	return &tfprotov5.PlanResourceChangeResponse{PlannedState: &planned}, nil
}

func (s *server) ApplyResourceChange(_ context.Context, req *tfprotov5.ApplyResourceChangeRequest) (*tfprotov5.ApplyResourceChangeResponse, error) {
	return &tfprotov5.ApplyResourceChangeResponse{Diagnostics: diag("stand-in provider cannot apply",
		"this provider only serves a recorded schema for validate and plan; install the real provider to apply "+req.TypeName)}, nil
}

func (s *server) ImportResourceState(_ context.Context, req *tfprotov5.ImportResourceStateRequest) (*tfprotov5.ImportResourceStateResponse, error) {
	return &tfprotov5.ImportResourceStateResponse{Diagnostics: diag("stand-in provider cannot import", req.TypeName)}, nil
}

func (s *server) MoveResourceState(_ context.Context, req *tfprotov5.MoveResourceStateRequest) (*tfprotov5.MoveResourceStateResponse, error) {
	return &tfprotov5.MoveResourceStateResponse{Diagnostics: diag("stand-in provider cannot move state across types", req.TargetTypeName)}, nil
}

func (s *server) UpgradeResourceIdentity(_ context.Context, req *tfprotov5.UpgradeResourceIdentityRequest) (*tfprotov5.UpgradeResourceIdentityResponse, error) {
	return &tfprotov5.UpgradeResourceIdentityResponse{Diagnostics: diag("no resource identity", req.TypeName)}, nil
}

func (s *server) ValidateDataSourceConfig(context.Context, *tfprotov5.ValidateDataSourceConfigRequest) (*tfprotov5.ValidateDataSourceConfigResponse, error) {
	return &tfprotov5.ValidateDataSourceConfigResponse{}, nil
}

func matches(cfg map[string]tftypes.Value, want map[string]interface{}) bool {
	for k, w := range want {
		v, ok := cfg[k]
		if !ok || !v.IsKnown() || v.IsNull() {
			return false
		}
		var got string
		if err := v.As(&got); err != nil || got != fmt.Sprint(w) {
			return false
		}
	}
	return true
}

func (s *server) ReadDataSource(_ context.Context, req *tfprotov5.ReadDataSourceRequest) (*tfprotov5.ReadDataSourceResponse, error) {
	sch, ok := s.dataSources[req.TypeName]
	if !ok {
		return &tfprotov5.ReadDataSourceResponse{Diagnostics: diag("unknown data source", req.TypeName)}, nil
	}
	typ := sch.ValueType()
	cfg, err := req.Config.Unmarshal(typ)
	if err != nil {
		return nil, err
	}
	attrs := map[string]tftypes.Value{}
	if err := cfg.As(&attrs); err != nil {
		return nil, err
	}
	for _, rec := range s.data[req.TypeName] {
		if !matches(attrs, rec.Match) {
			continue
		}
		for _, a := range sch.Block.Attributes {
			val, ok := rec.Values[a.Name]
			if !ok {
				continue
			}
			raw, _ := json.Marshal(val)
			v, err := tftypes.ValueFromJSON(raw, a.Type)
			if err != nil {
				return &tfprotov5.ReadDataSourceResponse{Diagnostics: diag("recorded value does not fit the schema", a.Name+": "+err.Error())}, nil
			}
			attrs[a.Name] = v
		}
		state, err := tfprotov5.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
		if err != nil {
			return nil, err
		}
		return &tfprotov5.ReadDataSourceResponse{State: &state}, nil
	}
	args := map[string]string{}
	for k, v := range attrs {
		var s string
		if v.IsKnown() && !v.IsNull() && v.As(&s) == nil {
			args[k] = s
		}
	}
	return &tfprotov5.ReadDataSourceResponse{Diagnostics: diag("no recorded answer",
		fmt.Sprintf("stand-in provider: no entry for data source %s in STANDIN_DATA_FILE (%q) matches its arguments %v; add {\"match\": {...those arguments...}, \"values\": {...}} under %q",
			req.TypeName, os.Getenv("STANDIN_DATA_FILE"), args, req.TypeName))}, nil
}

func (s *server) GetFunctions(context.Context, *tfprotov5.GetFunctionsRequest) (*tfprotov5.GetFunctionsResponse, error) {
	return &tfprotov5.GetFunctionsResponse{}, nil
}

func (s *server) CallFunction(context.Context, *tfprotov5.CallFunctionRequest) (*tfprotov5.CallFunctionResponse, error) {
	return &tfprotov5.CallFunctionResponse{}, nil
}

func (s *server) ValidateEphemeralResourceConfig(context.Context, *tfprotov5.ValidateEphemeralResourceConfigRequest) (*tfprotov5.ValidateEphemeralResourceConfigResponse, error) {
	return &tfprotov5.ValidateEphemeralResourceConfigResponse{}, nil
}

func (s *server) OpenEphemeralResource(context.Context, *tfprotov5.OpenEphemeralResourceRequest) (*tfprotov5.OpenEphemeralResourceResponse, error) {
	return &tfprotov5.OpenEphemeralResourceResponse{Diagnostics: diag("no ephemeral resources", "")}, nil
}

func (s *server) RenewEphemeralResource(context.Context, *tfprotov5.RenewEphemeralResourceRequest) (*tfprotov5.RenewEphemeralResourceResponse, error) {
	return &tfprotov5.RenewEphemeralResourceResponse{}, nil
}

func (s *server) CloseEphemeralResource(context.Context, *tfprotov5.CloseEphemeralResourceRequest) (*tfprotov5.CloseEphemeralResourceResponse, error) {
	return &tfprotov5.CloseEphemeralResourceResponse{}, nil
}

func main() {
	s, err := load()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	name := filepath.Base(os.Args[0])
	if err := tf5server.Serve(name, func() tfprotov5.ProviderServer { return s }); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
