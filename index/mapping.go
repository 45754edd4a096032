package index

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/lurewatch/lurewatch/pkg/ad"
	"github.com/lurewatch/lurewatch/pkg/zawgyi"
)

// analysisVersion changes whenever the analyzers' code changes in a way that
// tokenises stored text differently: the mapping's JSON names the analyzers
// but cannot see their code, and a changed mapping id makes Open reindex.
const analysisVersion = "7"

// Field names of the index. The text fields are searched by a query string
// without a field name; the keyword fields are facets and filters.
const (
	fieldTitle  = "title"
	fieldText   = "text"
	fieldTextEN = "text_en"
	fieldTextMS = "text_ms"

	fieldSalary    = "salary_usd_month"
	fieldScore     = "score"
	fieldTimesSeen = "times_seen"
	fieldPosted    = "posted"
	fieldFirstSeen = "first_seen"
	fieldLastSeen  = "last_seen"
	fieldDoc       = "doc"
)

// KeywordFields are the fields that can be faceted and filtered on, by the
// name the API uses.
var keywordFields = []string{
	"source", "platform", "country", "place", "category", "rule", "level",
	"lang", "contact", "job_type", "nationality", "content_hash",
}

// The text of an ad is indexed as one field, text: its title, body,
// location, company and contacts joined by partSep. One field rather than
// five makes a query's disjunction, and the index, smaller; a match is put
// back in its part by its offset (see textParts). The title is indexed
// alone as well, to weigh a match there and to answer title:word.
//
// textFields are searched, with these weights, when a query names no field.
// The stemmed fields are filled only for ads in their language.
var textFields = []struct {
	name  string
	boost float64
}{
	{fieldTitle, 1}, {fieldText, 1}, {fieldTextEN, 0.8}, {fieldTextMS, 0.8},
}

// fieldAliases let a query name a part of the text: body:passport searches
// the whole text.
var fieldAliases = map[string]string{"body": fieldText, "location": fieldText, "company": fieldText, "contacts": fieldText}

// partUnicode is the part that holds the title and body of an ad typed in
// Zawgyi, converted to Unicode.
const partUnicode = "unicode"

// partSep joins the parts of the text. The tokenizer leaves a gap in the
// positions there, so that no phrase runs from one part into the next.
const partSep = "\u2029"

// textPart is where one part of an ad's text lies in its joined text.
type textPart struct {
	name       string
	text       string
	start, end int
}

// textParts joins the ad's text, and tells where each part lies.
func textParts(d *Doc) (string, []textPart) {
	var b strings.Builder
	var parts []textPart
	add := func(name, text string) {
		if b.Len() > 0 {
			b.WriteString(partSep)
		}
		parts = append(parts, textPart{name: name, text: text, start: b.Len(), end: b.Len() + len(text)})
		b.WriteString(text)
	}
	add("title", d.Title)
	add("body", d.Body)
	add("location", d.Location)
	add("company", d.Company)
	for _, c := range d.Contacts {
		add("contacts", c)
	}
	if d.Verdict.Extracted.Zawgyi {
		// Burmese typed in Zawgyi is found by a query in Unicode, as
		// analysts type it, in its converted copy.
		add(partUnicode, zawgyi.Convert(d.Title+"\n"+d.Body))
	}
	return b.String(), parts
}

func isTextField(f string) bool {
	for _, t := range textFields {
		if t.name == f {
			return true
		}
	}
	return false
}

func isKeywordField(f string) bool {
	for _, k := range keywordFields {
		if k == f {
			return true
		}
	}
	return false
}

// searchDoc is what Bleve indexes of a Doc; the Doc itself is stored whole
// as JSON in the doc field, so that one read returns what the API shows.
type searchDoc struct {
	Title  string `json:"title,omitempty"`
	Text   string `json:"text,omitempty"`
	TextEN string `json:"text_en,omitempty"`
	TextMS string `json:"text_ms,omitempty"`

	Source      string   `json:"source,omitempty"`
	Platform    string   `json:"platform,omitempty"`
	Country     []string `json:"country,omitempty"`
	Place       []string `json:"place,omitempty"`
	Category    []string `json:"category,omitempty"`
	Rule        []string `json:"rule,omitempty"`
	Level       string   `json:"level,omitempty"`
	Lang        []string `json:"lang,omitempty"`
	Contact     []string `json:"contact,omitempty"`
	JobType     []string `json:"job_type,omitempty"`
	Nationality []string `json:"nationality,omitempty"`
	ContentHash string   `json:"content_hash,omitempty"`

	Salary    *float64   `json:"salary_usd_month,omitempty"`
	Score     float64    `json:"score"`
	TimesSeen float64    `json:"times_seen"`
	Posted    *time.Time `json:"posted,omitempty"`
	FirstSeen time.Time  `json:"first_seen"`
	LastSeen  time.Time  `json:"last_seen"`

	Doc string `json:"doc"`
}

// toSearch builds the indexed form of d; docJSON is d's stored form.
func toSearch(d *Doc, docJSON []byte) *searchDoc {
	v := &d.Verdict
	x := &v.Extracted
	text, _ := textParts(d)
	s := &searchDoc{
		Title: d.Title, Text: text,
		Source: d.Source, Platform: d.Platform, Level: string(v.Level), ContentHash: d.ContentHash,
		Country: x.Countries, Place: x.Places, JobType: x.JobTypes, Nationality: x.Nationalities,
		Score: v.Score, TimesSeen: float64(d.TimesSeen),
		FirstSeen: d.FirstSeen, LastSeen: d.LastSeen, Doc: string(docJSON),
	}
	if !d.PostedAt.IsZero() {
		p := d.PostedAt
		s.Posted = &p
	}
	if x.Salary != nil && x.Salary.USDMonth > 0 {
		sal := x.Salary.USDMonth
		s.Salary = &sal
	}
	s.Lang = docLanguages(d)
	s.Contact = contactKeys(d)
	seen := map[string]bool{}
	if v.Category != "" {
		s.Category = append(s.Category, v.Category)
		seen[v.Category] = true
	}
	for _, h := range v.Hits {
		s.Rule = append(s.Rule, h.Rule)
		if h.Category != "" && !seen[h.Category] {
			seen[h.Category] = true
			s.Category = append(s.Category, h.Category)
		}
	}
	for _, l := range s.Lang {
		switch l {
		case "en":
			s.TextEN = text
		case "id", "ms":
			s.TextMS = text
		}
	}
	return s
}

// docLanguages are the ad's languages as primary subtags: what the
// classifier detected, else the source's hint.
func docLanguages(d *Doc) []string {
	langs := d.Verdict.Extracted.Languages
	if len(langs) == 0 && d.Lang != "" {
		langs = []string{d.Lang}
	}
	out := make([]string, 0, len(langs))
	for _, l := range langs {
		l = strings.ToLower(l)
		if k := strings.IndexAny(l, "-_"); k > 0 {
			l = l[:k]
		}
		if l != "" && !contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// contactKeys are the ad's contact handles as facet values, kind:value.
// When the classifier found none, the contacts as written stand in, so that
// an ad is still reachable by its handle.
func contactKeys(d *Doc) []string {
	var out []string
	for _, c := range d.Verdict.Extracted.Contacts {
		if k := ContactKey(c); k != "" && !contains(out, k) {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		for _, c := range d.Contacts {
			if k := strings.ToLower(strings.Join(strings.Fields(c), " ")); k != "" && !contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

// ContactKey is the facet value of a contact handle: its kind and value,
// lower case, as in "telegram:@goldenbay_hr".
func ContactKey(c ad.Contact) string {
	v := strings.ToLower(strings.TrimSpace(c.Value))
	if v == "" {
		return ""
	}
	if c.Kind == "" {
		return v
	}
	return strings.ToLower(c.Kind) + ":" + v
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// newMapping is the index mapping for flagged ads. No _all field: a query
// without a field name is spread over the text fields instead (see
// rewriteQuery), which indexes each word once rather than twice.
func newMapping() *mapping.IndexMappingImpl {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = analyzerText
	m.DefaultField = fieldText
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false

	dm := bleve.NewDocumentStaticMapping()
	text := func(name, analyzer string) {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = true // phrases (bigrams) and highlighting need positions
		f.DocValues = false
		dm.AddFieldMappingsAt(name, f)
	}
	text(fieldTitle, analyzerText)
	text(fieldText, analyzerText)
	text(fieldTextEN, analyzerEnglish)
	text(fieldTextMS, analyzerMalay)

	for _, name := range keywordFields {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = analyzerKeyword
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		// Doc values serve facets and sorting; a content hash is only
		// looked up.
		f.DocValues = name != "content_hash"
		dm.AddFieldMappingsAt(name, f)
	}
	// A number costs Bleve sixteen terms (prefixes for ranges), so only
	// those worth a range or a sort are numbers; the level is a keyword.
	for _, name := range []string{fieldSalary, fieldScore, fieldTimesSeen} {
		f := bleve.NewNumericFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = true
		dm.AddFieldMappingsAt(name, f)
	}
	for _, name := range []string{fieldPosted, fieldFirstSeen, fieldLastSeen} {
		f := bleve.NewDateTimeFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = true
		dm.AddFieldMappingsAt(name, f)
	}
	stored := bleve.NewKeywordFieldMapping()
	stored.Index = false
	stored.Store = true
	stored.IncludeInAll = false
	stored.IncludeTermVectors = false
	stored.DocValues = false
	dm.AddFieldMappingsAt(fieldDoc, stored)
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())

	m.DefaultMapping = dm
	return m
}

// mappingID identifies the mapping and the analyzers' version; a shard
// built under another id is reindexed.
func mappingID(m mapping.IndexMapping) string {
	data, err := json.Marshal(m)
	if err != nil {
		panic("index mapping does not marshal: " + err.Error()) // a programming error, caught by any test
	}
	sum := sha256.Sum256(append(data, analysisVersion...))
	return hex.EncodeToString(sum[:6])
}
