package zawgyi

import "testing"

func TestConvert(t *testing.T) {
	tests := []struct{ name, zawgyi, unicode string }{
		{"vowel e typed first", "ေက်ာင္း", "ကျောင်း"},
		{"medial ra typed first", "ျမန္မာ", "မြန်မာ"},
		{"vowel e and medial ra", "ေျပာ", "ပြော"},
		{"wide medial ra", "သတိထားၾကပါ", "သတိထားကြပါ"},
		{"asat at the end", "ထိုင္းႏိုင္ငံ", "ထိုင်းနိုင်ငံ"},
		{"medial wa, dot below", "အေတြ႕အႀကံဳ", "အတွေ့အကြုံ"},
		{"medial ra with a vowel", "ႀကိဳတင္ေငြ", "ကြိုတင်ငွေ"},
		{"tall ra", "စက္႐ံု", "စက်ရုံ"},
		{"medial ha", "ရွိတယ္", "ရှိတယ်"},
		{"kinzi", "သခၤ်ာ", "သင်္ချာ"},
		{"stacked consonant", "ကမၻာ", "ကမ္ဘာ"},
		{"zero typed for wa", "ေ၀ယ်ာ", "ဝေယျာ"},
		{"a digit zero stays", "၃၀ သိန္း", "၃၀ သိန်း"},
		{"zero for wa among letters", "ရာထူး ၀န္ထမ္း", "ရာထူး ဝန်ထမ်း"},
		{"seven for ra among letters", "ကို၇ီးယား", "ကိုရီးယား"},
		{"digits among digits", "လစာ ၁၅၀၀ ေဒၚလာ", "လစာ ၁၅၀၀ ဒေါ်လာ"},
		{"vowels typed out of order", "ကုိ ကံု", "ကို ကုံ"},
		{"the sign for 'that'", "၎င္း", "၎င်း"},
		{"the four typed for it", "၄င္း", "၎င်း"},
		{"an asat before medial ya", "ေယာက္်ား", "ယောက်ျား"},
		{"u with asat is nya", "ဥာဏ္", "ဉာဏ်"},
		{"a mark typed twice", "ကိုု", "ကို"},
		{"Latin and emoji kept", "Job 🇹🇭 ေငြ OK", "Job 🇹🇭 ငွေ OK"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Convert(tc.zawgyi); got != tc.unicode {
				t.Errorf("Convert(%q) = %q (%U), want %q (%U)", tc.zawgyi, got, []rune(got), tc.unicode, []rune(tc.unicode))
			}
		})
	}
}

func TestIs(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"ထိုင္းႏိုင္ငံ အြန္လိုင္း အလုပ္ေခၚေနပါတယ္", true},
		{"ေကာင္မေလးေတြ မေလးရွား စားေသာက္ဆိုင္ အလုပ္", true},
		{"ျမဝတီ ဘက္မွာ", true},
		{"စင္ကာပူ အိမ္အကူ အမ်ဳိးသမီး", true},
		{"ထိုင်းနိုင်ငံ အွန်လိုင်း အလုပ်ခေါ်နေပါတယ် လစာ ၃၀ သိန်း", false},
		{"မြဝတီ ကုမ္ပဏီ ကြိုတင်ငွေ မလိုပါ", false},
		{"သင်္ချိုင်း ကျောင်း ပြော", false},
		{"ကမ္ဘာ့ ဘဏ်", false},
		{"no Burmese here, 中文 ไทย", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := Is(tc.text); got != tc.want {
			t.Errorf("Is(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// Converting Unicode Burmese as if it were Zawgyi is what Is guards
// against; Next must still never loop, lose text or read past the end,
// whatever it is given.
func TestNextAlwaysMovesOn(t *testing.T) {
	inputs := []string{"ေ", "ျ", "္", "ေ၀", "၀ာ", "ၤ", "ကၤ", "ေျ", "ါ်ါ", "ေ ျ", "\u1031\u103b", "ဿ", "ေကာင္းေသာ"}
	var c Converter
	for _, s := range inputs {
		runes := 0
		for i := 0; i < len(s); {
			if !IsMyanmar([]rune(s[i:])[0]) {
				i++
				continue
			}
			out, last, next := c.Next(nil, s, i)
			if next <= i || last < i || last >= next || next > len(s) || len(out) == 0 {
				t.Fatalf("Next(%q, %d) = %q, %d, %d", s, i, string(out), last, next)
			}
			runes += len(out)
			i = next
		}
		if runes == 0 {
			t.Errorf("%q converted to nothing", s)
		}
	}
}
