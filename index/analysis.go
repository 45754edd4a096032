package index

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// Analyzer names, as the mapping refers to them.
const (
	// analyzerText reads text in any of the ads' languages: words for
	// scripts written with spaces, bigrams of letters for Thai, Lao, Khmer,
	// Burmese and Chinese, all folded (width, case, Latin accents, digits).
	analyzerText = "lurewatch_text"
	// analyzerEnglish adds English stop words and stemming to analyzerText.
	analyzerEnglish = "lurewatch_en"
	// analyzerMalay adds a light Indonesian and Malay affix stripper.
	analyzerMalay = "lurewatch_ms"
	// analyzerKeyword keeps a value whole, lower-cased, for facets and
	// filters.
	analyzerKeyword = "lurewatch_keyword"
)

// Bleve finds analyzers by name in a process-wide registry; registering
// ours there once, at start, is the only way a mapping can name them.
func init() {
	for name, build := range map[string]func(*registry.Cache) ([]analysis.TokenFilter, error){
		analyzerText: func(*registry.Cache) ([]analysis.TokenFilter, error) {
			return []analysis.TokenFilter{foldFilter{}}, nil
		},
		analyzerEnglish: func(c *registry.Cache) ([]analysis.TokenFilter, error) {
			return namedFilters(c, []analysis.TokenFilter{foldFilter{}}, en.PossessiveName, en.StopName, porter.Name)
		},
		analyzerMalay: func(*registry.Cache) ([]analysis.TokenFilter, error) {
			return []analysis.TokenFilter{foldFilter{}, malayStemFilter{}}, nil
		},
	} {
		build := build
		err := registry.RegisterAnalyzer(name, func(_ map[string]any, c *registry.Cache) (analysis.Analyzer, error) {
			filters, err := build(c)
			if err != nil {
				return nil, err
			}
			return &analysis.DefaultAnalyzer{Tokenizer: scriptTokenizer{}, TokenFilters: filters}, nil
		})
		if err != nil {
			panic(err)
		}
	}
	err := registry.RegisterAnalyzer(analyzerKeyword, func(_ map[string]any, c *registry.Cache) (analysis.Analyzer, error) {
		tok, err := c.TokenizerNamed(single.Name)
		if err != nil {
			return nil, err
		}
		lower, err := c.TokenFilterNamed(lowercase.Name)
		if err != nil {
			return nil, err
		}
		return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: []analysis.TokenFilter{lower}}, nil
	})
	if err != nil {
		panic(err)
	}
}

func namedFilters(c *registry.Cache, first []analysis.TokenFilter, names ...string) ([]analysis.TokenFilter, error) {
	out := first
	for _, n := range names {
		f, err := c.TokenFilterNamed(n)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// scriptTokenizer splits text by script. Scripts written with spaces between
// words (Latin, Cyrillic, Hangul, ...) give one token a word. Thai, Lao,
// Khmer, Burmese and Chinese/Japanese are written without spaces, and
// Bleve's own tokenizers give nothing or whole sentences for them; a run of
// such text gives overlapping bigrams of its letters (a letter being a base
// character with its combining marks), so that any word of two or more
// letters is found as a phrase of bigrams, with no dictionary to keep.
//
// Zero-width characters are skipped inside words and runs: Khmer and Burmese
// writers use them between words, and spammers inside them ("Tele\u200bgram").
type scriptTokenizer struct{}

// Token types of the scripts without spaces.
const tokenBigram analysis.TokenType = analysis.Ideographic

type scriptClass int

const (
	classSpace scriptClass = iota // separates tokens
	classWord                     // part of a word in a script with spaces
	classThai
	classLao
	classKhmer
	classMyanmar
	classCJK
)

func classify(r rune) scriptClass {
	switch {
	case r < 0x80:
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return classWord
		}
		return classSpace
	case unicode.Is(unicode.Nd, r):
		// Digits of every script, Thai ๑๒๓ and Khmer ១២៣ too, are numbers.
		return classWord
	case unicode.Is(unicode.Thai, r):
		return classThai
	case unicode.Is(unicode.Lao, r):
		return classLao
	case unicode.Is(unicode.Khmer, r):
		return classKhmer
	case unicode.Is(unicode.Myanmar, r):
		return classMyanmar
	case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || r == 0x30FC:
		return classCJK
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || unicode.Is(unicode.Pc, r):
		return classWord
	}
	return classSpace
}

// transparent characters are dropped from tokens without breaking them.
func transparent(r rune) bool {
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD:
		return true
	}
	return false
}

// Tokenize implements analysis.Tokenizer.
func (scriptTokenizer) Tokenize(input []byte) analysis.TokenStream {
	var (
		out          analysis.TokenStream
		pos          = 1
		i            = 0
		word         []byte // current word's bytes, transparent characters left out
		wStart, wEnd int
		inWord       bool
		// the run of a spaceless script: the byte span of each letter and
		// its bytes (transparent characters left out)
		run      []cluster
		runClass scriptClass
	)
	flushWord := func() {
		if inWord && len(word) > 0 {
			out = append(out, &analysis.Token{Start: wStart, End: wEnd, Term: append([]byte(nil), word...), Position: pos, Type: analysis.AlphaNumeric})
			out = append(out, handleParts(input[wStart:wEnd], word, wStart, pos)...)
			pos++
		}
		word, inWord = word[:0], false
	}
	flushRun := func() {
		switch len(run) {
		case 0:
		case 1:
			out = append(out, &analysis.Token{Start: run[0].start, End: run[0].end, Term: append([]byte(nil), run[0].text...), Position: pos, Type: tokenBigram})
			pos++
		default:
			for k := 0; k+1 < len(run); k++ {
				term := make([]byte, 0, len(run[k].text)+len(run[k+1].text))
				term = append(append(term, run[k].text...), run[k+1].text...)
				out = append(out, &analysis.Token{Start: run[k].start, End: run[k+1].end, Term: term, Position: pos, Type: tokenBigram})
				pos++
			}
		}
		run = run[:0]
	}
	for i < len(input) {
		r, size := utf8.DecodeRune(input[i:])
		if r == utf8.RuneError && size <= 1 {
			flushWord()
			flushRun()
			i += max(size, 1)
			continue
		}
		if transparent(r) {
			i += size
			continue
		}
		if r == 0x2029 { // partSep: a gap, so that phrases stay in one part
			flushWord()
			flushRun()
			pos += 100
			i += size
			continue
		}
		c := classify(r)
		switch {
		case c == classSpace:
			flushWord()
			flushRun()
		case c == classWord:
			// A combining mark after a letter of a spaceless script belongs
			// to that letter, not to a new word.
			if unicode.IsMark(r) && len(run) > 0 && !inWord {
				last := &run[len(run)-1]
				last.text = append(last.text, input[i:i+size]...)
				last.end = i + size
				break
			}
			flushRun()
			if !inWord {
				inWord, wStart = true, i
			}
			word = append(word, input[i:i+size]...)
			wEnd = i + size
		default:
			flushWord()
			if len(run) > 0 && c != runClass {
				flushRun()
			}
			runClass = c
			if unicode.IsMark(r) && len(run) > 0 {
				last := &run[len(run)-1]
				last.text = append(last.text, input[i:i+size]...)
				last.end = i + size
			} else {
				run = append(run, cluster{start: i, end: i + size, text: append([]byte(nil), input[i:i+size]...)})
			}
		}
		i += size
	}
	flushWord()
	flushRun()
	return out
}

// handleParts splits a word joined by underscores, as handles are
// (tuyendung_dna), into its parts, at the word's own position, so that
// either the handle or a part of it finds the ad.
func handleParts(raw, word []byte, offset, pos int) []*analysis.Token {
	if !bytes.ContainsFunc(word, isConnector) {
		return nil
	}
	var out []*analysis.Token
	at := 0
	for _, part := range bytes.FieldsFunc(word, isConnector) {
		start, end := offset, offset+len(raw) // transparent characters may sit inside
		if k := bytes.Index(raw[at:], part); k >= 0 {
			start, end = offset+at+k, offset+at+k+len(part)
			at += k + len(part)
		}
		out = append(out, &analysis.Token{Start: start, End: end, Term: append([]byte(nil), part...), Position: pos, Type: analysis.AlphaNumeric})
	}
	return out
}

func isConnector(r rune) bool { return unicode.Is(unicode.Pc, r) }

// cluster is a base character with its combining marks.
type cluster struct {
	start, end int
	text       []byte
}

// foldFilter makes tokens compare the way a searcher means them: Unicode
// compatibility forms folded (full-width ＴＧ is TG), lower case, accents of
// Latin letters removed (luong finds lương), digits of any script as ASCII
// (Khmer ១៥០០ is 1500). Marks of other scripts are kept: in Thai or Khmer
// they are letters, not accents.
type foldFilter struct{}

// Filter implements analysis.TokenFilter.
func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		t.Term = foldTerm(t.Term)
	}
	return in
}

func foldTerm(term []byte) []byte {
	ascii, plain := true, true
	for k := 0; k < len(term); {
		if term[k] < 0x80 {
			k++
			continue
		}
		ascii = false
		r, size := utf8.DecodeRune(term[k:])
		k += size
		if !foldsToItself(r) {
			plain = false
			break
		}
	}
	if !ascii && plain {
		return term
	}
	if ascii {
		for k, b := range term {
			if b >= 'A' && b <= 'Z' {
				term[k] = b + 'a' - 'A'
			}
		}
		return term
	}
	return foldSlow(term)
}

// foldSlow folds any term: compatibility decomposition, case, Latin
// accents, digits, then canonical composition.
func foldSlow(term []byte) []byte {
	s := norm.NFKD.Bytes(term)
	out := make([]byte, 0, len(s))
	prevLatin := false
	for k := 0; k < len(s); {
		r, size := utf8.DecodeRune(s[k:])
		k += size
		if unicode.Is(unicode.Mn, r) && prevLatin {
			continue // an accent on a Latin letter
		}
		switch r {
		case 'đ', 'Đ':
			r = 'd'
		case 'ł', 'Ł':
			r = 'l'
		}
		if d, ok := digitValue(r); ok && r >= 0x80 {
			r = '0' + rune(d)
		}
		prevLatin = unicode.Is(unicode.Latin, r)
		out = utf8.AppendRune(out, unicode.ToLower(r))
	}
	return norm.NFC.Bytes(out)
}

// foldsToItself reports letters that folding leaves as they are: those of
// the scripts without spaces, but for their digits and the few letters with
// a compatibility decomposition (Thai and Lao SARA AM, Lao HO NO/HO MO).
// It spares the bigrams, most tokens of those scripts, the normalisation.
func foldsToItself(r rune) bool {
	switch {
	case r >= 0x0E00 && r <= 0x0E7F: // Thai
		return r != 0x0E33 && (r < 0x0E50 || r > 0x0E59)
	case r >= 0x0E80 && r <= 0x0EFF: // Lao
		return r != 0x0EB3 && r != 0x0EDC && r != 0x0EDD && (r < 0x0ED0 || r > 0x0ED9)
	case r >= 0x1780 && r <= 0x17FF: // Khmer
		return r < 0x17E0 || r > 0x17E9
	case r >= 0x1000 && r <= 0x109F: // Myanmar
		return (r < 0x1040 || r > 0x1049) && (r < 0x1090 || r > 0x1099) && r != 0x1026
	case r >= 0x4E00 && r <= 0x9FFF: // CJK unified ideographs
		return true
	}
	return false
}

// digitValue returns the value of a decimal digit of any script. Unicode
// lays every script's digits out as a run of ten from zero.
func digitValue(r rune) (int, bool) {
	if !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	return 0, false
}

// spaceless reports whether s holds a letter of a script written without
// spaces, whose words are found as phrases of bigrams.
func spaceless(s string) bool {
	for _, r := range s {
		switch classify(r) {
		case classThai, classLao, classKhmer, classMyanmar, classCJK:
			return true
		}
	}
	return false
}
