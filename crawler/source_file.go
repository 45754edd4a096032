package crawler

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// FileSpec imports exports that analysts already have, JSON lines or CSV
// (from social-media monitoring, say), so that platforms that cannot be
// crawled still enter the pipeline.
type FileSpec struct {
	// Paths are local files or glob patterns, relative to the source file's
	// folder. start_urls may name exports served over HTTP instead.
	Paths []string `yaml:"paths"`
	// Format is jsonl or csv; by default the file's extension decides
	// (.jsonl, .ndjson, .csv, .tsv).
	Format string `yaml:"format"`
	// Delimiter separates CSV columns: "," by default, "\t" for .tsv.
	Delimiter string `yaml:"delimiter"`
	// Fields maps ad fields to JSON paths or CSV column names.
	Fields FieldMap `yaml:"fields"`
}

// fileSource is the file kind.
type fileSource struct {
	s   *Source
	dir string
}

// maxRecordProblems bounds the per-line messages of one file; the rest are
// counted in one summary.
const maxRecordProblems = 10

func newFile(s *Source) (Extractor, error) {
	f := s.File
	switch {
	case f == nil:
		return nil, fieldErr("file", "is required for kind file: set file.paths (or start_urls) and file.fields")
	case len(f.Paths) == 0 && len(s.StartURLs) == 0:
		return nil, fieldErr("file.paths", "name at least one file, or set start_urls")
	case f.Format != "" && f.Format != "jsonl" && f.Format != "csv":
		return nil, fieldErr("file.format", "%q is not jsonl or csv", f.Format)
	case len([]rune(f.Delimiter)) > 1 && f.Delimiter != `\t`:
		return nil, fieldErr("file.delimiter", "%q is not one character", f.Delimiter)
	}
	for i, p := range f.Paths {
		if _, err := filepath.Match(p, ""); err != nil {
			return nil, fieldErr(fmt.Sprintf("file.paths[%d]", i), "%q is not a valid pattern", p)
		}
		if f.Format == "" && formatOf(p) == "" {
			return nil, fieldErr(fmt.Sprintf("file.paths[%d]", i), "%q has no .jsonl, .ndjson, .csv or .tsv extension: set file.format", p)
		}
	}
	if err := f.Fields.check("file.fields"); err != nil {
		return nil, err
	}
	if s.Platform == "" {
		s.Platform = "import"
	}
	dir := "."
	if s.file != "" {
		dir = filepath.Dir(s.file)
	}
	return &fileSource{s: s, dir: dir}, nil
}

func formatOf(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".jsonl", ".ndjson":
		return "jsonl"
	case ".csv", ".tsv":
		return "csv"
	}
	return ""
}

// Start lists the files the patterns match now, so that a new export
// dropped in the folder is picked up on the next pass.
func (f *fileSource) Start() []string {
	var out []string
	for _, p := range f.s.File.Paths {
		if !filepath.IsAbs(p) {
			p = filepath.Join(f.dir, p)
		}
		matches, _ := filepath.Glob(p)
		sort.Strings(matches)
		for _, m := range matches {
			abs, err := filepath.Abs(m)
			if err != nil {
				continue
			}
			out = append(out, (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String())
		}
	}
	return append(out, f.s.StartURLs...)
}

func (f *fileSource) Extract(p *Page, env Env) Result {
	var res Result
	format := f.s.File.Format
	if format == "" {
		if u, err := url.Parse(p.URL); err == nil {
			format = formatOf(u.Path)
		}
	}
	if format == "" {
		switch mt := mediaType(p.ContentType); {
		case strings.Contains(mt, "csv"):
			format = "csv"
		case strings.Contains(mt, "json"):
			format = "jsonl"
		default:
			res.Err = fmt.Errorf("%w: cannot tell whether %s is JSON lines or CSV: set file.format", errParse, p.URL)
			return res
		}
	}
	var t tally
	bad := 0
	badRecord := func(line int, err error) {
		bad++
		if bad <= maxRecordProblems {
			res.Problems = append(res.Problems, problemf(ReasonBadRecord, "line %d: %v", line, err))
		}
	}
	fm := &f.s.File.Fields
	if format == "jsonl" {
		sc := bufio.NewScanner(bytes.NewReader(p.Body))
		sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
		for line := 1; sc.Scan(); line++ {
			text := bytes.TrimSpace(sc.Bytes())
			if len(text) == 0 {
				continue
			}
			dec := json.NewDecoder(bytes.NewReader(text))
			dec.UseNumber()
			var obj map[string]any
			if err := dec.Decode(&obj); err != nil {
				badRecord(line, fmt.Errorf("not a JSON object: %v", err))
				continue
			}
			res.Ads = append(res.Ads, fromRecord(func(path string) ([]string, bool) { return jsonPath(obj, path) }, fm, f.s, env, &t, &res.Problems))
		}
		if err := sc.Err(); err != nil {
			res.Problems = append(res.Problems, problemf(ReasonBadRecord, "stopped reading: %v", err))
		}
	} else {
		f.readCSV(p, fm, env, &t, &res, badRecord)
	}
	if bad > maxRecordProblems {
		res.Problems = append(res.Problems, problemf(ReasonBadRecord, "%d more bad lines not listed", bad-maxRecordProblems))
	}
	if pr, ok := t.problem(); ok {
		res.Problems = append(res.Problems, pr)
	}
	return res
}

func (f *fileSource) readCSV(p *Page, fm *FieldMap, env Env, t *tally, res *Result, badRecord func(int, error)) {
	r := csv.NewReader(bytes.NewReader(p.Body))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	switch d := f.s.File.Delimiter; {
	case d == `\t` || d == "\t":
		r.Comma = '\t'
	case d != "":
		r.Comma = []rune(d)[0]
	case strings.HasSuffix(strings.ToLower(p.URL), ".tsv"):
		r.Comma = '\t'
	}
	header, err := r.Read()
	if err != nil {
		res.Err = fmt.Errorf("%w: CSV header: %v", errParse, err)
		return
	}
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, want := range []string{fm.ID, fm.URL, fm.Title, fm.Body, fm.Company, fm.Location, fm.Salary, fm.Posted, fm.Author, fm.Contacts, fm.Lang} {
		if _, ok := cols[strings.ToLower(want)]; want != "" && !ok {
			res.Problems = append(res.Problems, problemf(ReasonMissingField, "column %q is not in the header (%s)", want, strings.Join(header, ", ")))
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				badRecord(pe.StartLine, pe.Err)
				continue
			}
			badRecord(line, err)
			return
		}
		get := func(name string) ([]string, bool) {
			i, ok := cols[strings.ToLower(name)]
			if !ok || i >= len(rec) || strings.TrimSpace(rec[i]) == "" {
				return nil, false
			}
			if strings.EqualFold(name, fm.Contacts) {
				// Several contacts in one cell, separated as exports do.
				return strings.FieldsFunc(rec[i], func(r rune) bool { return r == ';' || r == '|' || r == '\n' }), true
			}
			return []string{rec[i]}, true
		}
		res.Ads = append(res.Ads, fromRecord(get, fm, f.s, env, t, &res.Problems))
	}
}
