package classifier

import (
	"math"
	"testing"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

func TestFeeExtraction(t *testing.T) {
	c := shippedClassifier(t)
	tests := []struct {
		name, body, lang string
		cur              string
		amount           float64 // 0: no fee found
		text             string
	}{
		{"after its cue", "Factory work in Hungary. Placement fee: PHP 150,000 before deployment.", "tl", "PHP", 150000, "PHP 150,000"},
		{"before its cue", "A USD 3,000 placement fee is due on signing.", "en", "USD", 3000, "USD 3,000"},
		{"a multiplier names the currency", "Đơn hàng Nhật, chi phí 150 triệu trọn gói.", "vi", "VND", 150e6, "150 triệu"},
		{"a bare amount in the ad's currency", "入职需交押金3000元，工作满三个月退还", "zh", "CNY", 3000, "3000元"},
		{"the largest of several", "Biaya medical Rp 1.500.000, biaya proses Rp 25 juta", "id", "IDR", 25e6, "Rp 25 juta"},
		{"the pay is no fee", "Salary USD 1,200 a month, no fee", "en", "", 0, ""},
		{"a monthly charge is no one-off fee", "Dorm fee RM150/month deducted from salary", "ms", "", 0, ""},
		{"a bare number is no money", "Fees of up to 300,000 were asked", "en", "", 0, ""},
		{"unless a multiplier makes it so", "定向培养费用6.8万，不安置全额退费", "zh", "CNY", 68000, "6.8万"},
		{"no cue, no fee", "Salary THB 25,000 with housing", "th", "", 0, ""},
		{"a fee said to be none", "Tidak dipungut biaya Rp 5 juta", "id", "", 0, ""},
		{"a word that ends in no is no negation", "Casino deposit USD 2,000 before the trip", "en", "USD", 2000, "USD 2,000"},
		{"a phone number is no amount", "Biaya pendaftaran hubungi 081234567890", "id", "", 0, ""},
		{"an amount past a clause break is another matter's", "CPA review course paid, exam fees reimbursed, and a $3,000 bonus on passing", "en", "", 0, ""},
		{"pay plus a service charge is no fee", "Lương 12–15 triệu + phí dịch vụ, ký túc xá", "vi", "", 0, ""},
		{"a Thai cue reaches further", "ค่าดำเนินการเอกสารและใบอนุญาตทำงาน 35,000 บาท จ่ายก่อน 15,000", "th", "THB", 35000, "35,000 บาท"},
		{"a Thai training fee", "ต้องผ่านคอร์สอบรมก่อน ค่าอบรม 990 บ. ได้ใบ cert", "th", "THB", 990, "990 บ."},
		// Lakhs count rupees, taka or Nepali rupees: with none named, the
		// currency is unknown, never the ad's language's default.
		{"a bare lakh has no currency", "Poland work permit, processing fee 9 lakh, visa in 3 months", "en", "", 0, ""},
		{"a lakh with its currency", "Poland work permit, processing fee INR 9 lakh", "en", "INR", 900000, "INR 9 lakh"},
		{"digits grouped in lakhs", "Poland work permit, processing fee ₹9,00,000 before the visa", "en", "INR", 900000, "₹9,00,000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := c.Classify(&ad.Raw{Body: tc.body, Lang: tc.lang})
			f := v.Extracted.Fee
			if tc.amount == 0 {
				if f != nil {
					t.Fatalf("found a fee %+v", *f)
				}
				return
			}
			if f == nil {
				t.Fatal("no fee found")
			}
			if f.Currency != tc.cur || math.Abs(f.Amount-tc.amount) > 1e-6*tc.amount || f.Text != tc.text || f.USD <= 0 {
				t.Errorf("fee %+v, want %v %s read from %q", *f, tc.amount, tc.cur, tc.text)
			}
		})
	}
}

// A fee of several months' pay fires the rule on the legal caps; the same
// fee beside a task's reward, read as a month's pay, does not.
func TestFeeMonthsCondition(t *testing.T) {
	c := shippedClassifier(t)
	for _, tc := range []struct {
		body string
		want bool
	}{
		{"Factory job in Hungary, salary EUR 800 a month. Placement fee PHP 150,000.", true},
		{"Factory job in Hungary, salary EUR 800 a month. Placement fee PHP 40,000.", false},
		{"They paid me ₱350 for a task, then asked a deposit fee of ₱20,000 to withdraw.", false},
	} {
		v := c.Classify(&ad.Raw{Body: tc.body})
		got := false
		for _, h := range v.Hits {
			got = got || h.Rule == "fee-above-legal-caps"
		}
		if got != tc.want {
			t.Errorf("%q: fee-above-legal-caps fired %v, want %v (fee %+v, salary %+v)", tc.body, got, tc.want, v.Extracted.Fee, v.Extracted.Salary)
		}
	}
}

// TestFeeCuesComeFromTheVocabulary: the words that name a charge are the
// pack's set fee_cues, so an analyst adds one without a new build.
func TestFeeCuesComeFromTheVocabulary(t *testing.T) {
	body := "Deployment levy USD 300 before the flight"
	for _, tc := range []struct {
		name, sets string
		usd        float64
	}{
		{"no fee_cues set", "", 0},
		{"levy a cue", "sets:\n  fee_cues:\n    en: [levy]\n", 300},
		{"levy a word of another set", "sets:\n  fees_named:\n    en: [levy]\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := packOf(t, tc.sets+`rules:
  - id: any-job
    weight: 1
    category: job-fraud
    description: Any deployment.
    when:
      keywords: {en: [deployment]}
    examples:
      match: ["Deployment next week"]
`)
			if err != nil {
				t.Fatal(err)
			}
			v := c.Classify(&ad.Raw{Body: body, Lang: "en"})
			got := 0.0
			if v.Extracted.Fee != nil {
				got = v.Extracted.Fee.USD
			}
			if got != tc.usd {
				t.Errorf("fee USD %v, want %v (%+v)", got, tc.usd, v.Extracted.Fee)
			}
		})
	}
}
