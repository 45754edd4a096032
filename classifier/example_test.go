package classifier_test

import (
	"fmt"

	"github.com/lurewatch/lurewatch/classifier"
	"github.com/lurewatch/lurewatch/pkg/ad"
)

// A verdict lists every rule that fired, with its weight, why it matters
// and the words that made it fire, as written in the ad.
func Example() {
	c, err := classifier.New(classifier.Config{Rules: "testdata/rules"}, nil, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	v := c.Classify(&ad.Raw{
		ID:    "example-1",
		Title: "Typist needed – Sihanoukville",
		Body:  "We offer USD 1,400 per month. A processing fee is due, then write to T.e.l.e.g.r.a.m @svl_jobs",
	})
	fmt.Printf("score %g, level %s, flagged %v, category %s\n", v.Score, v.Level, v.Flagged, v.Category)
	for _, h := range v.Hits {
		fmt.Printf("%+g %s: %s\n", h.Weight, h.Rule, h.Description)
		for _, s := range h.Spans {
			fmt.Printf("    %s[%d:%d] %q\n", s.Field, s.OrigStart, s.OrigEnd, s.Text)
		}
	}
	x := v.Extracted
	fmt.Printf("salary %s %g a %s = USD %g a month; places %v; jobs %v; contacts %v\n",
		x.Salary.Currency, x.Salary.Min, x.Salary.Period, x.Salary.USDMonth, x.Places, x.JobTypes, x.Contacts)
	// Output:
	// score 10, level critical, flagged true, category trafficking-lure
	// +3 hub: Names a scam hub.
	//     title[18:31] "Sihanoukville"
	// +3 fee: Asks for a fee.
	//     body[32:46] "processing fee"
	// +2 chat-only: Contact only by chat app.
	//     body[69:84] "T.e.l.e.g.r.a.m"
	// +2 high-pay: Pays USD 1,000 a month or more.
	//     body[9:28] "USD 1,400 per month"
	// salary USD 1400 a month = USD 1400 a month; places [Sihanoukville]; jobs [typist]; contacts [{telegram @svl_jobs}]
}
