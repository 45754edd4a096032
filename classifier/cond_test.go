package classifier

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// packOf compiles a rule pack written inline.
func packOf(t *testing.T, yaml string) (*Classifier, error) {
	t.Helper()
	c, _, err := packFileOf(t, yaml)
	return c, err
}

// packFileOf is packOf, with the path of the file the pack was written
// to, which its errors and warnings name.
func packFileOf(t *testing.T, yaml string) (*Classifier, string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pack.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{Rules: filepath.Dir(path)}, nil, nil)
	return c, path, err
}

func TestCompanyCondition(t *testing.T) {
	c, err := packOf(t, `
rules:
  - id: no-company
    weight: 1
    category: job-fraud
    description: The ad names no company.
    when: {cond: company missing}
    examples:
      match: [Typist wanted]
      no_match: [{body: Typist wanted, company: Harbor Freight}]
  - id: some-company
    weight: 1
    category: job-fraud
    description: The ad names a company.
    when: {cond: company present}
    examples:
      match: [{body: Typist wanted, company: 港湾物流}]
`)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range c.CheckExamples() {
		t.Error(f)
	}
	tests := []struct {
		company string
		want    string
	}{
		{"", "no-company"},
		{"  ", "no-company"},
		{" - / …", "no-company"},
		{"Harbor Freight Ltd.", "some-company"},
		{"港湾物流", "some-company"},
		{"7-Eleven", "some-company"},
		// placeholders say no employer is given
		{"Not stated", "no-company"},
		{"(N/A)", "no-company"},
		{"tidak disebutkan", "no-company"},
		{"Không nêu", "no-company"},
		{"ไม่ระบุ", "no-company"},
		{"未注明", "no-company"},
		{"မဖော်ပြ", "no-company"},
		// a kind of employer whose name is said to be withheld
		{"คาสิโน (ไม่ระบุชื่อ)", "no-company"},
		{"Payment services (unnamed)", "no-company"},
		// a placeholder inside a name is part of the name
		{"None Such Trading", "some-company"},
		{"Confidential", "some-company"},
		{"Evergreen Apparel (Cambodia) Co., Ltd.", "some-company"},
		{"(N/A) Holdings", "some-company"},
	}
	for _, tc := range tests {
		got := hitRules(c.Classify(&ad.Raw{Body: "Typist wanted", Company: tc.company}))
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("company %q: fired %v, want [%s]", tc.company, got, tc.want)
		}
	}
}

func TestCompanyConditionRefusesValues(t *testing.T) {
	_, err := packOf(t, `
rules:
  - id: bad
    weight: 1
    category: job-fraud
    description: Wrong use of the company condition.
    when: {cond: "company in [acme]"}
    examples: {match: [x]}
`)
	if err == nil || !strings.Contains(err.Error(), `company does not take "in"`) {
		t.Errorf("error %v, want it to say company does not take \"in\"", err)
	}
}

func TestExampleKeysAreChecked(t *testing.T) {
	_, err := packOf(t, `
rules:
  - id: bad
    weight: 1
    category: job-fraud
    description: An example with a field the examples do not have.
    when: {keywords: [typist]}
    examples: {match: [{body: typist, url: "https://jobs.example/1"}]}
`)
	if err == nil || !strings.Contains(err.Error(), `unknown key "url" (want title, body, location, salary, company or meta)`) {
		t.Errorf("error %v, want it to name the unknown key", err)
	}
}

// TestMetaCondition tests the conditions on what the source said of the
// post, beside its text: a board's record that the listing has no logo.
func TestMetaCondition(t *testing.T) {
	c, err := packOf(t, `
rules:
  - id: no-logo
    weight: 1
    category: job-fraud
    description: The board shows no company logo.
    when: {cond: "meta.has_company_logo in [false, no]"}
    examples:
      match: [{body: Typist wanted, meta: {has_company_logo: false}}]
      no_match: [{body: Typist wanted, meta: {has_company_logo: true}}, Typist wanted]
  - id: forwarded
    weight: 1
    category: job-fraud
    description: The post was forwarded from another channel.
    when: {cond: meta.forwarded_from present}
    examples:
      match: [{body: Typist wanted, meta: {forwarded_from: HR Asia}}]
      no_match: [Typist wanted]
`)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range c.CheckExamples() {
		t.Error(f)
	}
	tests := []struct {
		meta map[string]string
		want string
	}{
		{nil, ""},
		{map[string]string{"has_company_logo": "false"}, "no-logo"},
		{map[string]string{"has_company_logo": " FALSE "}, "no-logo"},
		{map[string]string{"has_company_logo": "No"}, "no-logo"},
		{map[string]string{"has_company_logo": "true"}, ""},
		{map[string]string{"has_company_logo": ""}, ""},
		{map[string]string{"forwarded_from": "  "}, ""},
		{map[string]string{"forwarded_from": "HR Asia", "has_company_logo": "false"}, "no-logo forwarded"},
	}
	for _, tc := range tests {
		got := hitRules(c.Classify(&ad.Raw{Body: "Typist wanted", Meta: tc.meta}))
		if strings.Join(got, " ") != tc.want {
			t.Errorf("meta %v: fired %v, want [%s]", tc.meta, got, tc.want)
		}
	}
	for cond, want := range map[string]string{
		"meta.has_company_logo >= 1": `meta does not take ">="`,
		"meta. in [x]":               `"meta." does not name a meta entry`,
		"meta.a/b present":           `"meta.a/b" does not name a meta entry`,
		"metadata.x present":         `unknown field "metadata.x"`,
		"meta.x missing now":         `missing takes no value`,
	} {
		if _, err := condPack(t, cond); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("cond %q: error %v, want it to say %s", cond, err, want)
		}
	}
}

// condPack compiles a pack of one rule that fires on condition cond.
func condPack(t *testing.T, cond string) (*Classifier, error) {
	t.Helper()
	return packOf(t, fmt.Sprintf(`
rules:
  - id: under-test
    weight: 1
    category: job-fraud
    description: The condition under test.
    when: {cond: %q}
    examples: {match: [x]}
`, cond))
}

// TestSalaryPeriodAndCurrency tests the conditions on how the pay is
// stated: by the hour, day, week, month or year, and in which currency.
func TestSalaryPeriodAndCurrency(t *testing.T) {
	tests := []struct {
		cond, salary string
		fires        bool
	}{
		{"salary_period in [hour]", "$17.50 - $19.00 an hour", true},
		{"salary_period in [hour]", "£11.44 per hour", true},
		{"salary_period in [hour]", "RM 12/jam", true},
		{"salary_period in [hour]", "$3,000/month", false},
		{"salary_period in [hour]", "$45,000 a year", false},
		{"salary_period in [day, week]", "₱450/day", true},
		{"salary_period in [hour]", "", false},
		{"salary_currency in [GBP, EUR]", "£11.44 per hour", true},
		{"salary_currency in [GBP, EUR]", "EUR 2,400 per month", true},
		{"salary_currency in [GBP, EUR]", "€1.900/Monat", true},
		{"salary_currency in [GBP, EUR]", "$3,000/month", false},
		{"salary_currency in [GBP, EUR]", "RM 3,500", false},
		{"salary_currency in [GBP, EUR]", "", false},
		{"salary_currency in [NZD]", "NZ$28 per hour", true},
	}
	for _, tc := range tests {
		c, err := condPack(t, tc.cond)
		if err != nil {
			t.Fatalf("%s: %v", tc.cond, err)
		}
		got := hitRules(c.Classify(&ad.Raw{Body: "Cashier wanted", Salary: tc.salary}))
		if fired := len(got) == 1; fired != tc.fires {
			t.Errorf("%s, salary %q: fired %v, want %v", tc.cond, tc.salary, got, tc.fires)
		}
	}
	refused := []struct{ cond, want string }{
		{"salary_period in [fortnight]", `"fortnight" is not a pay period`},
		{"salary_currency in [pounds]", `"pounds" is not a currency code`},
		{"salary_currency in [gbp]", `"gbp" is not a currency code`},
		{"salary_currency in [GB]", `"GB" is not a currency code`},
		{"salary_currency in [XYZ]", `"XYZ" is not a currency code`},
		{"salary_period >= 3", `salary_period does not take ">="`},
	}
	for _, tc := range refused {
		_, err := condPack(t, tc.cond)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to say %s", tc.cond, err, tc.want)
		}
	}
}

// TestExceptTakesSetsAndWords: an except may name sets and words at once;
// a match inside either is dropped.
func TestExceptTakesSetsAndWords(t *testing.T) {
	c, err := packOf(t, `
sets:
  employer_pays:
    en: [fee paid by the employer]
rules:
  - id: fee
    weight: 3
    category: advance-fee
    description: A fee.
    when:
      keywords:
        en: [fee]
      except: {set: employer_pays, en: [fee waived]}
    examples:
      match: [Pay the fee first]
      no_match: [The fee paid by the employer covers the visa, Your fee waived this month]
`)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range c.CheckExamples() {
		t.Error(f)
	}
	for body, want := range map[string]bool{
		"Pay the fee first":                        true,
		"The fee paid by the employer covers it":   false,
		"Your fee waived this month":               false,
		"Fee waived, but a second fee is due here": true,
	} {
		if got := len(hitRules(c.Classify(&ad.Raw{Body: body}))) > 0; got != want {
			t.Errorf("%q: fired %v, want %v", body, got, want)
		}
	}
}

// TestNegatedChannelNames tests that a contact channel named only to be
// ruled out is no way to apply, while a cue further off negates nothing.
func TestNegatedChannelNames(t *testing.T) {
	const pack = `
sets:
  channel_negation:
    en: [never, not]
    zh: [不会有人]
    th: [ไม่]
rules:
  - id: chat
    weight: 1
    category: job-fraud
    description: A chat channel to apply by.
    when: {cond: contact_channels present}
    examples:
      match: [Typing job abroad. DM]
      no_match: [We never DM first.]
`
	c, err := packOf(t, pack)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range c.CheckExamples() {
		t.Error(f)
	}
	for body, want := range map[string]bool{
		"Typing job abroad, $1500. DM":              true,
		"We never DM first.":                        false,
		"It was LinkedIn, not a DM from a stranger": false,
		"请下载官方App注册，不会有人私訊要求你代领包裹":                  false,
		"No experience needed, never late pay, DM":  true, // past a comma
		"never mind the distance DM":                true, // three words off
		"งานดี ไม่ไกล ทักแชท":                       true, // a Thai cue must touch the name
		"งานดี อย่าทักแชท":                          true, // not a cue of this pack
		"งานดี ไม่ทักแชท":                           false,
	} {
		v := c.Classify(&ad.Raw{Body: body})
		if got := len(hitRules(v)) > 0; got != want {
			t.Errorf("%q: a channel to apply by = %v, want %v", body, got, want)
		}
	}
	// Without the set, no channel name is ruled out.
	c, err = packOf(t, strings.Replace(pack, "channel_negation", "other_words", 1))
	if err != nil {
		t.Fatal(err)
	}
	if v := c.Classify(&ad.Raw{Body: "We never DM first."}); len(hitRules(v)) == 0 {
		t.Error("a pack without channel_negation ruled out a channel")
	}
}
