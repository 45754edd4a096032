package index

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
)

// Snippet is a passage of one field of an ad, cut into parts that are
// marked (matched) or not. It is plain text: whoever shows it escapes it.
type Snippet struct {
	Field string `json:"field"`
	Parts []Part `json:"parts"`
}

// Part is a piece of a snippet.
type Part struct {
	Text string `json:"text"`
	// Match is set when the piece matched the query or a rule.
	Match bool `json:"match,omitempty"`
	// Labels name what marked the piece: the rules whose words these are.
	Labels []string `json:"labels,omitempty"`
}

// Mark is a byte range of a text to mark, with what marked it.
type Mark struct {
	Start, End int
	Label      string
}

// snippetBytes is about how much of the body a passage shows.
const snippetBytes = 240

// snippets marks the query's matches in the title and the best passages of
// the body (and in location and company, when they matched).
func snippets(d *Doc, locs search.FieldTermLocationMap) []Snippet {
	_, parts := textParts(d)
	marks := map[string][]Mark{}
	for field, terms := range locs {
		for _, ls := range terms {
			for _, l := range ls {
				start, end := int(l.Start), int(l.End)
				if field == fieldTitle {
					marks["title"] = append(marks["title"], Mark{Start: start, End: end})
					continue
				}
				for _, p := range parts {
					if start >= p.start && end <= p.end {
						marks[p.name] = append(marks[p.name], Mark{Start: start - p.start, End: end - p.start})
						break
					}
				}
			}
		}
	}
	var out []Snippet
	if d.Title != "" {
		out = append(out, Snippet{Field: "title", Parts: MarkText(d.Title, marks["title"])})
	}
	if d.Body != "" {
		for _, p := range passages(d.Body, marks["body"], 2) {
			out = append(out, Snippet{Field: "body", Parts: p})
		}
	}
	if len(marks[partUnicode]) > 0 {
		for _, p := range passages(partText(parts, partUnicode), marks[partUnicode], 1) {
			out = append(out, Snippet{Field: partUnicode, Parts: p})
		}
	}
	for _, f := range []struct{ name, text string }{{"location", d.Location}, {"company", d.Company}} {
		if len(marks[f.name]) > 0 {
			out = append(out, Snippet{Field: f.name, Parts: MarkText(f.text, marks[f.name])})
		}
	}
	return out
}

// partText is the text of the part of that name.
func partText(parts []textPart, name string) string {
	for _, p := range parts {
		if p.name == name {
			return p.text
		}
	}
	return ""
}

// MarkText cuts text into parts, marking the ranges of marks. Ranges that
// fall outside the text or inside a character are dropped; overlapping ones
// merge, keeping every label.
func MarkText(text string, marks []Mark) []Part {
	ms := cleanMarks(text, marks)
	var out []Part
	at := 0
	for _, m := range ms {
		if m.Start > at {
			out = append(out, Part{Text: text[at:m.Start]})
		}
		out = append(out, Part{Text: text[m.Start:m.End], Match: true, Labels: m.labels})
		at = m.End
	}
	if at < len(text) {
		out = append(out, Part{Text: text[at:]})
	}
	return out
}

type mergedMark struct {
	Start, End int
	labels     []string
}

func cleanMarks(text string, marks []Mark) []mergedMark {
	ms := make([]Mark, 0, len(marks))
	for _, m := range marks {
		if m.Start < 0 || m.End > len(text) || m.Start >= m.End {
			continue
		}
		if !utf8.RuneStart(text[m.Start]) || (m.End < len(text) && !utf8.RuneStart(text[m.End])) {
			continue
		}
		ms = append(ms, m)
	}
	sort.Slice(ms, func(a, b int) bool { return ms[a].Start < ms[b].Start })
	var out []mergedMark
	for _, m := range ms {
		// Overlapping marks merge, and so do marks with only spaces between
		// them: the words of a phrase read as one.
		if n := len(out); n > 0 && (m.Start <= out[n-1].End || strings.TrimSpace(text[out[n-1].End:m.Start]) == "" && m.Start-out[n-1].End <= 3) {
			last := &out[n-1]
			last.End = max(last.End, m.End)
			if m.Label != "" && !contains(last.labels, m.Label) {
				last.labels = append(last.labels, m.Label)
			}
			continue
		}
		mm := mergedMark{Start: m.Start, End: m.End}
		if m.Label != "" {
			mm.labels = []string{m.Label}
		}
		out = append(out, mm)
	}
	return out
}

// passages picks up to n windows of the text around its marks, the ones
// with most marks first, shown in text order; with no marks, the opening.
func passages(text string, marks []Mark, n int) [][]Part {
	ms := cleanMarks(text, marks)
	if len(ms) == 0 {
		end := snapBack(text, min(len(text), snippetBytes))
		p := []Part{{Text: text[:end]}}
		if end < len(text) {
			p[0].Text = strings.TrimRight(p[0].Text, " \n\t") + " …"
		}
		return [][]Part{p}
	}
	type window struct{ start, end, count int }
	var ws []window
	for k, m := range ms {
		start := snapBack(text, max(0, m.Start-snippetBytes/3))
		end := snapBack(text, min(len(text), start+snippetBytes))
		// Cut at spaces rather than inside words, where the text has them.
		if start > 0 {
			if sp := strings.IndexByte(text[start:m.Start], ' '); sp >= 0 && sp < 40 {
				start += sp + 1
			}
		}
		if end < len(text) && end > m.End {
			if sp := strings.LastIndexByte(text[m.End:end], ' '); sp >= 0 && end-(m.End+sp) < 40 {
				end = m.End + sp
			}
		}
		count := 0
		for _, o := range ms[k:] {
			if o.End <= end {
				count++
			}
		}
		ws = append(ws, window{start, end, count})
	}
	sort.SliceStable(ws, func(a, b int) bool { return ws[a].count > ws[b].count })
	var chosen []window
	for _, w := range ws {
		overlap := false
		for _, c := range chosen {
			if w.start < c.end && c.start < w.end {
				overlap = true
			}
		}
		if !overlap {
			chosen = append(chosen, w)
		}
		if len(chosen) == n {
			break
		}
	}
	sort.Slice(chosen, func(a, b int) bool { return chosen[a].start < chosen[b].start })
	out := make([][]Part, 0, len(chosen))
	for _, w := range chosen {
		var local []Mark
		for _, m := range ms {
			if m.Start >= w.start && m.End <= w.end {
				local = append(local, Mark{Start: m.Start - w.start, End: m.End - w.start})
			}
		}
		parts := MarkText(text[w.start:w.end], local)
		if w.start > 0 {
			parts = append([]Part{{Text: "… "}}, parts...)
		}
		if w.end < len(text) {
			parts = append(parts, Part{Text: " …"})
		}
		out = append(out, parts)
	}
	return out
}

// snapBack moves a byte offset back to the start of a character.
func snapBack(text string, at int) int {
	for at > 0 && at < len(text) && !utf8.RuneStart(text[at]) {
		at--
	}
	return at
}
