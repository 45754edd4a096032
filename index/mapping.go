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
)

// analysisVersion changes whenever the analyzers' code changes in a way that
// tokenises stored text differently: the mapping's JSON names the analyzers
// but cannot see their code, and a changed mapping id makes Open reindex.
const analysisVersion = "2"

// Field names of the index. The text fields are searched by a query string
// without a field name; the keyword fields are facets and filters.
const (
	fieldTitle    = "title"
	fieldBody     = "body"
	fieldLocation = "location"
	fieldCompany  = "company"
	fieldContacts = "contacts"
	fieldTitleEN  = "title_en"
	fieldBodyEN   = "body_en"
	fieldTitleMS  = "title_ms"
	fieldBodyMS   = "body_ms"

	fieldSalary    = "salary_usd_month"
	fieldScore     = "score"
	fieldLevelRank = "level_rank"
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

// textFields are searched, in this order of weight, when a query names no
// field. The stemmed fields are filled only for ads in their language.
var textFields = []struct {
	name  string
	boost float64
}{
	{fieldTitle, 2}, {fieldBody, 1}, {fieldLocation, 1}, {fieldCompany, 1}, {fieldContacts, 1},
	{fieldTitleEN, 1.5}, {fieldBodyEN, 0.8}, {fieldTitleMS, 1.5}, {fieldBodyMS, 0.8},
}

// snippetField is the stored text a text field's matches are marked in.
func snippetField(field string) string {
	switch field {
	case fieldTitle, fieldTitleEN, fieldTitleMS:
		return fieldTitle
	case fieldBody, fieldBodyEN, fieldBodyMS:
		return fieldBody
	case fieldLocation, fieldCompany:
		return field
	}
	return ""
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
	Title    string   `json:"title,omitempty"`
	Body     string   `json:"body,omitempty"`
	Location string   `json:"location,omitempty"`
	Company  string   `json:"company,omitempty"`
	Contacts []string `json:"contacts,omitempty"`
	TitleEN  string   `json:"title_en,omitempty"`
	BodyEN   string   `json:"body_en,omitempty"`
	TitleMS  string   `json:"title_ms,omitempty"`
	BodyMS   string   `json:"body_ms,omitempty"`

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
	LevelRank float64    `json:"level_rank"`
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
	s := &searchDoc{
		Title: d.Title, Body: d.Body, Location: d.Location, Company: d.Company, Contacts: d.Contacts,
		Source: d.Source, Platform: d.Platform, Level: string(v.Level), ContentHash: d.ContentHash,
		Country: x.Countries, Place: x.Places, JobType: x.JobTypes, Nationality: x.Nationalities,
		Score: v.Score, LevelRank: float64(v.Level.Rank()), TimesSeen: float64(d.TimesSeen),
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
			s.TitleEN, s.BodyEN = d.Title, d.Body
		case "id", "ms":
			s.TitleMS, s.BodyMS = d.Title, d.Body
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
	m.DefaultField = fieldBody
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
	for _, f := range []string{fieldTitle, fieldBody, fieldLocation, fieldCompany, fieldContacts} {
		text(f, analyzerText)
	}
	text(fieldTitleEN, analyzerEnglish)
	text(fieldBodyEN, analyzerEnglish)
	text(fieldTitleMS, analyzerMalay)
	text(fieldBodyMS, analyzerMalay)

	for _, name := range keywordFields {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = analyzerKeyword
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = true
		dm.AddFieldMappingsAt(name, f)
	}
	for _, name := range []string{fieldSalary, fieldScore, fieldLevelRank, fieldTimesSeen} {
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
