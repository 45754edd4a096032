package classifier

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// condition tests what the extractors found: "salary_usd_month >= 800",
// "fee_months >= 3",
// "place in watched_regions", "contact_channels only [telegram, whatsapp]",
// "job_type in [typist, customer_service]", "company missing",
// "meta.has_company_logo in [false]".
type condition struct {
	field string
	key   string // of meta, for the field "meta"
	op    string
	num   float64
	vals  []string
	ids   map[int32]bool // places or job types named, resolved at compile time
	mask  uint32         // contact channels named
}

// fieldCompany is the index of "company" in fieldNames.
const fieldCompany = 4

var condFields = map[string][]string{
	"salary_usd_month":     {">=", ">", "<=", "<", "==", "missing", "present"},
	"salary_max_usd_month": {">=", ">", "<=", "<", "==", "missing", "present"},
	"salary_period":        {"in"},
	"fee_usd":              {">=", ">", "<=", "<", "==", "missing", "present"},
	"fee_months":           {">=", ">", "<=", "<", "=="},
	"salary_currency":      {"in"},
	"obfuscation":          {">=", ">", "<=", "<", "=="},
	"words":                {">=", ">", "<=", "<", "=="},
	"place":                {"in", "missing", "present"},
	"country":              {"in", "missing", "present"},
	"contact_channels":     {"in", "only", "missing", "present"},
	"job_type":             {"in", "missing", "present"},
	"language":             {"in"},
	"nationality":          {"in", "missing", "present"},
	"company":              {"missing", "present"},
	"meta":                 {"in", "missing", "present"},
}

// validMetaKey tells whether k can name a meta entry: what crawlers and
// exports write there ("has_company_logo", "forwarded_from").
func validMetaKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if r != '_' && r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func parseCondition(s string, p *pack) (*condition, error) {
	f := strings.Fields(strings.NewReplacer("[", " [ ", "]", " ] ", ",", " ").Replace(s))
	if len(f) < 2 {
		return nil, fmt.Errorf("want \"field op value\", e.g. \"salary_usd_month >= 800\"")
	}
	c := &condition{field: f[0], op: f[1]}
	if key, ok := strings.CutPrefix(c.field, "meta."); ok {
		if !validMetaKey(key) {
			return nil, fmt.Errorf("%q does not name a meta entry (write meta.NAME, NAME in letters, digits, _ and -)", c.field)
		}
		c.field, c.key = "meta", key
	}
	ops, ok := condFields[c.field]
	if !ok {
		return nil, fmt.Errorf("unknown field %q (want one of %s, or meta.NAME)", c.field, strings.Join(sortedKeys(condFields), ", "))
	}
	if !contains(ops, c.op) {
		return nil, fmt.Errorf("%s does not take %q (it takes %s)", c.field, c.op, strings.Join(ops, ", "))
	}
	rest := f[2:]
	switch c.op {
	case "missing", "present":
		if len(rest) != 0 {
			return nil, fmt.Errorf("%s takes no value", c.op)
		}
		return c, nil
	case ">=", ">", "<=", "<", "==":
		if len(rest) != 1 {
			return nil, fmt.Errorf("%s needs one number", c.op)
		}
		n, err := strconv.ParseFloat(rest[0], 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", rest[0])
		}
		c.num = n
		return c, nil
	}
	if len(rest) == 0 {
		return nil, fmt.Errorf("%s needs a value or a [list]", c.op)
	}
	if rest[0] == "[" {
		if rest[len(rest)-1] != "]" {
			return nil, fmt.Errorf("a list opened with [ is not closed")
		}
		rest = rest[1 : len(rest)-1]
	} else if len(rest) != 1 {
		return nil, fmt.Errorf("more than one value: write them as a [list]")
	}
	if len(rest) == 0 {
		return nil, fmt.Errorf("an empty list")
	}
	c.vals = rest
	c.ids = map[int32]bool{}
	for _, v := range rest {
		switch c.field {
		case "place":
			found := false
			for i, pl := range p.places {
				if pl.name == strings.ToLower(v) || contains(pl.tags, v) {
					c.ids[int32(i)] = true
					found = true
				}
			}
			if !found {
				return nil, fmt.Errorf("%q is neither a place nor a place tag of the gazetteer", v)
			}
		case "job_type":
			found := false
			for i, j := range p.jobTypes {
				if j == v {
					c.ids[int32(i)] = true
					found = true
				}
			}
			if !found {
				return nil, fmt.Errorf("%q is not a job type (the job_types section defines them)", v)
			}
		case "contact_channels":
			i := channelIndex(v)
			if i < 0 {
				return nil, fmt.Errorf("%q is not a contact channel (want %s)", v, strings.Join(channelNames[:], ", "))
			}
			c.mask |= 1 << i
		case "country", "nationality":
			if len(v) != 2 || strings.ToUpper(v) != v {
				return nil, fmt.Errorf("%q is not an ISO 3166 alpha-2 code", v)
			}
		case "language":
			if !contains(ruleLanguages, v) {
				return nil, fmt.Errorf("%q is not a language code", v)
			}
		case "salary_period":
			if _, ok := periodToMonth[v]; !ok {
				return nil, fmt.Errorf("%q is not a pay period (want %s)", v, strings.Join(sortedKeys(periodToMonth), ", "))
			}
		case "salary_currency":
			if _, ok := currencyWords[v]; !ok {
				return nil, fmt.Errorf("%q is not a currency code the salary extractor reads (want %s)", v, strings.Join(sortedKeys(currencyWords), ", "))
			}
		}
	}
	return c, nil
}

func (c *condition) hasSpans() bool {
	switch c.field {
	case "salary_usd_month", "salary_max_usd_month", "salary_period", "salary_currency", "place", "job_type", "contact_channels", "fee_usd", "fee_months":
		return c.op != "missing"
	}
	return false
}

func compareNum(v float64, op string, n float64) bool {
	switch op {
	case ">=":
		return v >= n
	case ">":
		return v > n
	case "<=":
		return v <= n
	case "<":
		return v < n
	case "==":
		return v == n
	}
	return false
}

// eval tests the condition and, when it holds, adds the spans of the
// evidence it rests on (the salary, the places, the job titles).
func (c *condition) eval(st *adState) bool {
	switch c.field {
	case "salary_usd_month", "salary_max_usd_month":
		if st.salary == nil {
			return c.op == "missing"
		}
		if c.op == "missing" {
			return false
		}
		v := st.salary.USDMonth
		if c.field == "salary_max_usd_month" && st.salary.Max > 0 {
			v = st.salary.USDMonth * st.salary.Max / st.salary.Min
		}
		if c.op != "present" && !compareNum(v, c.op, c.num) {
			return false
		}
		st.spans = append(st.spans, st.salarySpan)
		return true
	case "fee_usd":
		if st.fee == nil {
			return c.op == "missing"
		}
		if c.op == "missing" || c.op != "present" && !compareNum(st.fee.USD, c.op, c.num) {
			return false
		}
		st.spans = append(st.spans, st.feeSpan)
		return true
	case "fee_months":
		// The fee in months of the pay the ad offers: the measure the
		// laws that cap recruitment fees use.
		if st.fee == nil || st.salary == nil || st.salary.USDMonth <= 0 {
			return false
		}
		if !compareNum(st.fee.USD/st.salary.USDMonth, c.op, c.num) {
			return false
		}
		st.spans = append(st.spans, st.feeSpan, st.salarySpan)
		return true
	case "salary_period", "salary_currency":
		if st.salary == nil {
			return false
		}
		got := st.salary.Period
		if c.field == "salary_currency" {
			got = st.salary.Currency
		}
		if !contains(c.vals, got) {
			return false
		}
		st.spans = append(st.spans, st.salarySpan)
		return true
	case "obfuscation":
		return compareNum(float64(st.obfuscation), c.op, c.num)
	case "words":
		return compareNum(float64(st.words()), c.op, c.num)
	case "place", "job_type":
		found := st.placeHits
		if c.field == "job_type" {
			found = st.jobHits
		}
		switch c.op {
		case "missing":
			return len(found) == 0
		case "present":
			for _, h := range found {
				st.spans = append(st.spans, h.span)
			}
			return len(found) > 0
		}
		ok := false
		for _, h := range found {
			if c.ids[h.id] {
				st.spans = append(st.spans, h.span)
				ok = true
			}
		}
		return ok
	case "country":
		cs := st.countries()
		switch c.op {
		case "missing":
			return len(cs) == 0
		case "present":
			return len(cs) > 0
		}
		for _, v := range c.vals {
			if contains(cs, v) {
				return true
			}
		}
		return false
	case "contact_channels":
		var ok bool
		mask := c.mask
		switch c.op {
		case "missing":
			return st.channels == 0
		case "present":
			ok, mask = st.channels != 0, ^uint32(0)
		case "only":
			ok = st.channels != 0 && st.channels&^c.mask == 0
		default:
			ok = st.channels&c.mask != 0
		}
		if ok {
			for _, h := range st.channelHits {
				if mask&(1<<h.id) != 0 {
					st.spans = append(st.spans, h.span)
				}
			}
		}
		return ok
	case "company":
		return st.companyNamed() == (c.op == "present")
	case "meta":
		v := strings.TrimSpace(st.meta[c.key])
		switch c.op {
		case "missing":
			return v == ""
		case "present":
			return v != ""
		}
		for _, want := range c.vals {
			if strings.EqualFold(v, want) {
				return true
			}
		}
		return false
	case "language":
		for _, v := range c.vals {
			if contains(st.languages(), v) {
				return true
			}
		}
		return false
	case "nationality":
		ns := st.nationalities()
		switch c.op {
		case "missing":
			return len(ns) == 0
		case "present":
			return len(ns) > 0
		}
		for _, v := range c.vals {
			if contains(ns, v) {
				return true
			}
		}
		return false
	}
	return false
}

// companyPlaceholders are what boards and posters put in the company field
// when they give none ("Not stated", "N/A", "ไม่ระบุ", "未注明"): a field
// that says no employer is named names no one. "Confidential" is left out:
// it says an employer hides its name, and rules read it as a word.
var companyPlaceholders = []string{
	"not stated", "not disclosed", "undisclosed", "unnamed", "name withheld", "not specified", "unspecified", "not given", "not provided", "not mentioned", "n/a", "na", "none", "unknown",
	"tidak disebutkan", "tidak disebut", "tidak dinyatakan", "tidak diketahui", "tidak ada",
	"hindi binanggit", "hindi nakasaad", "hindi sinabi", "wala",
	"không nêu", "không nêu tên", "không ghi", "không rõ", "không có",
	"ไม่ระบุ", "ไม่ระบุชื่อ", "ไม่เปิดเผย", "ไม่บอกชื่อ",
	"ບໍ່ລະບຸ", "ບໍ່ລະບຸຊື່", "ບໍ່ເປີດເຜີຍ", "ບໍ່ບອກຊື່",
	"មិនបញ្ជាក់", "មិនបញ្ជាក់ឈ្មោះ", "មិនស្គាល់",
	"မဖော်ပြ", "ဖော်ပြမထား", "မဖော်ပြထား", "အမည်မဖော်ပြ",
	"未注明", "未说明", "未透露", "不详", "未知", "未公开", "无",
}

// companyNamed tells whether the company field names an employer: it has
// a letter or digit ("", "-" and "…" name no one) and is no placeholder.
// A kind of employer with a note that its name is withheld, "คาสิโน
// (ไม่ระบุชื่อ)" (a casino, name not given), names no one either.
func (st *adState) companyNamed() bool {
	t := trimCompany(st.f[fieldCompany].text)
	if i := bytes.LastIndexByte(t, '('); i > 0 && st.p.companyPlaceholders[string(trimCompany(t[i:]))] {
		return false
	}
	for _, r := range string(t) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return !st.p.companyPlaceholders[string(t)]
		}
	}
	return false
}

// trimCompany cuts the spaces and punctuation around a company field:
// "(not stated)", "— N/A —".
func trimCompany(t []byte) []byte {
	return bytes.TrimFunc(t, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })
}
