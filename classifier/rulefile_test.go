package classifier

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestBadRuleFilesAreRefused loads each fixture in testdata/bad alone and
// checks the error names the file, the line and the reason.
func TestBadRuleFilesAreRefused(t *testing.T) {
	tests := []struct {
		file string
		line int
		want string
	}{
		{"unknown-key.yaml", 6, `unknown key "colour"`},
		{"deep-nesting.yaml", 15, "nest deeper than 8 levels"},
		{"catastrophic-regex.yaml", 7, "nested unbounded repetition"},
		{"regex-without-gate.yaml", 7, "needs a gate"},
		{"bad-cond.yaml", 7, `does not take "about"`},
		{"unknown-set.yaml", 7, `set "nowhere" is not defined`},
		{"duplicate-id.yaml", 8, "rule twice: is already defined at"},
		{"no-description.yaml", 2, "description: is required"},
		{"syntax.yaml", 0, "did not find expected"},
		{"within-range.yaml", 7, "tokens must be between 1 and 200"},
		{"then-one-piece.yaml", 7, "then: needs exactly two pieces of evidence"},
		{"then-on-cond.yaml", 7, "then: both pieces of evidence must match text"},
		{"context-positive.yaml", 2, "context rules weigh less than 0"},
		{"except-on-regex.yaml", 7, `"except" does not apply to regex evidence`},
		{"except-unknown-set.yaml", 7, `except: set "nowhere" is not defined`},
		{"headline-on-regex.yaml", 7, "headline applies to keywords and sets, not to regex"},
		{"unquoted-on-cond.yaml", 7, `"unquoted" does not apply to cond evidence`},
		{"unknown-condition.yaml", 7, `condition "nowhere" is not defined in any rule file`},
		{"condition-uses-itself.yaml", 5, `condition "endless" uses itself`},
		{"condition-with-modifier.yaml", 10, `"negatable" does not apply to condition evidence`},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			dir := t.TempDir()
			data, err := os.ReadFile(filepath.Join("testdata", "bad", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, tc.file)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = New(Config{Rules: dir}, nil, nil)
			if err == nil {
				t.Fatal("the rule file was accepted")
			}
			msg := err.Error()
			where := path + ":"
			if tc.line > 0 {
				where = path + ":" + strconv.Itoa(tc.line) + ":"
			}
			if !strings.Contains(msg, where) || !strings.Contains(msg, tc.want) {
				t.Errorf("error %q\nwant it to name %q and say %q", msg, where, tc.want)
			}
		})
	}
}

// TestDuplicateKeywordsAreWarnedOf: a keyword written twice in one
// language of a list, as written or once normalised, loads with a warning
// naming both lines; the same word in two languages of a list is not one.
func TestDuplicateKeywordsAreWarnedOf(t *testing.T) {
	rules := `rules:
  - id: fee-twice
    weight: 3
    category: advance-fee
    description: A fee, with keywords written twice.
    when:
      keywords:
        en: [processing fee,
             deposit,
             processing fee,
             PROCESSING  FEE]
        id: [deposit]
    examples:
      match: ["Pay the processing fee first"]
      no_match: ["No experience needed"]
`
	c, path, err := packFileOf(t, rules)
	if err != nil {
		t.Fatal(err)
	}
	wantWarnings(t, c, []string{
		path + `:10: rule fee-twice: keyword "processing fee" (en) is in this list already, at line 8; the second does nothing`,
		path + `:11: rule fee-twice: keyword "PROCESSING  FEE" (en) reads the same as "processing fee" at line 8 once normalised; the second does nothing`,
	})
	if fails := c.CheckExamples(); len(fails) > 0 {
		t.Errorf("the rule's examples fail: %v", fails)
	}
}

// TestNamedConditionServesEveryRuleThatUsesIt: evidence written once
// under conditions: reads the same in each rule that uses it, as if
// written there; one no rule uses loads with a warning.
func TestNamedConditionServesEveryRuleThatUsesIt(t *testing.T) {
	rules := `conditions:
  employer_known:
    any:
      - keywords: [sdn bhd, pt]
      - cond: company present
  spare:
    keywords: [never used]
rules:
  - id: typist-unnamed
    weight: 2
    category: job-fraud
    description: A typist wanted by no one named.
    when:
      all:
        - keywords: [typist]
        - none: [{condition: employer_known}]
    examples:
      match: ["Typist wanted, message us"]
      no_match: ["Typist wanted at Maju Sdn Bhd", {body: "Typist wanted", company: "Maju"}]
  - id: clerk-named
    weight: -1
    category: context
    description: A clerk wanted by someone named.
    when:
      all:
        - keywords: [clerk]
        - condition: employer_known
    examples:
      match: ["Clerk wanted at PT Maju"]
      no_match: ["Clerk wanted, message us"]
`
	c, path, err := packFileOf(t, rules)
	if err != nil {
		t.Fatal(err)
	}
	if fails := c.CheckExamples(); len(fails) > 0 {
		t.Errorf("examples fail: %v", fails)
	}
	wantWarnings(t, c, []string{path + `:6: condition "spare" is defined but no rule uses it`})
}

// wantWarnings checks that a pack's load warnings say want, in order.
func wantWarnings(t *testing.T, c *Classifier, want []string) {
	t.Helper()
	var got []string
	for _, w := range c.Warnings() {
		got = append(got, w.Error())
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestKeywordThatLosesAnEmojiIsWarnedOf: the normaliser drops emoji, so
// "ingat 🙏" would match every bare "ingat": loaded with a warning; a
// flag, which is spelt out, is no such loss.
func TestKeywordThatLosesAnEmojiIsWarnedOf(t *testing.T) {
	rules := `rules:
  - id: take-care
    weight: -1
    category: context
    description: A Tagalog warning's sign-off.
    when:
      keywords:
        tl: [ingat 🙏, mag-ingat]
        any: [🇰🇭]
    examples:
      match: ["Mag-ingat po kayo"]
      no_match: ["Hiring cooks"]
`
	c, path, err := packFileOf(t, rules)
	if err != nil {
		t.Fatal(err)
	}
	wantWarnings(t, c, []string{
		path + `:8: rule take-care: keyword "ingat 🙏" (tl) reads as "ingat" once normalised: '🙏' is dropped, so the keyword matches more than it says`,
	})
}

// TestRegexWithUnreadableRune: regexes read normalised text, where Thai
// "am" (ำ) is split in two, so a regex written with it never matches
// there: loaded with a warning that says what to write.
func TestRegexWithUnreadableRune(t *testing.T) {
	rules := `rules:
  - id: thai-fee
    weight: 3
    category: advance-fee
    description: A processing fee with its price.
    when:
      any:
        - keywords: {en: [processing fee]}
        - regex: 'ค่าดำเนินการ [0-9]+'
          gate: {any: [ค่าดำเนินการ]}
    examples:
      match: ["A processing fee"]
      no_match: ["ค่าดำเนินการ 5000 บาท"]
`
	c, path, err := packFileOf(t, rules)
	if err != nil {
		t.Fatal(err)
	}
	ws := c.Warnings()
	if len(ws) != 1 || !strings.Contains(ws[0].Error(), path+":9: rule thai-fee: regex") ||
		!strings.Contains(ws[0].Error(), "has 'ำ' (U+0E33), which normalised text never holds: it reads \"ํา\"") {
		t.Errorf("warnings %v", ws)
	}
}

func TestRegexBounds(t *testing.T) {
	tests := []struct {
		re   string
		want string // "" means accepted
	}{
		{`[0-9]{2} ?wpm`, ""},
		{`(a+)+b`, "nested unbounded repetition"},
		{`(a*)*`, "nested unbounded repetition"},
		{`(?:x|y+)+z`, "nested unbounded repetition"},
		{`a{1000}`, "exceeds 100"},
		{`(a{1,100}){1,100}`, "invalid repeat count"},
		{strings.Repeat("(?:[a-z]{1,90})", 60), "instructions, the limit is 5000"},
		{strings.Repeat("a", 1001), "the limit is 1000"},
		{`(unclosed`, "missing closing )"},
	}
	for _, tc := range tests {
		_, err := compileBoundedRegex(tc.re)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q refused: %v", tc.re, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: error %v, want one saying %q", tc.re[:min(len(tc.re), 20)], err, tc.want)
		}
	}
}

// TestNeedsDigit: a regex is skipped on text without a digit only when
// none of its matches can lack one.
func TestNeedsDigit(t *testing.T) {
	for _, tc := range []struct {
		re   string
		want bool
	}{
		{`[0-9]{2} ?wpm`, true},
		{`(?:\$|usd) ?[0-9]`, true},
		{`(?:age|aged)[^0-9]{0,12}1[6-9]|(?:18|20) ?(?:yrs|years)`, true},
		{`usd|[0-9]+`, false},
		{`[0-9]*x`, false},
		{`[0-9a]`, false},
		{`\d{3}`, true},
		{`(1|2)?x`, false},
		{`x(?:1+|2{1,3})`, true},
		{`x(?:1|)`, false},
		{`[^0-9]+`, false},
	} {
		if got := needsDigit(tc.re); got != tc.want {
			t.Errorf("needsDigit(%q) = %v, want %v", tc.re, got, tc.want)
		}
		// Whatever it says, a regex that needs a digit must not match
		// text without one.
		re := regexp.MustCompile(tc.re)
		for _, text := range []string{"x", "age 18 years", "age eighteen years", "usd", "$ 5", "xx wpm", "a", ""} {
			if needsDigit(tc.re) && !strings.ContainsAny(text, "0123456789") && re.MatchString(text) {
				t.Errorf("%q matches %q, which has no digit", tc.re, text)
			}
		}
	}
}

// TestLiteralNeeds: a regex is not run on a window without the literal
// text every match of it must contain; the text worked out must indeed
// be in every match, and rule out the windows it should.
func TestLiteralNeeds(t *testing.T) {
	regexes := []string{
		`(?:apply|applying|application|register)\w* (?:using|through|via|at|on|from|by) (?:the |this )?(?:below |following |given )?link|(?:use|click|visit|open) (?:the |this )?(?:below |following )?link`,
		`(?:\$|usd|£|€) ?[0-9][0-9,.]*(?: ?(?:-|to) ?(?:\$|usd|£|€)? ?[0-9][0-9,.]*)?(?: ?(?:usd|dollars))? ?(?:per|a|/|each|every) ?(?:day|week|wk)\b|(?:\$|usd|£|€) ?[0-9][0-9,.]*(?: ?(?:-|to) ?(?:\$|usd|£|€)? ?[0-9][0-9,.]*)? (?:daily|weekly)`,
		`(?:age|aged|usia)[^0-9]{0,12}1[6-9] ?(?:-|~|to) ?(?:2[0-9]|3[0-5])|(?:18|20) ?(?:-|~|to) ?(?:2[0-9]|3[0-5]) ?(?:yrs|years|tuổi|岁)`,
		`[0-9]{2} ?wpm`, `x*`, `a|b*`, `(?i)link`, `(?:ab)+c{2,}`,
	}
	pieces := []string{"apply", "applying", "register", "use", "click", "via", "using", " ", "the ", "below ", "link", "$", "usd", "£", "€",
		"5", "300", " to ", "per", " a ", "/", "day", "week", "wk", "daily", "weekly", "age", "aged", "18", "2", "-", "years", "岁", "x", "wpm", "ab", "c", "LINK", "."}
	r := rand.New(rand.NewPCG(25, 26))
	ruledOut := 0
	for _, s := range regexes {
		re := regexp.MustCompile(s)
		need := needsLiterals(s)
		for range 20000 {
			var b []byte
			for k := r.IntN(10); k > 0; k-- {
				b = append(b, pieces[r.IntN(len(pieces))]...)
			}
			if re.Match(b) && !need.holds(b) {
				t.Fatalf("%q matches %q, but its need %q does not hold there", s, b, need)
			}
			if !need.holds(b) {
				ruledOut++
			}
		}
	}
	if ruledOut == 0 {
		t.Error("no text was ruled out: the test shows nothing")
	}
	if need := needsLiterals(regexes[0]); need.holds([]byte("see the link in our profile")) {
		t.Errorf("the apply-link regex's need %q holds on a window with only \"link\"", need)
	}
}

// TestPrefixSearchAgreesWithFindAll: where every match of a regex begins
// with a known literal, the regex is tried only there, anchored; it must
// find exactly what FindAllIndex finds, on any text.
func TestPrefixSearchAgreesWithFindAll(t *testing.T) {
	regexes := []string{
		`(?:apply|applying|application|register)\w* (?:using|through|via|at|on|from|by) (?:the |this )?(?:below |following |given )?link|(?:use|click|visit|open) (?:the |this )?(?:below |following )?link`,
		`(?:\$|usd|£|€) ?[0-9][0-9,.]*(?: ?(?:-|to) ?(?:\$|usd|£|€)? ?[0-9][0-9,.]*)?(?: ?(?:usd|dollars))? ?(?:per|a|/|each|every) ?(?:day|week|wk)\b|(?:\$|usd|£|€) ?[0-9][0-9,.]*(?: ?(?:-|to) ?(?:\$|usd|£|€)? ?[0-9][0-9,.]*)? (?:daily|weekly)`,
		`(?:age|aged|usia)[^0-9]{0,12}1[6-9] ?(?:-|~|to) ?(?:2[0-9]|3[0-5])|(?:18|20) ?(?:-|~|to) ?(?:2[0-9]|3[0-5]) ?(?:yrs|years|tuổi|岁)|\(1[6-9] ?(?:-|~) ?(?:2[0-9]|3[0-5])\)`,
		`(?:\$|usd) ?[0-9]`, `[0-9]{2} ?wpm\b`, `a+b?`, `(?:ab)+c{2,}`, `x\by|xy\B`, `[ab]{1,3}a`, `ab|abc`, `abc|ab`,
	}
	pieces := []string{"apply", "applying", "register", "use", "click", "via", "using", " ", "the ", "below ", "link", "$", "usd", "£", "€",
		"5", "300", " to ", "per", " a ", "/", "day", "week", "wk", "daily", "weekly", "age", "aged", "18", "2", "-", "years", "岁", "x", "y",
		"wpm", "ab", "a", "b", "c", "cc", "(", ")", "17", "\xff", "\xe2\x82"}
	r := rand.New(rand.NewPCG(27, 28))
	for _, s := range regexes {
		re := regexp.MustCompile(s)
		ps := newPrefixSearch(s)
		if ps == nil {
			t.Fatalf("%q: no prefix search, though every match begins with a literal", s)
		}
		found := 0
		for range 20000 {
			var b []byte
			for k := r.IntN(14); k > 0; k-- {
				b = append(b, pieces[r.IntN(len(pieces))]...)
			}
			limit := 1 + r.IntN(4)
			var want [][2]int32
			for _, loc := range re.FindAllIndex(b, limit) {
				want = append(want, [2]int32{int32(loc[0]), int32(loc[1])})
			}
			got := ps.appendMatches(nil, b, limit)
			if !slices.Equal(got, want) {
				t.Fatalf("%q in %q (at most %d): prefix search finds %v, FindAllIndex %v", s, b, limit, got, want)
			}
			found += len(want)
		}
		if found == 0 {
			t.Errorf("%q never matched: the test shows nothing", s)
		}
	}
	for _, s := range []string{`x*`, `(?i)link`, `.abc`, `\bword`, `a|b*`, `\x{FFFD}x`} {
		if newPrefixSearch(s) != nil {
			t.Errorf("%q has a prefix search, but its matches do not all begin with a literal", s)
		}
	}
}
