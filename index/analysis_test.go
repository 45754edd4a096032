package index

import (
	"strings"
	"testing"
)

func terms(text string, filter bool) []string {
	ts := scriptTokenizer{}.Tokenize([]byte(text))
	if filter {
		ts = foldFilter{}.Filter(ts)
	}
	var out []string
	for _, t := range ts {
		out = append(out, string(t.Term))
	}
	return out
}

func TestScriptTokenizer(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"english words", "No experience needed!", []string{"No", "experience", "needed"}},
		{"handle whole and in parts", "Telegram @goldenbay_hr", []string{"Telegram", "goldenbay_hr", "goldenbay", "hr"}},
		{"thai bigrams of letters with their marks", "กัมพูชา", []string{"กัม", "มพู", "พูช", "ชา"}},
		{"thai word alone", "ที่", []string{"ที่"}},
		{"khmer run broken by zero-width space stays one run", "ព្រះ\u200bសីហនុ", []string{"ព្រះ", "រះសី", "សីហ", "ហនុ"}},
		{"chinese bigrams, punctuation splits runs", "无需经验，包吃", []string{"无需", "需经", "经验", "包吃"}},
		{"scripts switch", "西港Sihanoukvilleกัม", []string{"西港", "Sihanoukville", "กัม"}},
		{"zero-width inside a latin word", "Tele\u200bgram", []string{"Telegram"}},
		{"zero-width between a letter and its mark", "ก\u200bัม", []string{"กัม"}},
		{"thai digits are a number", "๓๕๐๐๐ บาท", []string{"๓๕๐๐๐", "บา", "าท"}},
		{"invalid utf-8 splits", "ab\xffcd", []string{"ab", "cd"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := terms(tc.in, false)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("Tokenize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestTokenOffsetsPointIntoTheText(t *testing.T) {
	in := "เงินเดือนสูง 35,000 บาท ធ្វើការ\u200bនៅ 西港 Lương"
	for _, tok := range (scriptTokenizer{}).Tokenize([]byte(in)) {
		if tok.Start < 0 || tok.End > len(in) || tok.Start >= tok.End {
			t.Fatalf("token %q has offsets %d..%d outside the text", tok.Term, tok.Start, tok.End)
		}
		span := strings.ReplaceAll(in[tok.Start:tok.End], "\u200b", "")
		if span != string(tok.Term) {
			t.Errorf("token %q spans %q", tok.Term, span)
		}
	}
}

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ＴＧ：＠ｔｅｃｈ＿ｈｒ＿ｍａｘ", "tg|tech_hr_max|tech|hr|max"},
		{"Lương Đà Nẵng", "luong|da|nang"},
		{"ប្រាក់ខែ ១៥០០", "ប្រា|រាក់|ក់ខែ|1500"},
		{"SIHANOUKVILLE", "sihanoukville"},
		{"Kamboja", "kamboja"},
	} {
		if got := strings.Join(terms(tc.in, true), "|"); got != tc.want {
			t.Errorf("fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The shortcut for letters that fold to themselves agrees with folding them
// the long way, for every letter it takes.
func TestFoldShortcutAgrees(t *testing.T) {
	for r := rune(0x0E00); r <= 0x9FFF; r++ {
		if !foldsToItself(r) {
			continue
		}
		in := string(r)
		if got := string(foldSlow([]byte(in))); got != in {
			t.Errorf("U+%04X %q folds to %q, not itself", r, in, got)
		}
	}
}

func TestStemMalay(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"pekerjaan", "kerja"},
		{"bekerja", "kerja"},
		{"kerja", "kerja"},
		{"dibutuhkan", "butuh"},
		{"membutuhkan", "butuh"},
		{"gajinya", "gaji"},
		{"visa", "visa"},
	} {
		if got := stemMalay(tc.in); got != tc.want {
			t.Errorf("stemMalay(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSpaceless(t *testing.T) {
	for in, want := range map[string]bool{"กัมพูชา": true, "西港": true, "Kamboja": false, "မြဝတီ": true, "ສາມຫຼ່ຽມຄຳ": true, "1500": false} {
		if spaceless(in) != want {
			t.Errorf("spaceless(%q) = %v", in, !want)
		}
	}
}
