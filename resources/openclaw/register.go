package openclaw

import "github.com/clawplan/clawplan/resources"

func init() {
	resources.Register(gatewayKind{})
	resources.Register(providerKind{})
	resources.Register(channelKind{})
	resources.Register(agentKind{})
	resources.Register(sandboxKind{})
	resources.Register(writerKind{})
	resources.RegisterSynthesizer(synthesizer{})
}

// Interface guards: every kind can orphan what it recorded.
var (
	_ resources.Orphaner = gatewayKind{}
	_ resources.Orphaner = providerKind{}
	_ resources.Orphaner = channelKind{}
	_ resources.Orphaner = agentKind{}
	_ resources.Orphaner = sandboxKind{}
	_ resources.Orphaner = writerKind{}
)
