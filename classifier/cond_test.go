package classifier

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// packOf compiles a rule pack written inline.
func packOf(t *testing.T, yaml string) (*Classifier, error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pack.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return New(Config{Rules: dir}, nil, nil)
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
	if err == nil || !strings.Contains(err.Error(), `unknown key "url" (want title, body, location, salary or company)`) {
		t.Errorf("error %v, want it to name the unknown key", err)
	}
}

func TestSalaryPeriodCondition(t *testing.T) {
	c, err := packOf(t, `
rules:
  - id: paid-by-the-hour
    weight: 1
    category: job-fraud
    description: The pay is stated by the hour.
    when: {cond: "salary_period in [hour]"}
    examples:
      match: ["Cashier, $17.50 an hour"]
      no_match: ["Cashier, $2,800 a month"]
`)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range c.CheckExamples() {
		t.Error(f)
	}
	tests := []struct {
		salary string
		fires  bool
	}{
		{"$17.50 - $19.00 an hour", true},
		{"£11.44 per hour", true},
		{"RM 12/jam", true},
		{"$3,000/month", false},
		{"$45,000 a year", false},
		{"", false},
	}
	for _, tc := range tests {
		got := hitRules(c.Classify(&ad.Raw{Body: "Cashier wanted", Salary: tc.salary}))
		if fired := len(got) == 1; fired != tc.fires {
			t.Errorf("salary %q: fired %v, want %v", tc.salary, got, tc.fires)
		}
	}
	_, err = packOf(t, `
rules:
  - id: bad
    weight: 1
    category: job-fraud
    description: A period the extractor does not know.
    when: {cond: "salary_period in [fortnight]"}
    examples: {match: [x]}
`)
	if err == nil || !strings.Contains(err.Error(), `"fortnight" is not a pay period`) {
		t.Errorf("error %v, want it to name the unknown period", err)
	}
}

func TestSalaryCurrencyCondition(t *testing.T) {
	c, err := packOf(t, `
rules:
  - id: paid-in-pounds-or-euros
    weight: 1
    category: job-fraud
    description: The pay is stated in pounds or euros.
    when: {cond: "salary_currency in [GBP, EUR]"}
    examples:
      match: ["Receptionist, £23,400 a year"]
      no_match: ["Receptionist, $2,000 a month"]
`)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range c.CheckExamples() {
		t.Error(f)
	}
	tests := []struct {
		salary string
		fires  bool
	}{
		{"£11.44 per hour", true},
		{"EUR 2,400 per month", true},
		{"€1.900/Monat", true},
		{"$3,000/month", false},
		{"RM 3,500", false},
		{"", false},
	}
	for _, tc := range tests {
		got := hitRules(c.Classify(&ad.Raw{Body: "Receptionist wanted", Salary: tc.salary}))
		if fired := len(got) == 1; fired != tc.fires {
			t.Errorf("salary %q: fired %v, want %v", tc.salary, got, tc.fires)
		}
	}
	for _, bad := range []string{"pounds", "gbp", "GB"} {
		_, err = packOf(t, `
rules:
  - id: bad
    weight: 1
    category: job-fraud
    description: A currency not written as a code.
    when: {cond: "salary_currency in [`+bad+`]"}
    examples: {match: [x]}
`)
		if err == nil || !strings.Contains(err.Error(), "is not a currency code") {
			t.Errorf("currency %q: error %v, want it refused", bad, err)
		}
	}
}
