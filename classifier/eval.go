package classifier

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// spanRef is a matched range of one field's normalised text.
type spanRef struct {
	field      int8
	start, end int32
}

type match struct {
	pat int32
	spanRef
}

type idHit struct {
	id   int32
	span spanRef
}

// maxMatchesPerAd bounds the work on one ad: a body made of keywords
// cannot make a verdict cost more than this many matches.
const maxMatchesPerAd = 20000

// adState is the scratch of one Classify call, pooled and reused.
type adState struct {
	p    *pack
	norm *normalizer
	src  [nFields]string
	f    [nFields]normalized

	ac        []acMatch
	acScratch scanScratch
	joined    []byte // the fields' texts, each ended by fieldSep
	matches   []match
	listHead  []int32 // per list: first link, or -1
	linkNext  []int32
	linkMatch []int32
	spans     []spanRef
	hits      []hitRef  // rules that fired
	spanOut   []ad.Span // their spans, in the contract's form
	catWeight []catWeight
	within    []withinSpan
	windows   []spanRef
	reFound   [][2]int32 // a regex's matches in a window
	capped    bool
	// after is where the first evidence of the then being evaluated last
	// ended (field and end); evidence before it does not count. field is
	// -1 outside a then.
	after spanRef

	placeHits []idHit
	// channelHits are the words naming contact channels, so a contact
	// condition can show the analyst which words it rests on.
	channelHits []idHit
	// numberCues are the words ("โทร", "ဖုန်း", "gọi") a phone number
	// written in numeral words may follow.
	numberCues []spanRef
	jobHits    []idHit
	natHits    []int32
	langHits   []int
	channels   uint32
	// contactRefs are the contacts found, their values one after another
	// in contactText.
	contactRefs []contactRef
	contactText []byte
	rawNorm     normalized // a contact the crawler gave, normalised
	salary      *ad.Salary
	salarySpan  spanRef
	fee         *ad.Fee
	feeSpan     spanRef
	// feeCues are the words that name a charge ("placement fee", "phí",
	// "押金"): the fee extractor reads the amounts beside them.
	feeCues     []spanRef
	obfuscation int

	hint      string
	meta      map[string]string // the facts the source gave about the post
	langs     []string
	langsDone bool
	nats      []string
	natsDone  bool
	ctry      []string
	ctryDone  bool
	ests      []langEst
	headEnd   int32 // where the headline ends in the body; -1 for none, -2 not yet known
	// quotes are the stretches of text between quotation marks, found
	// when a rule first asks (quotesDone).
	quotes     []spanRef
	quotesDone bool
	strOut     []string // the verdict's lists of names, built here first
	nWords     int
}

type withinSpan struct {
	spanRef
	child  int
	inside bool // lies inside a longer match of another child
}

func newAdState(p *pack) *adState {
	return &adState{p: p, norm: newNormalizer(p.known)}
}

func (st *adState) reset() {
	p := st.p
	if cap(st.listHead) < len(p.lists) {
		st.listHead = make([]int32, len(p.lists))
	}
	st.listHead = st.listHead[:len(p.lists)]
	for i := range st.listHead {
		st.listHead[i] = -1
	}
	if cap(st.langHits) < len(p.languages) {
		st.langHits = make([]int, len(p.languages))
	}
	st.langHits = st.langHits[:len(p.languages)]
	clear(st.langHits)
	st.ac, st.matches = st.ac[:0], st.matches[:0]
	st.linkNext, st.linkMatch, st.spans = st.linkNext[:0], st.linkMatch[:0], st.spans[:0]
	st.placeHits, st.jobHits, st.natHits, st.channelHits, st.numberCues = st.placeHits[:0], st.jobHits[:0], st.natHits[:0], st.channelHits[:0], st.numberCues[:0]
	st.contactRefs, st.contactText = st.contactRefs[:0], st.contactText[:0]
	st.channels, st.salary, st.obfuscation, st.capped, st.meta = 0, nil, 0, false, nil
	st.fee, st.feeCues = nil, st.feeCues[:0]
	st.langs, st.langsDone, st.nats, st.natsDone, st.nWords = st.langs[:0], false, st.nats[:0], false, -1
	st.ctry, st.ctryDone = st.ctry[:0], false
	st.headEnd = -2
	st.quotes, st.quotesDone = st.quotes[:0], false
	st.after = spanRef{field: -1}
}

// countChannelWords adds the contact channels the ad names to the ones it
// gives handles for, unless the name is negated: "不會有人私訊要求你",
// "we never DM first" name a channel only to warn of it.
func (st *adState) countChannelWords() {
	live := st.channelHits[:0]
	for _, h := range st.channelHits {
		if !st.channelNegated(h.span) {
			st.channels |= 1 << h.id
			live = append(live, h)
		}
	}
	st.channelHits = live
}

// channelNegated reports whether a cue of the set channel_negation stands
// just before the channel word m: two words away at most, with only
// letters and spaces between ("never DM", "not a DM", "不會有人私訊"). A
// cue further off, or past a comma, negates something else: "no
// experience, just DM". In the scripts written without spaces, where a
// word is only guessed, the cue must touch the name: "ไม่ไกล ทักแชท" (not
// far, message us) asks for the chat.
func (st *adState) channelNegated(m spanRef) bool {
	l := st.p.channelNegation
	if l < 0 {
		return false
	}
	t := st.f[m.field].text
	for k := st.listHead[l]; k >= 0; k = st.linkNext[k] {
		c := st.matches[st.linkMatch[k]].spanRef
		if c.field != m.field || c.end > m.start || m.start-c.end > 12 {
			continue
		}
		if cueGap(t[c.end:m.start]) && countTokens(t, int(c.end), int(m.start), 2) <= 2 {
			return true
		}
	}
	return false
}

// cueGap reports whether the text between a cue and a channel's name
// holds only spaces and letters of the scripts written with spaces, or
// Chinese. (Thai, Lao, Khmer and Burmese, where countTokens only guesses
// the words, are left out: there the cue must touch the name.)
func cueGap(gap []byte) bool {
	for _, r := range string(gap) {
		if r != ' ' && (!unicode.IsLetter(r) || r < 0x2E80 && isUnspacedScript(r)) {
			return false
		}
	}
	return true
}

// fieldSep ends each field in the text the automaton reads. No keyword
// has it (the normaliser turns control bytes into spaces), so no match
// spans two fields, and reading it takes the automaton back to its root:
// each field is matched as if alone.
const fieldSep = 0

// scan finds every match in the fields, then the places and contact
// channels they name (a place's alias is judged with the phrases that
// may hold it, a channel's name with the negation cues around it).
func (st *adState) scan() {
	st.scanText()
	st.dropExceptedPlaces()
	st.countChannelWords()
}

// dropExceptedPlaces drops the place names that lie inside one of their
// place's except phrases: words the alias is part of that name no place.
func (st *adState) dropExceptedPlaces() {
	live := st.placeHits[:0]
	for _, h := range st.placeHits {
		if l := st.p.places[h.id].except; l < 0 || !st.heldBy([]int32{l}, h.span, false) {
			live = append(live, h)
		}
	}
	st.placeHits = live
}

// scanText normalises the fields and runs the automaton once over all of
// them, joined: a short field costs no scan of its own, and the joined
// text is long enough to be read in parts side by side.
func (st *adState) scanText() {
	p := st.p
	joined := st.joined[:0]
	var at [nFields + 1]int32 // where each field starts in joined
	for f := range nFields {
		st.norm.normalize(&st.f[f], st.src[f])
		st.obfuscation += st.f[f].obfuscated
		at[f] = int32(len(joined))
		joined = append(joined, st.f[f].text...)
		joined = append(joined, fieldSep)
	}
	at[nFields] = int32(len(joined))
	st.joined = joined
	// Matches are checked for their word boundaries as they are found,
	// so that those that fail cost no more. The separators stand where a
	// field's own ends would, so the checks read the same. An ad with so
	// many matches that some would be cut is scanned again field by
	// field, where the cut falls on matches as found, as it always has.
	// (The count of matches may run a few over, the matches of bytes a
	// scan in parts reads twice: then an ad just under the limit is
	// scanned again, to the same matches.)
	sc := &st.acScratch
	sc.boundsIn, sc.raw = joined, 0
	var stopped bool
	st.ac, stopped = p.ac.scanWith(joined, st.ac[:0], nFields*maxMatchesPerAd, sc)
	sc.boundsIn = nil
	if stopped || sc.raw >= maxMatchesPerAd {
		st.scanFieldByField()
		return
	}
	ms := st.confirmTails(joined, st.ac)
	for f := range nFields {
		// The matches of field f end after its first byte and before its
		// separator; they are in the order they end.
		k := 0
		for k < len(ms) && ms[k].end <= at[f+1]-1 {
			k++
		}
		st.addMatches(f, ms[:k], at[f], true)
		ms = ms[k:]
	}
}

// scanFieldByField is scan for an ad with more matches than one pass
// keeps: each field is scanned alone with what is left of the limit.
func (st *adState) scanFieldByField() {
	for f := range nFields {
		if len(st.f[f].text) == 0 {
			continue
		}
		var stopped bool
		st.ac, stopped = st.p.ac.scanWith(st.f[f].text, st.ac[:0], maxMatchesPerAd-len(st.matches), &st.acScratch)
		st.capped = st.capped || stopped
		st.addMatches(f, st.confirmTails(st.f[f].text, st.ac), 0, false)
	}
}

// confirmTails turns the automaton's matches of keywords cut short
// (maxKeywordPrefix) into matches of the whole keyword where the rest of
// it follows in t, with its right word boundary, and drops the others.
// The matches stay in the order they end.
func (st *adState) confirmTails(t []byte, ms []acMatch) []acMatch {
	p := st.p
	if !p.hasTails {
		return ms
	}
	out, ordered := ms[:0], true
	for _, m := range ms {
		if h := &p.hot[m.pat]; h.tail > 0 {
			end := int(m.end) + int(h.tail)
			text := p.patterns[m.pat].text
			if end > len(t) || string(t[m.end:end]) != text[len(text)-int(h.tail):] ||
				h.right && end < len(t) && wordRuneAt(t, end) {
				continue
			}
			m.end = int32(end)
		}
		if len(out) > 0 && out[len(out)-1].end > m.end {
			ordered = false
		}
		out = append(out, m)
	}
	if !ordered {
		slices.SortStableFunc(out, func(a, b acMatch) int { return cmp.Compare(a.end, b.end) })
	}
	return out
}

// addMatches files the automaton's matches in field f (their ends
// offset by base) under the lists, places, job types, languages,
// nationalities and channels their keywords belong to, unless their word
// boundaries do not hold (checked says they were). At most
// maxMatchesPerAd of the ad's matches are read.
func (st *adState) addMatches(f int, ms []acMatch, base int32, checked bool) {
	p := st.p
	if limit := maxMatchesPerAd - len(st.matches); len(ms) > limit {
		ms = ms[:limit]
		st.capped = true
	}
	t := st.f[f].text
	for _, m := range ms {
		pat := p.hot[m.pat]
		end := int(m.end - base)
		start := end - int(pat.len)
		if !checked && (pat.left && start > 0 && wordRuneBefore(t, start) || pat.right && end < len(t) && wordRuneAt(t, end)) {
			continue
		}
		sr := spanRef{field: int8(f), start: int32(start), end: int32(end)}
		mi := int32(-1)
		for _, tg := range p.targets[pat.from:pat.to] {
			switch tg.kind {
			case tLang:
				st.langHits[tg.id]++
				continue
			case tChannel:
				if f == fieldLocation && end-start < 3 {
					// "US, WA, Seattle": in a location, a two-letter
					// channel name (wa, tg, dm, ib, vx) is a region's
					// code, not a way to reach anyone.
					continue
				}
				if paidThrough(t[end:]) {
					// "当天微信结清", "LINE Pay": the app as the way the
					// wage is paid is no way to apply.
					continue
				}
				if endsWithAny(t[:start], onlinePrefixes) {
					continue // "ไลน์" in "ออนไลน์": online, not LINE
				}
				if end-start <= 4 && compoundHead(t, end) {
					continue // "tele-callers", "tele-sales": no Telegram
				}
				if teleWord(t[start:end], t[end:]) {
					continue // Thai "เทเลเซลล์", Lao "ເທເລຄອມ": telesales, telecom
				}
				if startsWithAny(t[end:], channelAsTask) || string(t[start:end]) == "inbox" && endsWithAny(t[:start], ownInbox) {
					continue // "inbox management", "manage my calendar, inbox": a task, not a contact
				}
				if string(t[start:end]) == "wa" && !waLeadIn(t[:start]) && !contactFollows(t[end:]) && !st.f[f].joined(start, end) {
					// "mpango wa ajira", "khao wa", "a valid WA licence":
					// not WhatsApp, unless its letters were split to hide it
					continue
				}
				// Its bit in channels waits for countChannelWords: a
				// negation may follow in the text still to be read.
				st.channelHits = append(st.channelHits, idHit{tg.id, sr})
				continue
			case tNumberCue:
				st.numberCues = append(st.numberCues, sr)
				continue
			case tFeeCue:
				st.feeCues = append(st.feeCues, sr)
				continue
			case tPlace:
				st.placeHits = append(st.placeHits, idHit{tg.id, sr})
				continue
			case tJob:
				st.jobHits = append(st.jobHits, idHit{tg.id, sr})
				continue
			case tNat:
				st.natHits = append(st.natHits, tg.id)
				continue
			}
			if mi < 0 {
				mi = int32(len(st.matches))
				st.matches = append(st.matches, match{pat: m.pat, spanRef: sr})
			}
			st.linkMatch = append(st.linkMatch, mi)
			st.linkNext = append(st.linkNext, st.listHead[tg.id])
			st.listHead[tg.id] = int32(len(st.linkMatch) - 1)
		}
	}
}

// paymentWords follow a payment app's name when it is the way money is
// paid, not a way to reach anyone.
var paymentWords = []string{"结", "转账", "支付", "付款", "红包", "收款", "pay"}

// otherPayMeans are named beside a payment app as the other way a wage is
// paid: "微信/银行卡结算".
var otherPayMeans = []string{"/银行卡", "或银行卡", "、银行卡", "/支付宝", "或支付宝", "、支付宝", "/现金", "或现金"}

// paidThrough reports whether t, the text after a channel's name, makes
// the channel the way money is paid.
func paidThrough(t []byte) bool {
	t = bytes.TrimLeft(t, " ")
	for _, w := range otherPayMeans {
		if bytes.HasPrefix(t, []byte(w)) {
			t = t[len(w):]
			break
		}
	}
	return startsWithAny(t, paymentWords)
}

// channelAsTask follow a channel's name where it names work to be done
// rather than a way to apply: "inbox management" for an assistant, the
// customers' messages a shop assistant answers ("balas mesej pelanggan"),
// or Thai "ไลน์ผลิต", a production line.
var channelAsTask = []string{"management", "and calendar", "ผลิต", "การผลิต", "ประกอบ", "pelanggan", "khách"}

// ownInbox are the words before "inbox" that make it a mailbox to look
// after or look in ("manage my inbox", "check your inbox", "answer the
// billing inbox"), not a way to reach the poster.
var ownInbox = []string{"my ", "your ", "their ", "our ", "the ", "calendar, ", "calendars, ", "shared ", "billing ", "support ", "team ", "email ", "e-mail ", "general ", "sales ", "answer ", "reply to ", "trả lời ", "balas "}

// teleWords are the words Thai and Lao "tele" begins that are no
// Telegram: telesales, telecom, telemarketing, television. Written
// without spaces, "tele" is otherwise Telegram whatever follows it
// ("ส่งลิงก์กลุ่มเทเลให้").
var teleWords = map[string][]string{
	"เทเล": {"เซล", "คอม", "มาร์เก็ต", "วิชั่น"},
	"ເທເລ": {"ຄອມ", "ເຊວ", "ມາເກັດ", "ວິຊັນ"},
}

// teleWord reports whether the channel name w, followed by t, begins one
// of teleWords.
func teleWord(w, t []byte) bool {
	for _, rest := range teleWords[string(w)] {
		if bytes.HasPrefix(t, []byte(rest)) {
			return true
		}
	}
	return false
}

// compoundHead reports whether the word ending at end is joined by a
// hyphen to a word after it: a short channel name so joined ("tele-",
// "wa-") is the first half of another word.
func compoundHead(t []byte, end int) bool {
	return end+1 < len(t) && t[end] == '-' && t[end+1] >= 'a' && t[end+1] <= 'z'
}

// waLeadIns are the words after which a bare "wa" is WhatsApp ("ke WA
// admin", "minat WA aja", "call or WA"). After any other word in Latin
// letters it is something else: Swahili "of" ("mpango wa ajira"), Thai
// or Lao "that" typed in Latin letters ("bok wa"), Western Australia ("a
// valid WA licence"). At the start of a line or sentence, after a
// number, a mark or another script, it is WhatsApp.
var waLeadIns = []string{"ke", "ka", "chat", "minat", "langsung", "atau", "or", "and", "dan", "hub", "hubungi", "hubungin", "kontak", "contact", "via", "lewat", "di", "no", "nomor", "nomer", "nmr", "info", "join", "group", "grup", "tak", "text", "call", "sms", "msg", "message", "pm", "dm", "to", "sa", "kay", "on", "at", "telp", "tel", "hp", "japri", "wa", "sila", "boleh", "terus", "saja", "aja", "only", "ig", "fb", "line", "tele", "telegram", "zalo", "inbox", "link", "story", "status"}

// contactFollows reports whether t starts with a phone number, after
// spaces and a colon ("Bu Sari WA 0857…"), or is the rest of a wa.me link.
func contactFollows(t []byte) bool {
	if bytes.HasPrefix(t, []byte(".me")) {
		return true
	}
	t = bytes.TrimLeft(t, " :")
	return len(t) > 0 && (isASCIIDigit(t[0]) || t[0] == '+')
}

// waLeadIn reports whether a bare "wa" whose text before it is t reads
// as WhatsApp: t does not end with a word in Latin letters, or ends with
// one of waLeadIns.
func waLeadIn(t []byte) bool {
	t = bytes.TrimRight(t, " ")
	k := len(t)
	for k > 0 && isASCIIAlnum(t[k-1]) {
		k--
	}
	word := t[k:]
	if len(word) == 0 || isASCIIDigit(word[len(word)-1]) {
		return true
	}
	return slices.Contains(waLeadIns, string(word))
}

// onlinePrefixes end the word "online" just before the Thai and Lao names
// of LINE, which the word ends with: "ออนไลน์", "ອອນໄລນ໌".
var onlinePrefixes = []string{"ออน", "ອອນ"}

// endsWithAny reports whether t ends with one of words.
func endsWithAny(t []byte, words []string) bool {
	for _, w := range words {
		if bytes.HasSuffix(t, []byte(w)) {
			return true
		}
	}
	return false
}

// startsWithAny reports whether t starts with one of words, after spaces.
func startsWithAny(t []byte, words []string) bool {
	t = bytes.TrimLeft(t, " ")
	for _, w := range words {
		if bytes.HasPrefix(t, []byte(w)) {
			return true
		}
	}
	return false
}

func wordRuneBefore(t []byte, i int) bool {
	c := t[i-1]
	if c < utf8.RuneSelf {
		return isASCIIAlnum(c)
	}
	r, _ := utf8.DecodeLastRune(t[:i])
	return isSpacedWordRune(r)
}

func wordRuneAt(t []byte, i int) bool {
	c := t[i]
	if c < utf8.RuneSelf {
		return isASCIIAlnum(c)
	}
	r, _ := decodeRuneBytes(t, i)
	return isSpacedWordRune(r)
}

// inFields reports whether match m lies in one of fields.
func (st *adState) inFields(fields uint8, m spanRef) bool {
	if fields&(1<<m.field) != 0 {
		return true
	}
	if fields&(1<<fieldHeadline) == 0 {
		return false
	}
	return m.field == fieldTitle || m.field == fieldBody && m.end <= st.headlineEnd()
}

// headlineEnd is where the body's headline ends: at its first line or
// sentence break, at most maxHeadline bytes in; -1 when the ad has a
// title, which is its headline.
func (st *adState) headlineEnd() int32 {
	if st.headEnd == -2 {
		st.headEnd = -1
		if len(bytes.TrimSpace(st.f[fieldTitle].text)) == 0 {
			t := st.f[fieldBody].text
			t = t[:min(len(t), maxHeadline)]
			end := len(t)
			for i := range t {
				if sentenceBreak(t, i, i+1) {
					end = i
					break
				}
			}
			st.headEnd = int32(end)
		}
	}
	return st.headEnd
}

// eval tests a node. When it holds, the spans of its evidence are on
// st.spans; when it fails, st.spans is as it was.
func (st *adState) eval(n *node) bool {
	mark := len(st.spans)
	switch n.kind {
	case kList:
		for _, l := range n.lists {
			for k := st.listHead[l]; k >= 0; k = st.linkNext[k] {
				m := &st.matches[st.linkMatch[k]]
				if n.fields != 0 && !st.inFields(n.fields, m.spanRef) {
					continue
				}
				if n.negatable && (st.negated(m.spanRef) || st.heldBy(n.lists, m.spanRef, true)) {
					continue
				}
				if n.except != nil && st.heldBy(n.except, m.spanRef, false) {
					continue
				}
				if st.unsaid(n, m.spanRef) {
					continue
				}
				if st.beforeCut(m.spanRef) {
					continue
				}
				st.spans = append(st.spans, m.spanRef)
			}
		}
		return len(st.spans) > mark
	case kRegex:
		if n.re == nil {
			return false
		}
		if n.gateDigit {
			if !st.hasDigits() {
				return false
			}
			for f := range nFields {
				if n.fields == 0 || n.fields&(1<<f) != 0 {
					st.regexIn(n, f, 0, len(st.f[f].text))
				}
			}
			return st.keepAfterCut(mark)
		}
		// Keyword gates: the regex reads only the text around each gate
		// match, so its cost follows the matches, not the ad's length.
		st.windows = st.windows[:0]
		for _, g := range n.gates {
			for k := st.listHead[g]; k >= 0; k = st.linkNext[k] {
				m := st.matches[st.linkMatch[k]].spanRef
				if n.fields != 0 && n.fields&(1<<m.field) == 0 {
					continue
				}
				st.windows = append(st.windows, spanRef{field: m.field, start: max(0, m.start-regexWindow), end: m.end + regexWindow})
			}
		}
		slices.SortFunc(st.windows, byFieldStart)
		for i := 0; i < len(st.windows); {
			w := st.windows[i]
			j := i + 1
			for j < len(st.windows) && st.windows[j].field == w.field && st.windows[j].start <= w.end {
				w.end = max(w.end, st.windows[j].end)
				j++
			}
			st.regexIn(n, int(w.field), int(w.start), min(int(w.end), len(st.f[w.field].text)))
			i = j
		}
		return st.keepAfterCut(mark)
	case kCond:
		if n.cond == nil {
			return false
		}
		if !n.cond.eval(st) {
			st.spans = st.spans[:mark]
			return false
		}
		if st.after.field >= 0 && n.cond.hasSpans() {
			return st.keepAfterCut(mark)
		}
		return true
	case kAll:
		if !st.allMet(n.childNeeds) {
			return false
		}
		for _, c := range n.children {
			if !st.eval(c) {
				st.spans = st.spans[:mark]
				return false
			}
		}
		return true
	case kAny:
		fired := false
		for _, c := range n.children {
			if st.eval(c) {
				if n.spanless {
					return true
				}
				fired = true
			}
		}
		return fired
	case kNone:
		for _, c := range n.children {
			if st.eval(c) {
				st.spans = st.spans[:mark]
				return false
			}
		}
		return true
	case kAtLeast:
		count := 0
		for _, c := range n.children {
			if st.eval(c) {
				count++
				if n.spanless && count >= n.n {
					return true
				}
			}
		}
		if count < n.n {
			st.spans = st.spans[:mark]
			return false
		}
		return true
	case kWithin:
		if !st.allMet(n.childNeeds) {
			return false
		}
		return st.evalWithin(n, mark)
	case kThen:
		if !st.allMet(n.childNeeds) {
			return false
		}
		return st.evalThen(n, mark)
	}
	return false
}

// evalThen holds when the second child matches after the first child's
// last match: later in the same field, or in a later field. A warning
// that ends by recruiting ("...they took our passports. My boss is
// hiring, PM me") is told from a victim's story that begins with the
// offer it answered ("they offered $1,200 on Telegram... they took our
// passports") by which comes last. The verdict shows that last match and
// what followed it.
func (st *adState) evalThen(n *node, mark int) bool {
	if !st.eval(n.children[0]) {
		return false
	}
	if len(st.spans) == mark {
		// It held on a finding with no place in the text (the word
		// count, a channel the crawler gave): there is no order to read.
		return false
	}
	last := st.spans[mark]
	for _, s := range st.spans[mark+1:] {
		if s.field > last.field || s.field == last.field && s.end > last.end {
			last = s
		}
	}
	st.spans = append(st.spans[:mark], last)
	outer := st.after
	if !st.beforeCut(spanRef{field: last.field, start: last.end}) {
		st.after = last
	}
	ok := st.eval(n.children[1])
	st.after = outer
	if !ok {
		st.spans = st.spans[:mark]
	}
	return ok
}

// beforeCut reports whether m starts before the end of the first
// evidence of the then being evaluated.
func (st *adState) beforeCut(m spanRef) bool {
	return m.field < st.after.field || m.field == st.after.field && m.start < st.after.end
}

// keepAfterCut drops the spans since mark that start before the cut and
// reports whether any is left.
func (st *adState) keepAfterCut(mark int) bool {
	if st.after.field >= 0 {
		kept := st.spans[:mark]
		for _, s := range st.spans[mark:] {
			if !st.beforeCut(s) {
				kept = append(kept, s)
			}
		}
		st.spans = kept
	}
	return len(st.spans) > mark
}

// allMet reports whether the ad has what each of nds needs.
func (st *adState) allMet(nds []needs) bool {
	for _, nd := range nds {
		if !nd.met(st) {
			return false
		}
	}
	return true
}

// evalWithin holds when every child matches and one match of each lies
// at most n.n tokens from the first, in one field: the first match counts
// as one token, however many words it has, and then the words up to the
// other's start. (Counted from the first's start, a Thai, Khmer or
// Burmese keyword of twelve letters was four words of the window, and
// "ค่าดำเนินการ 50,000 บาท จ่าย" a fee too far from its payment.)
func (st *adState) evalWithin(n *node, mark int) bool {
	base := len(st.within)
	defer func() { st.within = st.within[:base] }()
	for ci, c := range n.children {
		from := len(st.spans)
		if !st.eval(c) {
			st.spans = st.spans[:mark]
			return false
		}
		for _, s := range st.spans[from:] {
			st.within = append(st.within, withinSpan{spanRef: s, child: ci})
		}
	}
	cands := st.within[base:]
	// slices.SortFunc is sort.Slice's algorithm, so ties end up in the
	// order they always have.
	slices.SortFunc(cands, func(a, b withinSpan) int { return byFieldStart(a.spanRef, b.spanRef) })
	st.markInside(cands)
	need := len(n.children)
	for i := range cands {
		if cands[i].inside {
			continue
		}
		var seen uint64
		got := 0
		t := st.f[cands[i].field].text
		for j := i; j < len(cands) && cands[j].field == cands[i].field; j++ {
			if from := int(cands[i].end); int(cands[j].start) > from && 1+countTokens(t, from, int(cands[j].start), n.n) > n.n {
				break
			}
			if cands[j].inside {
				continue
			}
			if bit := uint64(1) << (cands[j].child % 64); seen&bit == 0 {
				seen |= bit
				got++
			}
			if got == need {
				st.spans = st.spans[:mark]
				for k := i; k <= j; k++ {
					if !cands[k].inside {
						st.spans = append(st.spans, cands[k].spanRef)
					}
				}
				return true
			}
		}
	}
	st.spans = st.spans[:mark]
	return false
}

// markInside marks the matches that lie inside a longer match of another
// child: one written word is evidence for one child only. Burmese "ပို့"
// (send) ends the word for passport, "ပတ်စပို့", and must not make
// "passport ... send" out of the passport alone. A whole word of the
// longer match, set off by spaces, still counts: "deposit your passport"
// is the keeping and the passport both. cands is sorted by field and
// start, so a match that holds another starts before it or with it; the
// look back is bounded because keywords are short.
func (st *adState) markInside(cands []withinSpan) {
	holds := func(k, i int) bool {
		a, b := &cands[k], &cands[i]
		if a.child == b.child || a.field != b.field || a.start > b.start || a.end < b.end || a.end-a.start <= b.end-b.start {
			return false
		}
		t := st.f[b.field].text
		wholeWord := (b.start == a.start || t[b.start-1] == ' ') && (b.end == a.end || t[b.end] == ' ')
		return !wholeWord
	}
	const lookBack = 8
	for i := range cands {
		for k := i - 1; k >= 0 && k >= i-lookBack && cands[k].field == cands[i].field; k-- {
			if holds(k, i) {
				cands[i].inside = true
				break
			}
		}
		for k := i + 1; !cands[i].inside && k < len(cands) && cands[k].field == cands[i].field && cands[k].start == cands[i].start; k++ {
			cands[i].inside = holds(k, i)
		}
	}
}

// byFieldStart orders spans by field, then start.
func byFieldStart(a, b spanRef) int {
	if a.field != b.field {
		return cmp.Compare(a.field, b.field)
	}
	return cmp.Compare(a.start, b.start)
}

// regexWindow is how far around a gate match a regex reads, in bytes.
const regexWindow = 64

// regexIn adds the regex's matches in t[from:to] of field f.
func (st *adState) regexIn(n *node, f, from, to int) {
	t := st.f[f].text[from:to]
	if n.reDigit && !hasDigit(t) || !n.reNeed.holds(t) {
		return // the regex cannot match here
	}
	add := func(m spanRef) {
		if !st.unsaid(n, m) {
			st.spans = append(st.spans, m)
		}
	}
	if n.rePrefix != nil {
		st.reFound = n.rePrefix.appendMatches(st.reFound[:0], t, maxRegexMatches)
		for _, loc := range st.reFound {
			add(spanRef{field: int8(f), start: int32(from) + loc[0], end: int32(from) + loc[1]})
		}
		return
	}
	for _, loc := range n.re.FindAllIndex(t, maxRegexMatches) {
		if loc[1] > loc[0] {
			add(spanRef{field: int8(f), start: int32(from + loc[0]), end: int32(from + loc[1])})
		}
	}
}

// countTokens counts words in t[a:b], stopping once past limit. A Chinese
// or Japanese character is a word; Thai, Lao, Khmer and Burmese, written
// without spaces, count a word for every three letters.
func countTokens(t []byte, a, b, limit int) int {
	n, inWord, unspaced := 0, false, 0
	for i := a; i < b && n <= limit; {
		// Eight ASCII bytes at once: a word starts at each letter or
		// digit after neither. The count may run past limit here, and is
		// cut back to where it stops below.
		if i+8 <= b {
			if w := binary.LittleEndian.Uint64(t[i:]); w&highBits == 0 {
				alnum := gatherHigh(letterBytes(w) | digitBytes(w))
				prev := uint64(b2u(inWord))
				n += bits.OnesCount64(alnum &^ (alnum<<1 | prev))
				inWord = alnum>>7 != 0
				i += 8
				continue
			}
		}
		c := t[i]
		if c < utf8.RuneSelf {
			if isASCIIAlnum(c) {
				if !inWord {
					n++
					inWord = true
				}
			} else {
				inWord = false
			}
			i++
			continue
		}
		if c >= 0xE4 && c <= 0xE9 && i+2 < len(t) && t[i+1]&0xC0 == 0x80 && t[i+2]&0xC0 == 0x80 {
			// A CJK ideograph (U+4000 to U+9FFF), the bulk of Chinese
			// text: a word each.
			n++
			inWord = false
			i += 3
			continue
		}
		r, s := decodeRuneBytes(t, i)
		i += s
		switch {
		case r >= 0x2E80 && isUnspacedScript(r):
			n++
			inWord = false
		case isUnspacedScript(r):
			if !isUnspacedMark(r) {
				if unspaced%3 == 0 {
					n++
				}
				unspaced++
			}
			inWord = false
		case isSpacedWordRune(r):
			if !inWord {
				n++
				inWord = true
			}
		default:
			inWord = false
		}
	}
	return min(n, limit+1)
}

// isUnspacedMark reports whether r is a vowel sign, tone mark or other
// mark that sits on a Thai, Lao, Burmese or Khmer letter. Only the letters
// count towards words: with the marks, a Burmese word of four letters
// ("စုစုပေါင်း", total) was ten runes, four words.
func isUnspacedMark(r rune) bool {
	switch {
	case r == 0x0E31, r >= 0x0E34 && r <= 0x0E3A, r >= 0x0E47 && r <= 0x0E4E, // Thai
		r == 0x0EB1, r >= 0x0EB4 && r <= 0x0EBC, r >= 0x0EC8 && r <= 0x0ECD, // Lao
		r >= 0x102B && r <= 0x103E, r >= 0x1056 && r <= 0x1059, r >= 0x105E && r <= 0x1060, // Myanmar
		r >= 0x1062 && r <= 0x1064, r >= 0x1067 && r <= 0x106D, r >= 0x1071 && r <= 0x1074,
		r >= 0x1082 && r <= 0x108D, r == 0x108F, r >= 0x109A && r <= 0x109D,
		r >= 0x17B4 && r <= 0x17D3, r == 0x17DD: // Khmer
		return true
	}
	return false
}

// sentenceBreak reports whether t[a:b] crosses the end of a sentence or
// a line.
func sentenceBreak(t []byte, a, b int) bool {
	for i := a; i < b; i++ {
		switch t[i] {
		case '\n', '!', '?', ';':
			return true
		case '.':
			if i+1 < len(t) && t[i+1] == ' ' {
				return true
			}
		case 0xE3: // 。
			if i+2 < len(t) && t[i+1] == 0x80 && t[i+2] == 0x82 {
				return true
			}
		case 0xE1: // Khmer ។ and Burmese ။
			if i+2 < len(t) && (t[i+1] == 0x9F && t[i+2] == 0x94 || t[i+1] == 0x81 && t[i+2] == 0x8B) {
				return true
			}
		}
	}
	return false
}

// clauseBreakUnspaced reports whether t[a:b] has a space between two
// letters of Thai, Lao, Khmer or Burmese after a word of its own. Those
// scripts write words together and set phrases apart with a space, so in
// "ไม่เช็คบูโร โอนค่าธรรมเนียม" ("no credit check; transfer the fee") or
// "ហូបចុកមិនគិតលុយ អាចខ្ចីលុយមុន" ("meals free of charge; you can borrow
// in advance") the negation ends at the space. A space straight after
// the cue ("ไม่มี ค่าใช้จ่าย") still leaves the next word under it, and
// so does one before "or" or "and", which carry a list on ("មិនស្នើសុំលុយ
// ឬលេខកូដ OTP").
func clauseBreakUnspaced(t []byte, a, b int) bool {
	for a < b && t[a] == ' ' {
		a++
	}
	for i := a + 3; i < b && i+2 < len(t); i++ {
		if t[i] == ' ' && unspacedLead(t[i-3], t[i-2]) && unspacedLead(t[i+1], t[i+2]) && !startsWithAny(t[i+1:], listConjunctions) {
			return true
		}
	}
	return false
}

// phraseBreak reports whether d.text[a:b] crosses the end of a phrase of
// Thai, Lao, Khmer or Burmese: a space written there (clauseBreakUnspaced)
// or one normalising dropped (phraseBreaks).
func (d *normalized) phraseBreak(a, b int) bool {
	if clauseBreakUnspaced(d.text, a, b) {
		return true
	}
	if len(d.phraseBreaks) == 0 || a >= b {
		return false
	}
	// A space dropped straight after the cue leaves the next word under
	// it, as a space written there does: the cue's end leads back past it.
	from, to := d.origAt(a), d.origAt(b)
	for _, k := range d.phraseBreaks {
		if int(k) >= from && int(k) < to {
			return true
		}
	}
	return false
}

// unspacedLead reports whether c0, c1 begin a letter of Thai, Lao,
// Burmese or Khmer in UTF-8.
func unspacedLead(c0, c1 byte) bool {
	return c0 == 0xE0 && c1 >= 0xB8 && c1 <= 0xBB || c0 == 0xE1 && (c1 == 0x80 || c1 == 0x81 || c1 == 0x9E || c1 == 0x9F)
}

// listConjunctions are "or" and "and" in Thai, Lao, Khmer and Burmese: a
// phrase that starts with one goes on with the list before it.
var listConjunctions = []string{"หรือ", "และ", "ຫຼື", "ແລະ", "ឬ", "និង", "သို့မဟုတ်", "နှင့်", "နဲ့"}

// heldBy reports whether m lies within a match of lists: "deposit"
// within "direct deposit", for a node's except phrases; or, when longer
// is set, within a strictly longer match, as "banking password" within
// "online banking password": the longer match is the phrase written, and
// whether it is negated is judged from its start, so the shorter one must
// not count on its own.
func (st *adState) heldBy(lists []int32, m spanRef, longer bool) bool {
	for _, l := range lists {
		for k := st.listHead[l]; k >= 0; k = st.linkNext[k] {
			c := st.matches[st.linkMatch[k]].spanRef
			if c.field == m.field && c.start <= m.start && c.end >= m.end && (!longer || c.end-c.start > m.end-m.start) {
				return true
			}
		}
	}
	return false
}

// quoted reports whether m lies between quotation marks: words the
// poster cites (the message a worker was sent, the lines a warning
// repeats) rather than says.
func (st *adState) quoted(m spanRef) bool {
	if !st.quotesDone {
		st.quotesDone = true
		for f := range nFields {
			st.quotes = appendQuotes(st.quotes, int8(f), st.f[f].text)
		}
	}
	for _, q := range st.quotes {
		if q.field == m.field && q.start <= m.start && m.end <= q.end {
			return true
		}
	}
	return false
}

// unsaid reports whether match m of node n is not the poster's own
// words for the node: quoted, when the node is unquoted, or inside a
// hashtag, when it is untagged.
func (st *adState) unsaid(n *node, m spanRef) bool {
	return n.unquoted && st.quoted(m) || n.untagged && st.tagged(m)
}

// tagged reports whether m lies inside a hashtag ("#canhgiac",
// "#อย่าไปเขมร"): a label the poster files the post under, which a lure
// ends with as readily as a warning does.
func (st *adState) tagged(m spanRef) bool {
	t := st.f[m.field].text
	for i := int(m.start); i >= 0 && int(m.start)-i <= maxHashtag; i-- {
		switch {
		case t[i] == '#':
			return true
		case i < int(m.start) && (t[i] == ' ' || t[i] == '\n'):
			return false
		}
	}
	return false
}

// maxHashtag is how far back from a match, in bytes, tagged looks for
// the hashtag's "#": a tag in Thai or Khmer of a dozen letters fits.
const maxHashtag = 96

// maxQuote is the longest stretch read as one quotation, in bytes: a
// forwarded message fits, a stray mark that would pair with another
// pages later does not.
const maxQuote = 2000

// quoteMarks pair each opening mark with its closing one. Curly quotes
// are folded to straight ones before this; a single quote, which is
// also an apostrophe, is read apart (see appendQuotes).
var quoteMarks = [...][2][]byte{{[]byte(`"`), []byte(`"`)}, {[]byte("「"), []byte("」")}, {[]byte("『"), []byte("』")}, {[]byte("«"), []byte("»")}}

// appendQuotes adds to dst the stretches of t between a quotation mark
// and its closing mark. An opening mark never closed quotes nothing. A
// single quote opens only after a space or a mark and closes only
// before one ('bao vé, bao ăn ở'), so that the apostrophes of "don't"
// and "it's" quote nothing.
func appendQuotes(dst []spanRef, field int8, t []byte) []spanRef {
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == '\'' {
			if i > 0 && isASCIIAlnum(t[i-1]) || i+1 >= len(t) || t[i+1] == ' ' {
				continue
			}
			if end := singleQuoteEnd(t, i+1); end > 0 {
				dst = append(dst, spanRef{field: field, start: int32(i + 1), end: int32(end)})
				i = end
			}
			continue
		}
		if c != '"' && c != 0xE3 && c != 0xC2 {
			continue // the first byte of no mark
		}
		for _, q := range quoteMarks {
			if !bytes.HasPrefix(t[i:], q[0]) {
				continue
			}
			start := i + len(q[0])
			end := bytes.Index(t[start:min(len(t), start+maxQuote)], q[1])
			if end < 0 {
				break
			}
			if !transcript(t, i, start+end+len(q[1])) {
				dst = append(dst, spanRef{field: field, start: int32(start), end: int32(start + end)})
			}
			i = start + end + len(q[1]) - 1
			break
		}
	}
	return dst
}

// transcript reports whether the quotation from t[open] to t[close]
// is the whole text: nothing but spaces after it, and before it nothing
// but spaces and a bracketed label ("[Voice message 0:51]", "(Viber)").
// A voice message or a chat written down in quotes is the message
// itself, the recruiter speaking, not words the poster cites.
func transcript(t []byte, open, close int) bool {
	if len(bytes.TrimSpace(t[close:])) > 0 {
		return false
	}
	before := bytes.TrimSpace(t[:open])
	if len(before) == 0 {
		return true
	}
	last := before[len(before)-1]
	return (before[0] == '[' && last == ']' || before[0] == '(' && last == ')') &&
		bytes.Count(before, before[:1]) == 1
}

// singleQuoteEnd is where the quotation a single quote opened before
// t[from] ends: at the next single quote that no letter or digit follows
// and no space precedes, within maxQuote bytes and the same line; 0 when
// there is none.
func singleQuoteEnd(t []byte, from int) int {
	for j := from; j < len(t) && j < from+maxQuote; j++ {
		switch t[j] {
		case '\n':
			return 0
		case '\'':
			if t[j-1] != ' ' && (j+1 == len(t) || !isASCIIAlnum(t[j+1])) {
				return j
			}
		}
	}
	return 0
}

// negated reports whether a negation cue ("no", "tidak", "không", "不",
// "ไม่") stands just before the match, or a cue of those that follow what
// they negate ("biaya gratis", "费用全免", Burmese "မယူ") just after it,
// within the same sentence. A cue that goes before its word does not
// reach back: in "visa dijamin lulus, tak perlu ujian" the guarantee
// stands. A promise never to ask ("we will never ask you to", "kami tidak
// pernah meminta") negates its whole sentence, which is often a list:
// "... your passport, ATM card, PIN or OTP code".
func (st *adState) negated(m spanRef) bool {
	return st.cueBefore(st.p.negation, m, 48, 3, true) ||
		st.cueBefore(st.p.negationSentence, m, 400, 40, false) ||
		st.cueAfter(st.p.negationAfter, m)
}

// cueBefore reports whether a cue of list l ends before m, at most
// maxBytes and maxTokens words away, with no sentence break between. A
// cue that a comma closes ends its own phrase ("đào tạo miễn phí, ứng
// viên mua ...": the training is free, the purchase is not); so does a
// phrase break in the scripts written without spaces, when the cue
// negates its phrase only (phrase) rather than its sentence.
func (st *adState) cueBefore(l int32, m spanRef, maxBytes int32, maxTokens int, phrase bool) bool {
	if l < 0 {
		return false
	}
	t := st.f[m.field].text
	for k := st.listHead[l]; k >= 0; k = st.linkNext[k] {
		c := st.matches[st.linkMatch[k]].spanRef
		if c.field != m.field || c.end > m.start || m.start-c.end > maxBytes {
			continue
		}
		reach := maxTokens
		if phrase && orList(t[c.end:m.start]) {
			reach += 2
		}
		if phrase && ideographsOnly(t[c.end:m.start]) {
			reach = 2 * reach
		}
		if countTokens(t, int(c.end), int(m.start), reach) <= reach && !sentenceBreak(t, int(c.end), int(m.start)) &&
			!(phrase && st.pictographBetween(int(m.field), c.end, m.start)) &&
			!(phrase && st.f[m.field].phraseBreak(int(c.end), int(m.start))) &&
			!commaAfter(t, int(c.end)) && !st.reassures(c) && !st.contrastBetween(c.field, c.end, m.start) &&
			!(phrase && st.endsItsPhrase(c)) {
			return true
		}
	}
	return false
}

// pictographBetween reports whether the source between the normalised
// offsets a and b holds an emoji or a pictographic symbol ("😤", "✅",
// "👉"). Posts in social media, Khmer, Thai, Lao and Burmese above all,
// end their sentences with one instead of a full stop: in "កុំជឿ page
// ផ្សេងៗ 😤 មកជាមួយខ្ញុំ" (don't believe other pages 😤 come with me) the
// "don't" is over before the offer. (A promise never to ask, which
// negates its sentence, often opens a list with one: "3 things a real
// company never asks 🚩 1) ...". It reaches on.) The normaliser drops
// them, so they are looked for in the source.
func (st *adState) pictographBetween(field int, a, b int32) bool {
	d := &st.f[field]
	src := st.src[field]
	lo, hi := d.origAt(int(a)), d.origAt(int(b))
	if lo < 0 || hi > len(src) {
		return false
	}
	for i := lo; i < hi; {
		if src[i] < 0xE2 {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(src[i:])
		if isPictograph(r) {
			return true
		}
		i += n
	}
	return false
}

// isPictograph reports whether r is an emoji or a pictographic symbol:
// the emoji blocks, the miscellaneous symbols and the dingbats. Flags and
// keycap digits are not among them: a flag stands for a country's name,
// a keycap for a digit.
func isPictograph(r rune) bool {
	return r >= 0x1F300 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF || r == 0x2B50 || r == 0x2B55
}

// endsItsPhrase reports whether cue c, a word that may also follow what
// it negates (negation_after: Thai "ฟรี"), is written at the end of a
// phrase of Thai, Lao, Khmer or Burmese, glued to the word before it and
// a space after: "ที่พักฟรี โอนค่าสมัคร", lodging free, pay the fee. It
// negates that word, not the phrase after it.
func (st *adState) endsItsPhrase(c spanRef) bool {
	d := &st.f[c.field]
	t, e := d.text, int(c.end)
	if c.start < 3 || e+3 >= len(t) || !unspacedLead(t[c.start-3], t[c.start-2]) {
		return false
	}
	// The space may be kept or, between two letters, dropped by the
	// normaliser: it is looked for in the source.
	if t[e] == ' ' {
		e++
	} else if src, o := st.src[c.field], d.origAt(e); o < 1 || o > len(src) || src[o-1] != ' ' {
		return false
	}
	return unspacedLead(t[e], t[e+1]) && st.p.negationAfter >= 0 && st.heldBy([]int32{st.p.negationAfter}, c, false)
}

// ideographsOnly reports whether t is Chinese characters only.
func ideographsOnly(t []byte) bool {
	for i := 0; i < len(t); i += 3 {
		if i+2 >= len(t) || t[i] < 0xE4 || t[i] > 0xE9 {
			return false
		}
	}
	return len(t) > 0
}

// orWords carry a negation two words further along a list: "no upfront
// bonds or accommodation fees", "we do not charge placement, training or
// medical fees", "không thu phí đào tạo hay phí hồ sơ".
var orWords = [][]byte{[]byte(" or "), []byte(" nor "), []byte(" atau "), []byte(" o "), []byte(" hoặc "), []byte(" hay ")}

// orList reports whether t, the words between a cue and a match, lists
// things with "or".
func orList(t []byte) bool {
	for _, w := range orWords {
		if bytes.Contains(t, w) {
			return true
		}
	}
	return false
}

// reassures reports whether cue c is part of a reassurance ("don't
// worry", "ไม่ต้องห่วง"), which negates nothing after it.
func (st *adState) reassures(c spanRef) bool {
	return st.p.reassurance >= 0 && st.heldBy([]int32{st.p.reassurance}, c, false)
}

// contrastBetween reports whether a contrast word ("but", "just",
// "cuma", "แต่") lies in field f between from and to: what follows it is
// not under the negation before it.
func (st *adState) contrastBetween(f int8, from, to int32) bool {
	if st.p.contrast < 0 {
		return false
	}
	for k := st.listHead[st.p.contrast]; k >= 0; k = st.linkNext[k] {
		c := st.matches[st.linkMatch[k]].spanRef
		if c.field == f && c.start >= from && c.end <= to {
			return true
		}
	}
	return false
}

// commas close a negation cue.
var commas = []string{",", "，", "、", "၊"}

// commaAfter reports whether a comma follows offset i, after spaces.
func commaAfter(t []byte, i int) bool {
	return startsWithAny(t[i:], commas)
}

// cueAfter reports whether a cue of list l starts at most one word after m,
// in the same sentence.
func (st *adState) cueAfter(l int32, m spanRef) bool {
	if l < 0 {
		return false
	}
	t := st.f[m.field].text
	for k := st.listHead[l]; k >= 0; k = st.linkNext[k] {
		c := st.matches[st.linkMatch[k]].spanRef
		if c.field == m.field && c.start >= m.end && c.start-m.end <= 16 &&
			countTokens(t, int(m.end), int(c.start), 1) <= 1 && !sentenceBreak(t, int(m.end), int(c.start)) {
			return true
		}
	}
	return false
}

func (st *adState) hasDigits() bool {
	for f := range nFields {
		if hasDigit(st.f[f].text) {
			return true
		}
	}
	return false
}

// words counts the words of the title and body, up to the pack's
// wordsCap: conditions on the count read the same from there on, and a
// long body need not be counted to its end. Normalising counted the
// words of most texts already.
func (st *adState) words() int {
	if st.nWords >= 0 {
		return st.nWords
	}
	if t, b := st.f[0].words, st.f[1].words; t >= 0 && b >= 0 {
		st.nWords = min(t+b, st.p.wordsCap)
	} else {
		limit := st.p.wordsCap - 1
		n := countTokens(st.f[0].text, 0, len(st.f[0].text), limit)
		if n <= limit {
			n += countTokens(st.f[1].text, 0, len(st.f[1].text), limit-n)
		}
		st.nWords = min(n, st.p.wordsCap)
	}
	return st.nWords
}

// countries are the countries of the places named, in order of mention.
func (st *adState) countries() []string {
	if st.ctryDone {
		return st.ctry
	}
	st.ctryDone = true
	out := st.ctry[:0]
	for _, h := range st.placeHits {
		c := st.p.places[h.id].country
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	st.ctry = out
	return out
}

// headBytes is how much of each field the script counts read.
const headBytes = 512

// scriptCounts counts Latin letters and the characters of the scripts
// written without spaces, which tell their languages apart.
func scriptCounts(t []byte, counts *[6]int) {
	// Only lead bytes are looked at: the scripts are told apart by the
	// first two bytes of their UTF-8 form, and no lead byte is ever read
	// as the middle of a rune. Eight bytes are counted at once, the byte
	// after each read beside it for the two-byte tests.
	i := 0
	for ; i+9 <= len(t); i += 8 {
		x := binary.LittleEndian.Uint64(t[i:])
		next := binary.LittleEndian.Uint64(t[i+1:])
		counts[0] += bits.OnesCount64(letterBytes(x))
		if x&highBits == 0 {
			continue
		}
		e0, e1 := bytesEqual(x, 0xE0), bytesEqual(x, 0xE1)
		counts[1] += bits.OnesCount64(e0 & bytesEqual(next|lowBits, 0xB9)) // Thai: E0 B8-B9
		counts[2] += bits.OnesCount64(e0 & bytesEqual(next|lowBits, 0xBB)) // Lao: E0 BA-BB
		counts[3] += bits.OnesCount64(e1 & bytesEqual(next|lowBits, 0x81)) // Myanmar: E1 80-81
		counts[4] += bits.OnesCount64(e1 & bytesEqual(next|lowBits, 0x9F)) // Khmer: E1 9E-9F
		counts[5] += bits.OnesCount64(bytesBetween(x, 0xE4, 0xE9))         // CJK ideographs
	}
	for ; i < len(t); i++ {
		c := t[i]
		switch {
		case c < 0x80:
			if isASCIILetter(c) {
				counts[0]++
			}
		case c == 0xE0 && i+1 < len(t):
			switch t[i+1] {
			case 0xB8, 0xB9:
				counts[1]++ // Thai
			case 0xBA, 0xBB:
				counts[2]++ // Lao
			}
			i += 2
		case c == 0xE1 && i+1 < len(t):
			switch t[i+1] {
			case 0x80, 0x81:
				counts[3]++ // Myanmar
			case 0x9E, 0x9F:
				counts[4]++ // Khmer
			}
			i += 2
		case c >= 0xE4 && c <= 0xE9:
			counts[5]++ // CJK ideographs
			i += 2
		}
	}
}

// languages detects the languages of the ad, most text first: the
// script tells Thai, Lao, Burmese, Khmer and Chinese apart; stop words
// tell the languages written in Latin letters apart.
func (st *adState) languages() []string {
	if st.langsDone {
		return st.langs
	}
	st.langsDone = true
	var counts [6]int
	for f := range nFields {
		// The first half kilobyte of each field tells its languages.
		// Normalising counted the letters of most ASCII texts there.
		if n := st.f[f].headLetters; n >= 0 {
			counts[0] += n
			continue
		}
		t := st.f[f].text
		scriptCounts(t[:min(len(t), headBytes)], &counts)
	}
	ests := st.ests[:0]
	// Rough words per character of each script.
	ests = append(ests, langEst{"th", float64(counts[1]) / 5}, langEst{"lo", float64(counts[2]) / 5},
		langEst{"my", float64(counts[3]) / 5}, langEst{"km", float64(counts[4]) / 5}, langEst{"zh", float64(counts[5]) / 1.7})
	latinWords := float64(counts[0]) / 5
	total := 0
	for _, h := range st.langHits {
		total += h
	}
	if total > 0 {
		for i, h := range st.langHits {
			ests = append(ests, langEst{st.p.languages[i], latinWords * float64(h) / float64(total)})
		}
	}
	st.ests = ests
	sum := 0.0
	for _, e := range ests {
		sum += e.words
	}
	slices.SortStableFunc(ests, func(a, b langEst) int { return cmp.Compare(b.words, a.words) })
	for _, e := range ests {
		if e.words >= 3 && e.words >= 0.1*sum && len(st.langs) < 4 {
			st.langs = append(st.langs, e.lang)
		}
	}
	if len(st.langs) == 0 && st.hint != "" && contains(ruleLanguages, st.hint) && st.hint != "any" {
		st.langs = append(st.langs, st.hint)
	}
	return st.langs
}

// langEst is an estimate of the words of a language in an ad.
type langEst struct {
	lang  string
	words float64
}

// Countries whose nationals a language, a currency or a phone code
// addresses.
var (
	langCountry     = map[string]string{"id": "ID", "ms": "MY", "tl": "PH", "vi": "VN", "th": "TH", "km": "KH", "my": "MM", "lo": "LA", "zh": "CN"}
	currencyCountry = map[string]string{"IDR": "ID", "PHP": "PH", "VND": "VN", "MYR": "MY", "THB": "TH", "CNY": "CN", "MMK": "MM", "LAK": "LA", "KHR": "KH"}
	phoneCountry    = map[string]string{"62": "ID", "63": "PH", "84": "VN", "60": "MY", "66": "TH", "86": "CN", "95": "MM", "856": "LA", "855": "KH"}
)

// nationalities infers whom the ad targets: the languages it is written
// in, words naming nationals ("WNI", "OFW", "người Việt", "คนไทย"), and
// the currency and phone codes of a country that is not where the job
// is said to be.
func (st *adState) nationalities() []string {
	if st.natsDone {
		return st.nats
	}
	st.natsDone = true
	out := st.nats[:0]
	add := func(c string) {
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	for _, id := range st.natHits {
		add(st.p.countries[id])
	}
	for _, l := range st.languages() {
		add(langCountry[l])
	}
	dest := st.countries()
	if st.salary != nil {
		if c := currencyCountry[st.salary.Currency]; c != "" && !slices.Contains(dest, c) {
			add(c)
		}
	}
	for _, ct := range st.contactRefs {
		v := st.contactText[ct.from:ct.to]
		if len(v) < 4 || v[0] != '+' {
			continue
		}
		for code, c := range phoneCountry {
			if len(v) > len(code)+1 && string(v[1:1+len(code)]) == code && !slices.Contains(dest, c) {
				add(c)
			}
		}
	}
	slices.Sort(out)
	st.nats = out
	return out
}
