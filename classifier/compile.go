package classifier

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The fields of an ad the rules read, in the order spans name them.
var fieldNames = [...]string{"title", "body", "location", "salary", "company"}

const nFields = len(fieldNames)

// Indexes of fields in fieldNames.
const (
	fieldTitle    = 0
	fieldBody     = 1
	fieldLocation = 2
	fieldSalary   = 3
)

// fieldHeadline is the bit of a rule's fields that names the headline:
// the title, or when an ad has none, as posts in social media and chat
// groups have not, the body's first line, which heads it the same way.
const (
	fieldHeadline = nFields
	headlineName  = "headline"
	// maxHeadline is the most of a body read as its headline.
	maxHeadline = 160
)

func fieldIndex(s string) int {
	for i, f := range fieldNames {
		if f == s {
			return i
		}
	}
	if s == headlineName {
		return fieldHeadline
	}
	return -1
}

type targetKind uint8

const (
	tList      targetKind = iota // evidence list of rules
	tPlace                       // gazetteer entry
	tJob                         // job type
	tLang                        // stop word of a language
	tNat                         // mention of a nationality
	tChannel                     // name of a contact channel
	tNumberCue                   // word before a phone number written out
	tFeeCue                      // word that names a charge to the applicant
)

type target struct {
	kind targetKind
	id   int32
}

// pattern is one normalised keyword in the automaton.
type pattern struct {
	text        string
	left, right bool // a word boundary is needed before / after
	targets     []target
}

// patternHot is what the scan reads of a pattern for each match: its
// length, its word boundaries, where its targets are in pack.targets and,
// for a keyword longer than the automaton holds, how many of its bytes
// are left to compare after the automaton's match.
type patternHot struct {
	len, from, to int32
	left, right   bool
	tail          uint16
}

// maxKeywordPrefix is how much of a keyword the automaton holds. Longer
// keywords are found by their first bytes and confirmed by comparing the
// rest (adState.confirmTails). Their tails, shared with no other keyword,
// would be a third of the automaton's states, and the table must stay
// within maxFullStates to be read at full speed. Cut at 18 bytes the pack
// once needed 63,488 states, at 12 bytes 42,575, and ran as fast or a
// little faster (10 alternating pairs, median ratio 1.02). As the pack
// grew, mostly by phrases in Latin script (two thirds of its states are
// ASCII prefixes), 12 bytes came to need 65,387 states, within 149 of the
// limit; 11 bytes need 52,133, give the same verdicts on every labelled
// corpus, and run within the noise of 12 (32 alternating pairs, median
// ratios 0.985 and 0.964). At 63,871 states 11 bytes were again near the
// limit; 10 need 56,939, give the same verdicts, and run within the
// noise of 11 (12 alternating pairs, median ratio 1.02). At 64,505
// states 9 bytes would need 55,328 but ran 7.5% slower (12 pairs, median
// ratio 0.925); a keyword whose bytes were its own from its 9th on was
// held to 9 bytes instead, and the pack grew to 65,466 states. Then 9
// bytes for every keyword needed 62,784, gave the same verdicts on every
// labelled corpus, and ran within the noise of 10 (14 alternating pairs,
// median ratio 1.03).
const maxKeywordPrefix = 9

// minKeywordPrefix is the shortest cut tried when a pack outgrows the
// full table at maxKeywordPrefix: each try holds three bytes less of
// each long keyword, a letter of Thai, Lao, Khmer or Burmese.
const minKeywordPrefix = 6

type nodeKind uint8

const (
	kAll nodeKind = iota
	kAny
	kNone
	kAtLeast
	kWithin
	kThen
	kList
	kRegex
	kCond
)

type node struct {
	kind      nodeKind
	children  []*node
	n         int
	lists     []int32
	except    []int32 // list of phrases a match must not lie inside
	negatable bool
	// unquoted: a match between quotation marks does not count
	unquoted bool
	// untagged: a match inside a hashtag does not count
	untagged  bool
	fields    uint8 // bit per field; 0 means every field
	re        *regexp.Regexp
	gates     []int32
	gateDigit bool
	reDigit   bool        // every match of re has a digit
	reNeed    literalNeed // and this literal text
	rePrefix  *prefixSearch
	cond      *condition
	// childNeeds, of an all or a within, are what each of its children
	// needs, where known: when one is not met the node fails before any
	// child is evaluated. (A child's evidence, found first, can cost far
	// more: "pay" with its negation cues, when the ad has no fee.)
	childNeeds []needs
	// spanless is set below a none, where the spans of what matched are
	// thrown away: an any or an at_least there stops at the answer
	// instead of gathering every match for the verdict.
	spanless bool
}

type rule struct {
	id          string
	weight      float64
	category    string
	description string
	root        *node
	needs       needs
	match       []Example
	noMatch     []Example
	file        string
	line        int
}

type place struct {
	name    string // lower case, for conditions
	display string // as the gazetteer writes it
	country string
	tags    []string
	// except is the list of phrases an alias's match must not lie
	// inside ("bên cam kết", the parties commit, holds Vietnamese "bên
	// Cam", Cambodia), or -1.
	except int32
}

// pack is a compiled rule pack: immutable, shared by every Classify call.
type pack struct {
	hash  string
	files []string
	// warnings are problems in the rule files that do not stop them from
	// loading: see packBuilder.warn.
	warnings []error
	known    map[string]bool
	ac       *automaton
	patterns []pattern
	// hot is what a scan reads of each pattern, packed; targets holds
	// the patterns' targets one after another.
	hot      []patternHot
	hasTails bool // some keyword is longer than keywordPrefix
	// keywordPrefix is how many bytes of a keyword the automaton holds:
	// maxKeywordPrefix unless the pack needed a shorter cut to fit the
	// full table.
	keywordPrefix int
	targets       []target
	lists         []string // list names, for messages
	negation      int32    // list of negation cues that go before their word, or -1
	// negationAfter lists the cues that follow what they negate, or -1.
	negationAfter int32
	// negationSentence lists the cues that negate the rest of their
	// sentence, or -1.
	negationSentence int32
	// reassurance lists phrases that hold a negation cue but negate
	// nothing after them ("don't worry", "tak payah risau", "ບໍ່ເປັນຫຍັງ"),
	// or -1: "no money? no problem, we arrange a loan" offers the loan.
	reassurance int32
	// contrast lists the words that end a negation cue's reach ("no stock,
	// just pay the activation", "tanpa stok, cuma bayar"), or -1.
	contrast int32
	// channelNegation lists the cues that, just before a contact
	// channel's name, say it is no way to apply ("never DM", "请勿私信"),
	// or -1.
	channelNegation int32
	rules           []*rule
	places          []place
	tags            map[string]bool
	// companyPlaceholders holds cond.go's list of company fields that say
	// no employer is given ("Not stated", "N/A"), normalised as ads are.
	companyPlaceholders map[string]bool
	jobTypes            []string
	languages           []string
	countries           []string // nationality codes, by tNat id
	// wordsCap is more than any number a words condition compares with:
	// an ad's words are counted up to it, no further.
	wordsCap int
}

type packBuilder struct {
	p        *pack
	norm     *normalizer
	patIndex map[string]int32
	setList  map[string]int32
	errs     []error

	// conditions are the named conditions by name; inUse marks those a
	// rule has used, and expanding those being compiled, whose use
	// inside themselves would never end.
	conditions map[string]*conditionSpec
	inUse      map[string]bool
	expanding  map[string]bool
}

// compilePack builds the automaton and rule trees from parsed files. The
// content of the files (in order) is hashed to name the pack in verdicts.
func compilePack(files []*fileSpec, contents [][]byte) (*pack, error) {
	h := sha256.New()
	for i, f := range files {
		fmt.Fprintf(h, "%s\x00", f.name)
		h.Write(contents[i])
	}
	b := &packBuilder{
		p:          &pack{hash: hex.EncodeToString(h.Sum(nil))[:12], negation: -1, negationAfter: -1, negationSentence: -1, reassurance: -1, contrast: -1, channelNegation: -1, tags: map[string]bool{}},
		patIndex:   map[string]int32{},
		setList:    map[string]int32{},
		conditions: map[string]*conditionSpec{},
		inUse:      map[string]bool{},
		expanding:  map[string]bool{},
	}
	b.p.known = knownWords(files)
	b.norm = newNormalizer(b.p.known)
	for _, f := range files {
		b.p.files = append(b.p.files, f.name)
	}

	// Vocabularies first: rules refer to sets, places, job types.
	setSeen := map[string]string{}
	for _, f := range files {
		for _, s := range f.sets {
			if prev, dup := setSeen[s.name]; dup {
				b.fail(s.file, s.line, "", "set %q is already defined in %s", s.name, prev)
				continue
			}
			setSeen[s.name] = fmt.Sprintf("%s:%d", s.file, s.line)
			id := b.newList("set " + s.name)
			b.setList[s.name] = id
			switch s.name {
			case "negation":
				b.p.negation = id
			case "negation_after":
				b.p.negationAfter = id
			case "negation_sentence":
				b.p.negationSentence = id
			case "reassurance":
				b.p.reassurance = id
			case "contrast":
				b.p.contrast = id
			case "channel_negation":
				b.p.channelNegation = id
			}
			b.addKeywords(s.file, "", s.keywords, target{tList, id})
			if s.name == feeCueSet {
				b.addKeywords(s.file, "", s.keywords, target{tFeeCue, 0})
			}
		}
		for _, pl := range f.places {
			id := int32(len(b.p.places))
			b.p.places = append(b.p.places, place{name: strings.ToLower(pl.name), display: pl.name, country: strings.ToUpper(pl.country), tags: pl.tags, except: -1})
			if len(pl.except) > 0 {
				b.p.places[id].except = b.newList("except of place " + pl.name)
				b.addKeywords(pl.file, "", pl.except, target{tList, b.p.places[id].except})
			}
			for _, t := range pl.tags {
				b.p.tags[t] = true
			}
			b.addKeywords(pl.file, "", pl.aliases, target{tPlace, id})
		}
		for _, j := range f.jobTypes {
			id := int32(len(b.p.jobTypes))
			b.p.jobTypes = append(b.p.jobTypes, j.name)
			b.addKeywords(j.file, "", j.keywords, target{tJob, id})
		}
		for _, l := range f.languages {
			if !contains(ruleLanguages, l.name) || l.name == "any" {
				b.fail(l.file, l.line, "", "languages: unknown language %q", l.name)
				continue
			}
			id := int32(len(b.p.languages))
			b.p.languages = append(b.p.languages, l.name)
			b.addKeywords(l.file, "", l.keywords, target{tLang, id})
		}
		for _, n := range f.nationalities {
			if len(n.name) != 2 || strings.ToUpper(n.name) != n.name {
				b.fail(n.file, n.line, "", "nationalities: %q is not an ISO 3166 alpha-2 code", n.name)
				continue
			}
			id := int32(len(b.p.countries))
			b.p.countries = append(b.p.countries, n.name)
			b.addKeywords(n.file, "", n.keywords, target{tNat, id})
		}
	}
	// In a fixed order: pattern ids decide the order of matches that end
	// at the same byte, and so the order of a verdict's spans.
	for kind := range nChannels {
		for _, w := range channelWords[kind] {
			b.addKeyword("", "", keywordSpec{text: w, lang: "any"}, target{tChannel, int32(kind)})
		}
	}
	for _, w := range numberCueWords {
		b.addKeyword("", "", keywordSpec{text: w, lang: "any"}, target{tNumberCue, 0})
	}
	b.p.companyPlaceholders = map[string]bool{}
	for _, w := range companyPlaceholders {
		var nt normalized
		b.norm.normalize(&nt, w)
		b.p.companyPlaceholders[string(trimCompany(nt.text))] = true
	}

	for _, f := range files {
		for i := range f.conditions {
			c := &f.conditions[i]
			if prev, dup := b.conditions[c.name]; dup {
				b.fail(c.file, c.line, "", "condition %q is already defined at %s:%d", c.name, prev.file, prev.line)
				continue
			}
			b.conditions[c.name] = c
		}
	}
	ids := map[string]string{}
	for _, f := range files {
		for i := range f.rules {
			rs := &f.rules[i]
			if prev, dup := ids[rs.id]; dup {
				b.fail(rs.file, rs.line, rs.id, "is already defined at %s", prev)
				continue
			}
			ids[rs.id] = fmt.Sprintf("%s:%d", rs.file, rs.line)
			r := &rule{id: rs.id, weight: rs.weight, category: rs.category, description: rs.description,
				match: rs.match, noMatch: rs.noMatch, file: rs.file, line: rs.line}
			r.root = b.compileNode(rs, rs.when)
			r.needs = needsOf(r.root)
			walkNodes(r.root, setChildNeeds)
			markSpanless(r.root, false)
			b.p.rules = append(b.p.rules, r)
		}
	}
	for _, name := range sortedKeys(b.conditions) {
		if c := b.conditions[name]; !b.inUse[name] {
			b.warn(c.file, c.line, "", "condition %q is defined but no rule uses it", name)
		}
	}
	b.p.wordsCap = 1
	for _, r := range b.p.rules {
		walkNodes(r.root, func(n *node) {
			if n.kind == kCond && n.cond != nil && n.cond.field == "words" {
				b.p.wordsCap = max(b.p.wordsCap, int(math.Floor(n.cond.num))+1)
			}
		})
	}
	if len(b.p.rules) == 0 && len(b.errs) == 0 {
		b.errs = append(b.errs, errors.New("rules: the rule files define no rules"))
	}
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	b.p.hot = make([]patternHot, len(b.p.patterns))
	for i, p := range b.p.patterns {
		from := int32(len(b.p.targets))
		b.p.targets = append(b.p.targets, p.targets...)
		b.p.hot[i] = patternHot{len: int32(len(p.text)), from: from, to: int32(len(b.p.targets)), left: p.left, right: p.right}
	}
	// A pack too big for the full table at the usual cut is cut shorter
	// rather than read from the sparse table, 8% slower on the shipped
	// pack: more tails to confirm cost less.
	var ac *automaton
	for prefix := maxKeywordPrefix; prefix >= minKeywordPrefix; prefix -= 3 {
		var err error
		if ac, err = buildBoundedAutomaton(b.cutKeywords(prefix)); err != nil {
			return nil, err
		}
		b.p.keywordPrefix = prefix
		if ac.full != nil {
			break
		}
	}
	b.p.ac = ac
	return b.p, nil
}

// cutKeywords returns the keywords the automaton holds, each cut to at
// most prefix bytes, and the word boundaries its matches need; it notes
// in the pack how much of each keyword is left to confirm.
func (b *packBuilder) cutKeywords(prefix int) ([][]byte, []uint8) {
	pats := make([][]byte, len(b.p.patterns))
	bounds := make([]uint8, len(b.p.patterns))
	b.p.hasTails = false
	for i, p := range b.p.patterns {
		cut := runeCut(p.text, prefix)
		if cut < len(p.text) {
			b.p.hasTails = true
		}
		pats[i] = []byte(p.text[:cut])
		if p.left {
			bounds[i] |= boundLeft
		}
		// The right boundary of a keyword cut short is checked where the
		// whole keyword ends, once its tail is confirmed.
		if p.right && cut == len(p.text) {
			bounds[i] |= boundRight
		}
		b.p.hot[i].tail = uint16(len(p.text) - cut)
	}
	return pats, bounds
}

// runeCut is where a cut of s to at most n bytes falls: at n, or before
// the rune n is inside.
func runeCut(s string, n int) int {
	if len(s) <= n {
		return len(s)
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

func (b *packBuilder) fail(file string, line int, ruleID, format string, args ...any) {
	if len(b.errs) < 50 {
		b.errs = append(b.errs, &RuleError{File: file, Line: line, Rule: ruleID, Msg: fmt.Sprintf(format, args...)})
	}
}

// unreadableRune finds a rune in regex re that normalising text changes,
// such as Thai and Lao "am" (ำ, ຳ), which NFKC splits in two, or a
// full-width letter: regexes read normalised text, so the part of re
// with that rune never matches.
func (b *packBuilder) unreadableRune(re string) (r rune, reads string, ok bool) {
	var nt normalized
	for _, r := range re {
		if r < utf8.RuneSelf {
			continue
		}
		b.norm.normalize(&nt, string(r))
		if got := string(nt.text); got != string(r) {
			return r, got, true
		}
	}
	return 0, "", false
}

// warn notes a problem that does not stop the pack from loading.
func (b *packBuilder) warn(file string, line int, ruleID, format string, args ...any) {
	b.p.warnings = append(b.p.warnings, &RuleError{File: file, Line: line, Rule: ruleID, Msg: fmt.Sprintf(format, args...)})
}

func (b *packBuilder) newList(name string) int32 {
	b.p.lists = append(b.p.lists, name)
	return int32(len(b.p.lists) - 1)
}

// addKeywords files a list's keywords. A keyword written twice in one
// language of a list does nothing the second time: that is not an error,
// but it is warned of, since it is usually a slip of editing (a word
// meant for another list, or a variant that normalises to the same).
func (b *packBuilder) addKeywords(file, ruleID string, kws []keywordSpec, t target) {
	seen := map[string]keywordSpec{}
	for _, k := range kws {
		key, ok := b.addKeyword(file, ruleID, k, t)
		if !ok {
			continue
		}
		key = k.lang + "\x00" + key
		first, dup := seen[key]
		switch {
		case !dup:
			seen[key] = k
		case first.text == k.text:
			b.warn(file, k.line, ruleID, "keyword %q (%s) is in this list already, at line %d; the second does nothing", k.text, k.lang, first.line)
		default:
			b.warn(file, k.line, ruleID, "keyword %q (%s) reads the same as %q at line %d once normalised; the second does nothing", k.text, k.lang, first.text, first.line)
		}
	}
}

// addKeyword normalises a keyword the way text is normalised and files it
// in the automaton. A trailing * lets the word go on ("recruit*"), a
// leading one lets it start inside a word. Multi-word keywords with
// diacritics also match when written without them ("khong can kinh
// nghiem"), as posts often are.
//
// It returns the keyword as the automaton holds it, its stars kept, and
// false when it is refused.
func (b *packBuilder) addKeyword(file, ruleID string, k keywordSpec, t target) (string, bool) {
	text := k.text
	prefix := strings.HasSuffix(text, "*")
	suffix := strings.HasPrefix(text, "*")
	text = strings.TrimSuffix(strings.TrimPrefix(text, "*"), "*")
	var nt normalized
	b.norm.normalize(&nt, text)
	s := strings.TrimSpace(string(nt.text))
	if s == "" {
		b.fail(file, k.line, ruleID, "keyword %q is empty once normalised", k.text)
		return "", false
	}
	if len(s) > 200 {
		b.fail(file, k.line, ruleID, "keyword %q is longer than 200 bytes", k.text)
		return "", false
	}
	// An emoji the normaliser drops leaves the rest of the keyword to
	// match alone: "ingat 🙏" (Tagalog, "take care") would read every
	// Indonesian "ingat" ("remember").
	for _, r := range text {
		// (Flags are spelt out, "🇰🇭" as "flagkh", not dropped.)
		if unicode.Is(unicode.So, r) && !isRegionalIndicator(r) && !strings.ContainsRune(s, r) {
			b.warn(file, k.line, ruleID, "keyword %q (%s) reads as %q once normalised: %q is dropped, so the keyword matches more than it says", k.text, k.lang, s, r)
			break
		}
	}
	b.addPattern(s, !suffix, !prefix, t)
	if stripped := stripMarks(s); stripped != s && strings.Contains(s, " ") {
		b.addPattern(stripped, !suffix, !prefix, t)
	}
	return fmt.Sprintf("%v%s%v", suffix, s, prefix), true
}

func (b *packBuilder) addPattern(s string, left, right bool, t target) {
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	left = left && isSpacedWordRune(first)
	right = right && isSpacedWordRune(last)
	key := fmt.Sprintf("%s\x00%v%v", s, left, right)
	id, ok := b.patIndex[key]
	if !ok {
		id = int32(len(b.p.patterns))
		b.patIndex[key] = id
		b.p.patterns = append(b.p.patterns, pattern{text: s, left: left, right: right})
	}
	p := &b.p.patterns[id]
	for _, have := range p.targets {
		if have == t {
			return
		}
	}
	p.targets = append(p.targets, t)
}

// stripMarks removes diacritics from Latin letters.
func stripMarks(s string) string {
	var out strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r) && r >= 0x0300 && r <= 0x036F:
			continue
		case r == 'đ':
			r = 'd'
		}
		out.WriteRune(r)
	}
	return norm.NFC.String(out.String())
}

// knownWords are the Latin words of the pack's keywords, place names and
// job types; leetspeak is undone only for them.
func knownWords(files []*fileSpec) map[string]bool {
	known := map[string]bool{}
	n := newNormalizer(nil)
	add := func(kws []keywordSpec) {
		for _, k := range kws {
			var nt normalized
			n.normalize(&nt, k.text)
			for _, w := range strings.FieldsFunc(string(nt.text), func(r rune) bool { return r < 'a' || r > 'z' }) {
				if len(w) >= 4 {
					known[w] = true
				}
			}
		}
	}
	for _, f := range files {
		for _, s := range f.sets {
			add(s.keywords)
		}
		// Place names are hidden the same way ("P0ipet", "M@e S0t").
		for _, pl := range f.places {
			add(pl.aliases)
		}
		for _, j := range f.jobTypes {
			add(j.keywords)
		}
		for _, r := range f.rules {
			var walk func(n *nodeSpec)
			walk = func(n *nodeSpec) {
				if n == nil {
					return
				}
				add(n.keywords)
				for _, c := range n.children {
					walk(c)
				}
			}
			walk(r.when)
		}
	}
	for _, words := range channelWords {
		for _, w := range words {
			if isLatinWord(w) {
				known[w] = true
			}
		}
	}
	return known
}

// isLatinWord reports whether channel word w is one Latin word of four
// letters or more ("telegram", not "wa" or "line id"): the names a
// recruiter disguises letter by letter or syllable by syllable.
func isLatinWord(w string) bool {
	return len(w) >= 4 && strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") == ""
}

// isSpacedWordRune reports whether r is part of words that spaces
// separate: keywords in those scripts must match whole words. Chinese,
// Thai, Lao, Khmer and Burmese are written without spaces between words,
// so their keywords match anywhere.
func isSpacedWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		c := byte(r)
		return isASCIIAlnum(c)
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
		return false
	}
	return !isUnspacedScript(r)
}

func isUnspacedScript(r rune) bool {
	switch {
	case r >= 0x0E00 && r <= 0x0EFF, // Thai, Lao
		r >= 0x1000 && r <= 0x109F,                             // Myanmar
		r >= 0x1780 && r <= 0x17FF, r >= 0x19E0 && r <= 0x19FF, // Khmer
		r >= 0x2E80 && r <= 0x9FFF, r >= 0xF900 && r <= 0xFAFF, r >= 0x20000 && r <= 0x3FFFF, // CJK, kana
		r >= 0xA9E0 && r <= 0xA9FF, r >= 0xAA60 && r <= 0xAA7F: // Myanmar extensions
		return true
	}
	return false
}

// appendSetLists appends the lists of the named sets to ids; a name no
// rule file defines is an error of the rule, prefixed by where it was
// used ("gate: ", "except: ").
func (b *packBuilder) appendSetLists(ids []int32, rs *ruleSpec, line int, where string, names []string) []int32 {
	for _, s := range names {
		id, ok := b.setList[s]
		if !ok {
			b.fail(rs.file, line, rs.id, "%sset %q is not defined in any rule file", where, s)
			continue
		}
		ids = append(ids, id)
	}
	return ids
}

func (b *packBuilder) compileNode(rs *ruleSpec, ns *nodeSpec) *node {
	if ns == nil {
		return &node{kind: kNone}
	}
	if ns.kind == "condition" {
		return b.compileCondition(rs, ns)
	}
	n := &node{n: ns.n, negatable: ns.negatable, unquoted: ns.unquoted, untagged: ns.untagged}
	if len(ns.except) > 0 {
		id := b.newList(fmt.Sprintf("except of rule %s line %d", rs.id, ns.line))
		b.addKeywords(rs.file, rs.id, ns.except, target{tList, id})
		n.except = []int32{id}
	}
	n.except = b.appendSetLists(n.except, rs, ns.line, "except: ", ns.exceptSets)
	for _, f := range ns.fields {
		n.fields |= 1 << fieldIndex(f)
	}
	for _, c := range ns.children {
		n.children = append(n.children, b.compileNode(rs, c))
	}
	switch ns.kind {
	case "all":
		n.kind = kAll
	case "any":
		n.kind = kAny
	case "none":
		n.kind = kNone
	case "at_least":
		n.kind = kAtLeast
	case "within":
		n.kind = kWithin
		for _, c := range n.children {
			if !producesSpans(c) {
				b.fail(rs.file, ns.line, rs.id, "within: every piece of evidence must match text (keywords, a set, a regex), not a condition or none")
			}
		}
	case "then":
		n.kind = kThen
		for _, c := range n.children {
			if !producesSpans(c) {
				b.fail(rs.file, ns.line, rs.id, "then: both pieces of evidence must match text (keywords, a set, a regex), not a condition or none")
			}
		}
	case "keywords":
		n.kind = kList
		id := b.newList(fmt.Sprintf("rule %s line %d", rs.id, ns.line))
		b.addKeywords(rs.file, rs.id, ns.keywords, target{tList, id})
		n.lists = []int32{id}
	case "set":
		n.kind = kList
		n.lists = b.appendSetLists(n.lists, rs, ns.line, "", ns.sets)
	case "regex":
		n.kind = kRegex
		re, err := compileBoundedRegex(ns.regex)
		if err != nil {
			b.fail(rs.file, ns.line, rs.id, "regex %q: %v", ns.regex, err)
		}
		n.re = re
		if r, reads, ok := b.unreadableRune(ns.regex); ok {
			b.warn(rs.file, ns.line, rs.id, "regex %q has %q (U+%04X), which normalised text never holds: it reads %q; write that instead", ns.regex, r, r, reads)
		}
		n.reDigit = needsDigit(ns.regex)
		n.reNeed = needsLiterals(ns.regex)
		if re != nil {
			n.rePrefix = newPrefixSearch(ns.regex)
		}
		n.gateDigit = ns.gateDigit
		if len(ns.gate) > 0 {
			id := b.newList(fmt.Sprintf("gate of rule %s line %d", rs.id, ns.line))
			b.addKeywords(rs.file, rs.id, ns.gate, target{tList, id})
			n.gates = append(n.gates, id)
		}
		n.gates = b.appendSetLists(n.gates, rs, ns.line, "gate: ", ns.gateSets)
	case "cond":
		n.kind = kCond
		c, err := parseCondition(ns.cond, b.p)
		if err != nil {
			b.fail(rs.file, ns.line, rs.id, "cond %q: %v", ns.cond, err)
		}
		n.cond = c
	}
	return n
}

// compileCondition compiles the named condition a rule uses in place of
// its name, as if written there. Its errors name the condition's own
// file and the rule that used it.
func (b *packBuilder) compileCondition(rs *ruleSpec, ns *nodeSpec) *node {
	c, ok := b.conditions[ns.ref]
	switch {
	case !ok:
		b.fail(rs.file, ns.line, rs.id, "condition %q is not defined in any rule file", ns.ref)
		return &node{kind: kNone}
	case b.expanding[ns.ref]:
		b.fail(rs.file, ns.line, rs.id, "condition %q uses itself", ns.ref)
		return &node{kind: kNone}
	}
	b.inUse[ns.ref] = true
	b.expanding[ns.ref] = true
	defer delete(b.expanding, ns.ref)
	in := *rs
	in.file, in.id = c.file, rs.id+" (condition "+c.name+")"
	return b.compileNode(&in, c.node)
}

// needs is what must have matched for a rule to be able to fire: when
// known, a keyword of at least one of lists. Most rules need keywords
// most ads lack, and are passed over without a walk of their tree.
type needs struct {
	known bool
	lists []int32
}

// met reports whether the ad has what the rule needs.
func (nd needs) met(st *adState) bool {
	if !nd.known {
		return true
	}
	for _, l := range nd.lists {
		if st.listHead[l] >= 0 {
			return true
		}
	}
	return false
}

// needsOf works out what node n needs to hold, from its evidence: a
// keyword list needs its keywords, a gated regex its gates; all and
// within need what any one of their children needs; any and at_least
// need what one of their children needs, so the union, when each child's
// need is known. Conditions and none need nothing that can be known.
func needsOf(n *node) needs {
	switch n.kind {
	case kList:
		return needs{known: true, lists: n.lists}
	case kRegex:
		if n.re == nil {
			return needs{known: true} // never holds
		}
		if n.gateDigit {
			return needs{}
		}
		return needs{known: true, lists: n.gates} // no gates: never holds
	case kAll, kWithin, kThen:
		best := needs{}
		for _, c := range n.children {
			if nc := needsOf(c); nc.known && (!best.known || len(nc.lists) < len(best.lists)) {
				best = nc
			}
		}
		return best
	case kAny, kAtLeast:
		if n.kind == kAtLeast && n.n <= 0 {
			return needs{}
		}
		u := needs{known: true}
		for _, c := range n.children {
			nc := needsOf(c)
			if !nc.known {
				return needs{}
			}
			u.lists = append(u.lists, nc.lists...)
		}
		return u
	}
	return needs{}
}

// setChildNeeds notes what each child of an all, a within or a then
// needs.
func setChildNeeds(n *node) {
	if n.kind != kAll && n.kind != kWithin && n.kind != kThen {
		return
	}
	for _, c := range n.children {
		if nc := needsOf(c); nc.known {
			n.childNeeds = append(n.childNeeds, nc)
		}
	}
}

// markSpanless marks the nodes below a none, whose spans no verdict
// shows. A within's and a then's children keep theirs: those measure
// between them.
func markSpanless(n *node, below bool) {
	n.spanless = below
	for _, c := range n.children {
		markSpanless(c, (below || n.kind == kNone) && n.kind != kWithin && n.kind != kThen)
	}
}

// walkNodes calls fn on n and every node below it.
func walkNodes(n *node, fn func(*node)) {
	fn(n)
	for _, c := range n.children {
		walkNodes(c, fn)
	}
}

func producesSpans(n *node) bool {
	switch n.kind {
	case kList, kRegex:
		return true
	case kAll, kAny, kAtLeast, kWithin, kThen:
		for _, c := range n.children {
			if producesSpans(c) {
				return true
			}
		}
	case kCond:
		return n.cond != nil && n.cond.hasSpans()
	}
	return false
}

// sortedKeys returns a map's keys in order, for stable output.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
