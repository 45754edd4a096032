package alert

import _ "embed"

//go:embed demo.yaml
var demoYAML []byte

// DemoLog is the file, under alert.dir, that the demo's receivers write.
const DemoLog = "demo.log"

// DemoRules are the receivers and routes of `lurewatch run --demo`: five
// pretend offices, each in its own language, all writing to DemoLog, so
// that alerts can be watched arriving with `tail -f` and no setup.
func DemoRules() (*Rules, error) { return ParseRules("demo rules", demoYAML) }
