package classifier

import "unicode"

// Near-duplicate families: ads that share a long passage of text (a
// company profile pasted into every posting, a scam template reposted with
// a new title) come from one poster. Cross-validation that puts one copy in
// training and another in testing measures memory, not detection, so Fit
// keeps each family within one fold.
//
// Passages are found by winnowing (as plagiarism detectors do): hash every
// run of familyGram letters and keep the smallest hash of each familyWinnow
// consecutive runs. Two texts sharing a passage of familyGram+familyWinnow-1
// letters then share a kept hash, wherever the passage stands in each.
const (
	familyGram   = 50
	familyWinnow = 20
	// familyMaxShare drops passages shared by more ads than this: they are
	// a job board's boilerplate, not one poster's.
	familyMaxShare = 40
)

// families returns, for each ad, the index of its family.
func families(ads []LabelledAd) []int {
	holders := map[uint64][]int{}
	for i := range ads {
		for _, h := range fingerprints(foldedLetters(ads[i].Ad.Title + " " + ads[i].Ad.Body)) {
			holders[h] = append(holders[h], i)
		}
	}
	parent := make([]int, len(ads))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, ids := range holders {
		if len(ids) < 2 || len(ids) > familyMaxShare {
			continue
		}
		root := find(ids[0])
		for _, j := range ids[1:] {
			parent[find(j)] = root
		}
	}
	out := make([]int, len(ads))
	for i := range out {
		out[i] = find(i)
	}
	return out
}

// fingerprints returns the winnowed hashes of text, each once.
func fingerprints(text []rune) []uint64 {
	if len(text) < familyGram {
		return nil
	}
	const base = 1099511628211
	var pow uint64 = 1
	for range familyGram {
		pow *= base
	}
	grams := make([]uint64, 0, len(text)-familyGram+1)
	var h uint64
	for i, r := range text {
		h = h*base + uint64(r)
		if i >= familyGram {
			h -= uint64(text[i-familyGram]) * pow
		}
		if i >= familyGram-1 {
			grams = append(grams, h)
		}
	}
	seen := map[uint64]bool{}
	var out []uint64
	for start := 0; start+familyWinnow <= len(grams) || start == 0; start++ {
		end := min(start+familyWinnow, len(grams))
		best := grams[start]
		for _, g := range grams[start+1 : end] {
			best = min(best, g)
		}
		if !seen[best] {
			seen[best] = true
			out = append(out, best)
		}
		if end == len(grams) {
			break
		}
	}
	return out
}

// foldedLetters keeps the letters and digits of s, lower-cased, so that
// spacing, punctuation and markup do not hide a shared passage.
func foldedLetters(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			out = append(out, unicode.ToLower(r))
		}
	}
	return out
}
