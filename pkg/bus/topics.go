package bus

// Topics names the topics of one deployment.
type Topics struct {
	Raw     string // ads as crawled
	Flagged string // ads the classifier flagged, with their verdicts
	DLQ     string // messages no stage could decode or accept
}

// Topics returns the topic names under the configured prefix.
func (c *Config) Topics() Topics {
	p := c.TopicPrefix
	return Topics{Raw: p + ".ads.raw", Flagged: p + ".ads.flagged", DLQ: p + ".ads.dlq"}
}

// All lists the topics in flow order.
func (t Topics) All() []string { return []string{t.Raw, t.Flagged, t.DLQ} }
