package classifier

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
)

// Bounds on rule regexes. Go's engine is linear in the text, so no regex
// can backtrack catastrophically here; the bounds keep each one small
// and refuse the shapes that are catastrophic elsewhere, so the pack stays
// portable and its cost predictable.
const (
	maxRegexBytes   = 1000
	maxRegexInsts   = 5000
	maxRegexRepeat  = 100
	maxRegexMatches = 16 // spans kept per field
)

// errNestedRepeat is returned for (a+)+ and its kin.
var errNestedRepeat = errors.New("nested unbounded repetition such as (a+)+ is refused: it is the shape of catastrophic backtracking; repeat the inner part once")

func compileBoundedRegex(s string) (*regexp.Regexp, error) {
	if len(s) > maxRegexBytes {
		return nil, fmt.Errorf("is %d bytes, the limit is %d", len(s), maxRegexBytes)
	}
	tree, err := syntax.Parse(s, syntax.Perl)
	if err != nil {
		return nil, err
	}
	if err := checkRepeats(tree, false); err != nil {
		return nil, err
	}
	prog, err := syntax.Compile(tree.Simplify())
	if err != nil {
		return nil, err
	}
	if len(prog.Inst) > maxRegexInsts {
		return nil, fmt.Errorf("compiles to %d instructions, the limit is %d; split it or use keywords", len(prog.Inst), maxRegexInsts)
	}
	return regexp.Compile(s)
}

func checkRepeats(re *syntax.Regexp, inUnbounded bool) error {
	unbounded := false
	switch re.Op {
	case syntax.OpStar, syntax.OpPlus:
		unbounded = true
	case syntax.OpRepeat:
		if re.Max > maxRegexRepeat || re.Min > maxRegexRepeat {
			return fmt.Errorf("repeat {%d,%d} exceeds %d", re.Min, re.Max, maxRegexRepeat)
		}
		unbounded = re.Max == -1
	}
	if unbounded && inUnbounded {
		return errNestedRepeat
	}
	for _, sub := range re.Sub {
		if err := checkRepeats(sub, inUnbounded || unbounded); err != nil {
			return err
		}
	}
	return nil
}

// needsDigit reports whether every match of regex s has an ASCII digit
// in it: then text without one need not be searched. It errs on the side
// of false.
func needsDigit(s string) bool {
	tree, err := syntax.Parse(s, syntax.Perl)
	if err != nil {
		return false
	}
	return matchesNeedDigit(tree)
}

func matchesNeedDigit(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r >= '0' && r <= '9' {
				return true
			}
		}
	case syntax.OpCharClass:
		// pairs of bounds; all within the digits
		if len(re.Rune) == 0 {
			return false
		}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] < '0' || re.Rune[i+1] > '9' {
				return false
			}
		}
		return true
	case syntax.OpCapture, syntax.OpPlus:
		return matchesNeedDigit(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min >= 1 && matchesNeedDigit(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if matchesNeedDigit(sub) {
				return true
			}
		}
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !matchesNeedDigit(sub) {
				return false
			}
		}
		return len(re.Sub) > 0
	}
	return false
}
