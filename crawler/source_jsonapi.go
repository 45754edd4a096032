package crawler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// JSONSpec maps a JSON API's answer to ads.
type JSONSpec struct {
	// Items is the dotted path of the array of items ("data.jobs"); empty
	// when the answer is the array itself.
	Items string `yaml:"items"`
	// Next is the dotted path of the next page's URL, for APIs that give it.
	Next string `yaml:"next"`
	// PageParam is the query parameter to count up, for APIs that page by
	// number (?page=2); paging stops at a page with no items.
	PageParam string `yaml:"page_param"`
	// Fields says where each field of an ad is in an item.
	Fields FieldMap `yaml:"fields"`
}

// jsonSource is the json kind: job boards that serve JSON.
type jsonSource struct {
	s *Source
}

func newJSONAPI(s *Source) (Extractor, error) {
	switch {
	case len(s.StartURLs) == 0:
		return nil, fieldErr("start_urls", "at least one API URL is required")
	case s.JSON == nil:
		return nil, fieldErr("json", "is required for kind json: set json.items and json.fields")
	case s.JSON.Next != "" && s.JSON.PageParam != "":
		return nil, fieldErr("json.page_param", "set next or page_param, not both")
	}
	if err := s.JSON.Fields.check("json.fields"); err != nil {
		return nil, err
	}
	return &jsonSource{s: s}, nil
}

func (j *jsonSource) Start() []string { return j.s.StartURLs }

func (j *jsonSource) Extract(p *Page, env Env) Result {
	var res Result
	dec := json.NewDecoder(bytes.NewReader(p.Body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		res.Err = fmt.Errorf("%w: JSON: %v", errParse, err)
		return res
	}
	items := doc
	if j.s.JSON.Items != "" {
		items = jsonValue(doc, j.s.JSON.Items)
	}
	list, ok := items.([]any)
	if !ok {
		res.Problems = append(res.Problems, problemf(ReasonSelector, "json.items %q is not an array in the answer", j.s.JSON.Items))
		return res
	}
	var t tally
	fm := &j.s.JSON.Fields
	for i, it := range list {
		if _, ok := it.(map[string]any); !ok {
			res.Problems = append(res.Problems, problemf(ReasonBadRecord, "item %d is not an object", i))
			continue
		}
		r := fromRecord(func(path string) ([]string, bool) { return jsonPath(it, path) }, fm, j.s, env, &t, &res.Problems)
		if r.URL != "" {
			r.URL = resolve(p.URL, r.URL)
		}
		res.Ads = append(res.Ads, r)
	}
	if pr, ok := t.problem(); ok {
		res.Problems = append(res.Problems, pr)
	}
	switch {
	case j.s.JSON.Next != "":
		if vs, ok := jsonPath(doc, j.s.JSON.Next); ok && vs[0] != "" {
			if u := resolve(p.URL, vs[0]); u != "" {
				res.Next = append(res.Next, u)
			}
		}
	case j.s.JSON.PageParam != "" && len(list) > 0:
		if u, err := url.Parse(p.URL); err == nil {
			q := u.Query()
			n, _ := strconv.Atoi(q.Get(j.s.JSON.PageParam))
			q.Set(j.s.JSON.PageParam, strconv.Itoa(max(n, 1)+1))
			u.RawQuery = q.Encode()
			res.Next = append(res.Next, u.String())
		}
	}
	return res
}

// jsonValue returns the raw value at a dotted path, nil when absent.
func jsonValue(v any, path string) any {
	for _, part := range strings.Split(path, ".") {
		switch c := v.(type) {
		case map[string]any:
			v = c[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}
