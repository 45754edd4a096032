package classifier

import (
	"fmt"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// ExampleFailure is an example of a rule that the rules in force get
// wrong: a text the rule should fire on and does not, or the reverse.
type ExampleFailure struct {
	Rule      string
	File      string
	Line      int
	Title     string
	Text      string
	WantMatch bool
}

// String reads as a compiler message: file:line, the rule and what failed.
func (f ExampleFailure) String() string {
	want := "should fire on"
	if !f.WantMatch {
		want = "should not fire on"
	}
	text := f.Text
	if f.Title != "" {
		text = f.Title + " / " + text
	}
	return fmt.Sprintf("%s:%d: rule %s %s %q", f.File, f.Line, f.Rule, want, text)
}

// CheckExamples runs every rule's examples through the whole classifier
// (each as the body of an ad) and returns those that fail.
func (c *Classifier) CheckExamples() []ExampleFailure {
	var out []ExampleFailure
	for _, r := range c.cur.Load().p.rules {
		for _, set := range []struct {
			ex   []Example
			want bool
		}{{r.match, true}, {r.noMatch, false}} {
			for _, ex := range set.ex {
				v := c.Classify(&ad.Raw{ID: "example:" + r.id, Title: ex.Title, Body: ex.Text, Location: ex.Location, Salary: ex.Salary, Company: ex.Company, Meta: ex.Meta})
				fired := false
				for _, h := range v.Hits {
					fired = fired || h.Rule == r.id
				}
				if fired != set.want {
					out = append(out, ExampleFailure{Rule: r.id, File: r.file, Line: ex.Line, Title: ex.Title, Text: ex.Text, WantMatch: set.want})
				}
			}
		}
	}
	return out
}
