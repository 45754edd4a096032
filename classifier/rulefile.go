package classifier

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// RuleError is a problem in a rule file: which file, which line, which
// rule, and why. A pack with any RuleError is refused as a whole.
type RuleError struct {
	File string
	Line int
	Rule string
	Msg  string
}

// Error reads "file:line: rule id: reason".
func (e *RuleError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Rule != "" {
		b.WriteString("rule " + e.Rule + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Languages a keyword list may be tagged with; "any" is for words that
// read the same in every language (brand names, handles, codes).
var ruleLanguages = []string{"en", "id", "ms", "tl", "vi", "th", "km", "my", "lo", "zh", "any"}

// Categories a rule may belong to. "context" rules carry negative weight:
// they recognise warnings, licensed programmes and transparent employers.
var ruleCategories = []string{"trafficking-lure", "advance-fee", "task-scam", "work-from-home", "identity-harvest", "job-fraud", "context"}

// maxNesting bounds how deep combinations may nest: deeper trees are
// refused, both because no analyst can read them and to bound the work.
const maxNesting = 8

type keywordSpec struct {
	text string
	lang string
	line int
}

type setSpec struct {
	name     string
	keywords []keywordSpec
	file     string
	line     int
}

type nodeSpec struct {
	kind       string // all, any, none, at_least, within, keywords, set, regex, cond
	children   []*nodeSpec
	n          int
	keywords   []keywordSpec
	sets       []string
	regex      string
	gate       []keywordSpec
	gateSets   []string
	gateDigit  bool
	cond       string
	negatable  bool
	unquoted   bool
	untagged   bool
	except     []keywordSpec
	exceptSets []string
	fields     []string
	ref        string // condition: the name of a named condition
	line       int
}

// conditionSpec is a named condition: evidence written once, under
// conditions:, that rules in any file use as `condition: name`.
type conditionSpec struct {
	name string
	node *nodeSpec
	file string
	line int
}

// Example is an ad a rule must or must not fire on: a text (read as the
// body), or a title, a body, a company and what the source said of the
// post (meta).
type Example struct {
	Title    string
	Text     string
	Location string
	Salary   string
	Company  string
	Meta     map[string]string
	Line     int
}

type ruleSpec struct {
	id          string
	weight      float64
	category    string
	description string
	when        *nodeSpec
	match       []Example
	noMatch     []Example
	file        string
	line        int
}

type placeSpec struct {
	name    string
	country string
	tags    []string
	aliases []keywordSpec
	except  []keywordSpec
	file    string
	line    int
}

type namedListSpec struct {
	name     string
	keywords []keywordSpec
	file     string
	line     int
}

// fileSpec is one parsed rule file.
type fileSpec struct {
	name          string
	sets          []setSpec
	conditions    []conditionSpec
	rules         []ruleSpec
	places        []placeSpec
	jobTypes      []namedListSpec
	languages     []namedListSpec // stop words by language code
	nationalities []namedListSpec // mentions by country code
}

// parser walks a YAML document, keeping the first errors it meets.
type parser struct {
	file string
	rule string
	errs []error
}

func (p *parser) fail(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	if len(p.errs) < 50 {
		p.errs = append(p.errs, &RuleError{File: p.file, Line: line, Rule: p.rule, Msg: fmt.Sprintf(format, args...)})
	}
}

// parseRuleFile reads one rule file. Errors name the file and line.
func parseRuleFile(name string, data []byte) (*fileSpec, error) {
	p := &parser{file: name}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &fileSpec{name: name}, nil
		}
		return nil, &RuleError{File: name, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	fs := &fileSpec{name: name}
	if len(doc.Content) == 0 {
		return fs, nil
	}
	root := doc.Content[0]
	p.mapping(root, func(key string, k, v *yaml.Node) {
		switch key {
		case "sets":
			p.mapping(v, func(name string, k, v *yaml.Node) {
				fs.sets = append(fs.sets, setSpec{name: name, keywords: p.keywordMap(v), file: p.file, line: k.Line})
			})
		case "conditions":
			p.mapping(v, func(name string, k, v *yaml.Node) {
				if !validID(strings.ReplaceAll(name, "_", "-")) {
					p.fail(k, "condition name %q: use lower-case letters, digits, '-' and '_'", name)
					return
				}
				p.rule = "condition " + name
				if ns := p.parseNode(v, 0); ns != nil {
					fs.conditions = append(fs.conditions, conditionSpec{name: name, node: ns, file: p.file, line: k.Line})
				}
				p.rule = ""
			})
		case "rules":
			for _, r := range p.seq(v) {
				fs.rules = append(fs.rules, p.parseRule(r))
			}
		case "places":
			for _, pl := range p.seq(v) {
				fs.places = append(fs.places, p.parsePlace(pl))
			}
		case "job_types", "languages", "nationalities":
			p.mapping(v, func(name string, k, v *yaml.Node) {
				l := namedListSpec{name: name, keywords: p.keywordMap(v), file: p.file, line: k.Line}
				switch key {
				case "job_types":
					fs.jobTypes = append(fs.jobTypes, l)
				case "languages":
					fs.languages = append(fs.languages, l)
				default:
					fs.nationalities = append(fs.nationalities, l)
				}
			})
		default:
			p.fail(k, "unknown section %q (want sets, conditions, rules, places, job_types, languages or nationalities)", key)
		}
	})
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return fs, nil
}

func (p *parser) mapping(n *yaml.Node, f func(key string, k, v *yaml.Node)) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		p.fail(n, "want a mapping, got %s", kindName(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			p.fail(k, "key %q appears twice", k.Value)
			continue
		}
		seen[k.Value] = true
		f(k.Value, k, v)
	}
}

func (p *parser) seq(n *yaml.Node) []*yaml.Node {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(n, "want a list, got %s", kindName(n))
		return nil
	}
	return n.Content
}

func (p *parser) str(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		p.fail(n, "want a string, got %s", kindName(n))
		return ""
	}
	return n.Value
}

func (p *parser) strs(n *yaml.Node) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	var out []string
	for _, c := range p.seq(n) {
		out = append(out, p.str(c))
	}
	return out
}

func (p *parser) number(n *yaml.Node) float64 {
	f, err := strconv.ParseFloat(p.str(n), 64)
	if err != nil {
		p.fail(n, "want a number, got %q", n.Value)
	}
	return f
}

func (p *parser) integer(n *yaml.Node) int {
	i, err := strconv.Atoi(p.str(n))
	if err != nil {
		p.fail(n, "want a whole number, got %q", n.Value)
	}
	return i
}

func (p *parser) boolean(n *yaml.Node) bool {
	b, err := strconv.ParseBool(p.str(n))
	if err != nil {
		p.fail(n, "want true or false, got %q", n.Value)
	}
	return b
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

// keywordMap reads keywords: either a list (language "any") or a mapping
// from language code to list.
func (p *parser) keywordMap(n *yaml.Node) []keywordSpec {
	var out []keywordSpec
	add := func(lang string, v *yaml.Node) {
		for _, c := range p.seq(v) {
			s := strings.TrimSpace(p.str(c))
			if s == "" || s == "*" {
				p.fail(c, "an empty keyword")
				continue
			}
			out = append(out, keywordSpec{text: s, lang: lang, line: c.Line})
		}
	}
	if n.Kind == yaml.SequenceNode {
		add("any", n)
		return out
	}
	p.mapping(n, func(lang string, k, v *yaml.Node) {
		if !contains(ruleLanguages, lang) {
			p.fail(k, "unknown language %q (want one of %s)", lang, strings.Join(ruleLanguages, ", "))
			return
		}
		add(lang, v)
	})
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *parser) parseRule(n *yaml.Node) ruleSpec {
	r := ruleSpec{file: p.file, line: n.Line, weight: 0}
	p.rule = ""
	defer func() { p.rule = "" }()
	// Read the id first so every later error names the rule.
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "id" {
				r.id = n.Content[i+1].Value
				p.rule = r.id
			}
		}
	}
	var haveWeight bool
	p.mapping(n, func(key string, k, v *yaml.Node) {
		switch key {
		case "id":
			r.id = p.str(v)
		case "weight":
			r.weight = p.number(v)
			haveWeight = true
		case "category":
			r.category = p.str(v)
			if !contains(ruleCategories, r.category) {
				p.fail(v, "category %q is not one of %s", r.category, strings.Join(ruleCategories, ", "))
			}
		case "description":
			r.description = strings.TrimSpace(p.str(v))
		case "when":
			r.when = p.parseNode(v, 1)
		case "examples":
			p.mapping(v, func(key string, k, v *yaml.Node) {
				var ex []Example
				for _, c := range p.seq(v) {
					if c.Kind != yaml.MappingNode {
						ex = append(ex, Example{Text: p.str(c), Line: c.Line})
						continue
					}
					e := Example{Line: c.Line}
					p.mapping(c, func(key string, k, v *yaml.Node) {
						switch key {
						case "title":
							e.Title = p.str(v)
						case "body":
							e.Text = p.str(v)
						case "location":
							e.Location = p.str(v)
						case "salary":
							e.Salary = p.str(v)
						case "company":
							e.Company = p.str(v)
						case "meta":
							e.Meta = map[string]string{}
							p.mapping(v, func(key string, _, v *yaml.Node) {
								e.Meta[key] = p.str(v)
							})
						default:
							p.fail(k, "example: unknown key %q (want title, body, location, salary, company or meta)", key)
						}
					})
					ex = append(ex, e)
				}
				switch key {
				case "match":
					r.match = ex
				case "no_match":
					r.noMatch = ex
				default:
					p.fail(k, "examples: unknown key %q (want match or no_match)", key)
				}
			})
		default:
			p.fail(k, "unknown key %q (want id, weight, category, description, when, examples)", key)
		}
	})
	switch {
	case r.id == "":
		p.fail(n, "a rule needs an id")
	case !validID(r.id):
		p.fail(n, "id %q: use lower-case letters, digits and dashes", r.id)
	}
	if !haveWeight || r.weight == 0 {
		p.fail(n, "weight: is required and must not be 0")
	}
	if r.weight < -20 || r.weight > 20 {
		p.fail(n, "weight %g is outside -20..20", r.weight)
	}
	if r.category == "" {
		p.fail(n, "category: is required")
	}
	if r.description == "" {
		p.fail(n, "description: is required: an analyst reads it to learn why an ad was flagged")
	}
	if r.when == nil {
		p.fail(n, "when: is required")
	}
	if len(r.match) == 0 {
		p.fail(n, "examples.match: give at least one text the rule must fire on")
	}
	if r.category == "context" && r.weight > 0 || r.category != "context" && r.weight < 0 {
		p.fail(n, "weight %g: context rules weigh less than 0, every other rule more", r.weight)
	}
	return r
}

func validID(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return s != ""
}

var nodeKinds = []string{"all", "any", "none", "at_least", "within", "then", "keywords", "set", "regex", "cond", "condition"}

// parseNode reads one piece of evidence or one combination. A node is a
// mapping with exactly one kind key and the modifiers that kind allows.
func (p *parser) parseNode(n *yaml.Node, depth int) *nodeSpec {
	if depth > maxNesting {
		p.fail(n, "combinations nest deeper than %d levels; split the rule or use a set", maxNesting)
		return nil
	}
	ns := &nodeSpec{line: n.Line}
	if n.Kind != yaml.MappingNode {
		p.fail(n, "evidence must be a mapping with one of %s, got %s", strings.Join(nodeKinds, ", "), kindName(n))
		return nil
	}
	var modifiers []string
	p.mapping(n, func(key string, k, v *yaml.Node) {
		if contains(nodeKinds, key) {
			if ns.kind != "" {
				p.fail(k, "%q and %q in one mapping: write each piece of evidence as its own list item", ns.kind, key)
				return
			}
			ns.kind = key
		} else {
			modifiers = append(modifiers, key)
		}
		switch key {
		case "all", "any", "none":
			for _, c := range p.seq(v) {
				if cn := p.parseNode(c, depth+1); cn != nil {
					ns.children = append(ns.children, cn)
				}
			}
			if len(ns.children) == 0 && len(p.errs) == 0 {
				p.fail(k, "%s: needs at least one piece of evidence", key)
			}
		case "then":
			for _, c := range p.seq(v) {
				if cn := p.parseNode(c, depth+1); cn != nil {
					ns.children = append(ns.children, cn)
				}
			}
			if len(ns.children) != 2 && len(p.errs) == 0 {
				p.fail(k, "then: needs exactly two pieces of evidence, the first and what follows it, got %d", len(ns.children))
			}
		case "at_least", "within":
			p.mapping(v, func(sub string, sk, sv *yaml.Node) {
				switch {
				case sub == "n" && key == "at_least", sub == "tokens" && key == "within":
					ns.n = p.integer(sv)
				case sub == "of":
					for _, c := range p.seq(sv) {
						if cn := p.parseNode(c, depth+1); cn != nil {
							ns.children = append(ns.children, cn)
						}
					}
				default:
					p.fail(sk, "%s: unknown key %q", key, sub)
				}
			})
			switch {
			case key == "at_least" && (ns.n < 1 || ns.n > len(ns.children)):
				p.fail(k, "at_least: n must be between 1 and the number of pieces of evidence (%d), got %d", len(ns.children), ns.n)
			case key == "within" && (ns.n < 1 || ns.n > 200):
				p.fail(k, "within: tokens must be between 1 and 200, got %d", ns.n)
			case key == "within" && len(ns.children) < 2:
				p.fail(k, "within: needs at least two pieces of evidence")
			}
		case "keywords":
			ns.keywords = p.keywordMap(v)
		case "set":
			ns.sets = p.strs(v)
		case "regex":
			ns.regex = p.str(v)
		case "cond":
			ns.cond = p.str(v)
		case "condition":
			ns.ref = p.str(v)
		case "gate":
			if v.Kind == yaml.ScalarNode && v.Value == "digits" {
				ns.gateDigit = true
			} else if v.Kind == yaml.MappingNode && len(v.Content) == 2 && v.Content[0].Value == "set" {
				ns.gateSets = p.strs(v.Content[1])
			} else {
				ns.gate = p.keywordMap(v)
			}
		case "negatable":
			ns.negatable = p.boolean(v)
		case "unquoted":
			ns.unquoted = p.boolean(v)
		case "untagged":
			ns.untagged = p.boolean(v)
		case "except":
			// Sets and words may be excepted together: {set: x, en: [...]}.
			if v.Kind == yaml.MappingNode {
				words := &yaml.Node{Kind: yaml.MappingNode, Line: v.Line, Column: v.Column}
				for i := 0; i+1 < len(v.Content); i += 2 {
					if v.Content[i].Value == "set" {
						ns.exceptSets = p.strs(v.Content[i+1])
					} else {
						words.Content = append(words.Content, v.Content[i], v.Content[i+1])
					}
				}
				if len(words.Content) > 0 {
					ns.except = p.keywordMap(words)
				}
			} else {
				ns.except = p.keywordMap(v)
			}
		case "fields":
			ns.fields = p.strs(v)
			for _, f := range ns.fields {
				if fieldIndex(f) < 0 {
					p.fail(v, "fields: unknown field %q (want %s, %s)", f, strings.Join(fieldNames[:], ", "), headlineName)
				}
			}
		default:
			p.fail(k, "unknown key %q (evidence is one of %s)", key, strings.Join(nodeKinds, ", "))
		}
	})
	if ns.kind == "" {
		p.fail(n, "evidence needs one of %s", strings.Join(nodeKinds, ", "))
		return nil
	}
	for _, m := range modifiers {
		ok := false
		switch m {
		case "negatable", "fields", "except", "unquoted", "untagged":
			ok = ns.kind == "keywords" || ns.kind == "set" || ns.kind == "regex" && (m == "fields" || m == "unquoted" || m == "untagged")
		case "gate":
			ok = ns.kind == "regex"
		}
		if !ok {
			p.fail(n, "%q does not apply to %s evidence", m, ns.kind)
		}
	}
	if ns.kind == "regex" && slices.Contains(ns.fields, headlineName) {
		p.fail(n, "fields: headline applies to keywords and sets, not to regex evidence")
	}
	if ns.kind == "regex" && ns.gate == nil && ns.gateSets == nil && !ns.gateDigit {
		p.fail(n, "regex: needs a gate (keywords, a set, or digits) so it runs only on ads that can match")
	}
	return ns
}

func (p *parser) parsePlace(n *yaml.Node) placeSpec {
	pl := placeSpec{file: p.file, line: n.Line}
	p.mapping(n, func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			pl.name = p.str(v)
		case "country":
			pl.country = p.str(v)
		case "tags":
			pl.tags = p.strs(v)
		case "aliases":
			pl.aliases = p.keywordMap(v)
		case "except":
			pl.except = p.keywordMap(v)
		default:
			p.fail(k, "place: unknown key %q (want name, country, tags, aliases, except)", key)
		}
	})
	if pl.name == "" || len(pl.country) != 2 || len(pl.aliases) == 0 {
		p.fail(n, "a place needs a name, a two-letter country code and aliases")
	}
	return pl
}
