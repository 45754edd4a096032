package classifier

import (
	"bytes"
	"math"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// feeCueSet is the vocabulary set whose words name a charge to the
// applicant (see configs/rules/00-vocabulary.yaml): an amount just
// after one, or just before, is what the ad asks the applicant to pay.
const feeCueSet = "fee_cues"

// feeReach is how far after its cue a fee's amount may start, in bytes:
// "a placement fee of about USD", "phí dịch vụ trọn gói khoảng". After a
// cue in Thai, Lao, Khmer or Burmese, at three bytes a letter, the same
// few words take wideFeeReach: "ค่าดำเนินการเอกสารและใบอนุญาตทำงาน 35,000".
const (
	feeReach     = 40
	wideFeeReach = 96
)

// extractFee finds the largest charge the ad names. Charges by the month
// or the day (rent, a daily fine) are no one-off fee and are passed over.
func extractFee(st *adState, rates map[string]float64, lang string) {
	if len(st.feeCues) == 0 {
		return
	}
	w := theSalaryWords()
	var best salaryCandidate
	bestUSD := 0.0
	for _, cue := range st.feeCues {
		if cue.field == fieldSalary {
			continue // the salary field holds the pay
		}
		t := st.f[cue.field].text
		if feeNegated(t[max(0, int(cue.start)-feeNegationReach):cue.start]) {
			continue // "no placement fee", "tidak dipungut biaya"
		}
		for _, i := range feeAmountStarts(t, int(cue.start), int(cue.end)) {
			c, end := w.parseAmount(t, i, int(cue.field))
			if end <= i || c.period != "" || phoneLike(t[i:end]) {
				continue
			}
			if end <= int(cue.start) && !feeBeside(t[end:cue.start]) {
				continue
			}
			if i >= int(cue.end) && clauseBreak(t[cue.end:i]) {
				continue // "exam fees reimbursed, and a $3,000 bonus"
			}
			if c.currency == "" {
				if !w.multipliedBare(t, i) {
					continue
				}
				c.currency = defaultCurrency[lang]
			}
			rate, ok := rates[c.currency]
			if !ok {
				continue
			}
			if usd := c.min * rate; usd >= 1 && usd <= 1e6 && usd > bestUSD {
				best, bestUSD = c, usd
			}
		}
	}
	if bestUSD == 0 {
		return
	}
	src := st.src[best.field]
	os, oe := st.f[best.field].origSpan(src, best.start, best.end)
	st.fee = &ad.Fee{Amount: best.min, Currency: best.currency, USD: math.Round(bestUSD), Text: src[os:oe]}
	st.feeSpan = spanRef{field: int8(best.field), start: int32(best.start), end: int32(best.end)}
}

// feeNegations, before a fee's name, say there is none.
var feeNegations = [][]byte{[]byte("no "), []byte("zero "), []byte("free of "), []byte("tidak"), []byte("tanpa"), []byte("bebas"),
	[]byte("tiada"), []byte("walang"), []byte("không"), []byte("miễn"), []byte("ไม่มี"), []byte("ไม่เก็บ"), []byte("ບໍ່"),
	[]byte("មិន"), []byte("免"), []byte("不收"), []byte("无"), []byte("မယူ"), []byte("မရှိ")}

// feeNegationReach is how far before a fee's name a negation is looked
// for, in bytes: "tidak dipungut biaya", "không thu bất kỳ chi phí".
const feeNegationReach = 24

func feeNegated(before []byte) bool {
	for _, n := range feeNegations {
		for from := 0; ; {
			k := bytes.Index(before[from:], n)
			if k < 0 {
				break
			}
			k += from
			// A Latin word must start one: "casino deposit" is no "no".
			if !isASCIILetter(n[0]) || k == 0 || !isASCIILetter(before[k-1]) {
				return true
			}
			from = k + 1
		}
	}
	return false
}

// phoneLike reports whether an amount is a run of nine digits or more
// with no separator: a phone number, not money.
func phoneLike(a []byte) bool {
	run := 0
	for _, c := range a {
		if isASCIIDigit(c) {
			if run++; run >= 9 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// feeBeside reports whether the words between an amount and the fee cue
// after it join them: "USD 3,000 placement fee" does, "3,000 USD, no fee"
// and "12-15 triệu + phí dịch vụ" (pay and a service charge) do not.
func feeBeside(gap []byte) bool {
	if len(gap) > 12 {
		return false
	}
	for _, c := range gap {
		if c == ',' || c == '.' || c == ';' || c == ':' || c == '(' || c == ')' || c == '+' || c == '\n' {
			return false
		}
	}
	return !bytes.Contains(gap, []byte("no ")) && !bytes.Contains(gap, []byte(" no"))
}

// clauseBreak reports whether the words between a fee cue and the amount
// after it end a sentence or a clause: the amount is then another
// matter's.
func clauseBreak(gap []byte) bool {
	return sentenceBreak(gap, 0, len(gap)) || bytes.Contains(gap, []byte(", "))
}

// feeAmountStarts are where the amounts beside a cue at t[start:end] may
// start: the first number within feeReach after it, and the number that
// ends just before it.
func feeAmountStarts(t []byte, start, end int) []int {
	var out [2]int
	n := 0
	reach := feeReach
	if end >= 3 && unspacedLead(t[end-3], t[end-2]) {
		reach = wideFeeReach
	}
	for i := end; i < len(t) && i < end+reach; i++ {
		if isASCIIDigit(t[i]) && (i == 0 || !isASCIIDigit(t[i-1]) && t[i-1] != '.' && t[i-1] != ',') {
			out[n] = i
			n++
			break
		}
	}
	// Back over spaces and a currency word to the number before the cue.
	j := start - 1
	for j >= 0 && j >= start-16 && !isASCIIDigit(t[j]) {
		j--
	}
	if j >= 0 && isASCIIDigit(t[j]) {
		for j > 0 && (isASCIIDigit(t[j-1]) || (t[j-1] == ',' || t[j-1] == '.') && j > 1 && isASCIIDigit(t[j-2])) {
			j--
		}
		out[n] = j
		n++
	}
	return out[:n]
}
