package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/lurewatch/lurewatch/classifier"
)

const rulesHelp = `
Works on the rule pack (classifier.rules, configs/rules/*.yaml):

  check   validate every rule file (each error names file, line and reason),
          run every rule's examples, and print warnings: what loads but
          is likely a slip, such as a keyword written twice in a list
  test    classify labelled corpora (JSON lines with "label": "scam" or
          "legit") and print, per corpus and per language, precision,
          recall, F1, the confusion matrix, and each rule's hits per label
  fit     learn rule weights from labelled corpora by logistic regression
          over the rules' hits; print cross-validated F1 before and after,
          and write the proposed weights as YAML for a person to review.
          It never adds or removes rules.

Examples:
  lurewatch rules check
  lurewatch rules test --corpus ../shared/eval/lures.jsonl --corpus ../shared/eval/emscad.jsonl
  lurewatch rules fit --corpus a.jsonl --corpus b.jsonl --output proposed-weights.yaml`

type corpusFlags []string

func (c *corpusFlags) String() string     { return strings.Join(*c, ",") }
func (c *corpusFlags) Set(s string) error { *c = append(*c, s); return nil }

func cmdRules(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintf(e.stderr, "Usage: lurewatch rules check|test|fit [flags]\n%s\n", rulesHelp)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet(e, "rules "+sub, "[flags]", rulesHelp)
	var cf configFlags
	cf.register(fs)
	var corpora corpusFlags
	rulesDir := fs.String("rules", "", "rules `directory` (default classifier.rules)")
	var showErrors *int
	var output *string
	switch sub {
	case "check":
	case "test":
		fs.Var(&corpora, "corpus", "labelled JSON-lines `file` (repeatable)")
		showErrors = fs.Int("errors", 0, "list up to `n` misjudged ads per corpus")
	case "fit":
		fs.Var(&corpora, "corpus", "labelled JSON-lines `file` (repeatable)")
		output = fs.String("output", "", "write the proposed weights to `file` (default standard output)")
	default:
		fmt.Fprintf(e.stderr, "lurewatch rules: unknown subcommand %q (want check, test or fit)\n", sub)
		return errUsage
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if sub != "check" && len(corpora) == 0 {
		fmt.Fprintln(e.stderr, "lurewatch rules "+sub+": give at least one --corpus")
		return errUsage
	}
	a, err := newApp(e, &cf)
	if err != nil {
		return err
	}
	cfg := a.cfg.Classifier
	if *rulesDir != "" {
		cfg.Rules = *rulesDir
	}
	cls, err := classifier.New(cfg, nil, nil)
	if err != nil {
		return err
	}
	switch sub {
	case "check":
		return rulesCheck(e.stdout, cls)
	case "test":
		return rulesTest(e.stdout, cls, corpora, *showErrors)
	default:
		return rulesFit(e, cls, corpora, *output)
	}
}

func rulesCheck(w io.Writer, cls *classifier.Classifier) error {
	rules := cls.Rules()
	fails := cls.CheckExamples()
	for _, f := range fails {
		fmt.Fprintln(w, f)
	}
	files := map[string]bool{}
	for _, r := range rules {
		files[r.File] = true
	}
	warnings := cls.Warnings()
	for _, warning := range warnings {
		fmt.Fprintln(w, "warning:", warning)
	}
	fmt.Fprintf(w, "%d rules in %d files, pack %s: %d example(s) failing, %d warning(s)\n", len(rules), len(files), cls.Pack(), len(fails), len(warnings))
	if len(fails) > 0 {
		return fmt.Errorf("%d rule example(s) failing", len(fails))
	}
	return nil
}

func pct(f float64) string {
	if math.IsNaN(f) {
		return "    -"
	}
	return fmt.Sprintf("%5.3f", f)
}

func rulesTest(w io.Writer, cls *classifier.Classifier, corpora []string, showErrors int) error {
	fmt.Fprintf(w, "rule pack %s (%d rules)\n", cls.Pack(), len(cls.Rules()))
	for _, path := range corpora {
		ads, err := classifier.ReadCorpus(path)
		if err != nil {
			return err
		}
		r := cls.Evaluate(filepath.Base(path), ads)
		fmt.Fprintf(w, "\n== %s (%d ads)\n", r.Name, len(ads))
		fmt.Fprintf(w, "%-8s %5s %5s %5s %5s  %-5s %-5s %-5s %-5s\n", "lang", "TP", "FP", "FN", "TN", "prec", "rec", "F1", "FPR")
		row := func(name string, c classifier.Confusion) {
			fmt.Fprintf(w, "%-8s %5d %5d %5d %5d  %s %s %s %s\n", name, c.TP, c.FP, c.FN, c.TN, pct(c.Precision()), pct(c.Recall()), pct(c.F1()), pct(c.FPRate()))
		}
		row("all", r.All)
		langs := make([]string, 0, len(r.ByLang))
		for l := range r.ByLang {
			langs = append(langs, l)
		}
		sort.Strings(langs)
		if len(langs) > 1 {
			for _, l := range langs {
				row(l, *r.ByLang[l])
			}
		}
		fmt.Fprintf(w, "confusion: flagged scam %d, flagged legit %d, missed scam %d, passed legit %d\n", r.All.TP, r.All.FP, r.All.FN, r.All.TN)
		fmt.Fprintf(w, "rule hits (scam / legit):\n")
		for _, id := range r.SortedRuleHits() {
			h := r.RuleHits[id]
			if h[0]+h[1] == 0 {
				continue
			}
			fmt.Fprintf(w, "  %-40s %4d / %-4d\n", id, h[0], h[1])
		}
		for i, m := range r.Misjudged {
			if i >= showErrors {
				break
			}
			fmt.Fprintf(w, "  misjudged %s [%s %s] score %g %q: %s\n", m.ID, m.Label, m.Lang, m.Score, truncate(m.Title, 70), strings.Join(m.Rules, " "))
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func rulesFit(e *env, cls *classifier.Classifier, corpora []string, output string) error {
	var all []classifier.LabelledAd
	for _, path := range corpora {
		ads, err := classifier.ReadCorpus(path)
		if err != nil {
			return err
		}
		all = append(all, ads...)
	}
	if len(all) < 10 {
		return errors.New("fit needs at least 10 labelled ads")
	}
	res := cls.Fit(all, classifier.FitOptions{Seed: 1})
	fmt.Fprintf(e.stderr, "%d ads in %d families of near-duplicates, %d-fold cross-validation (a family stays in one fold)\n", res.Ads, res.Families, res.Folds)
	fmt.Fprintf(e.stderr, "F1 before %s (precision %s, recall %s)\n", pct(res.Before.F1()), pct(res.Before.Precision()), pct(res.Before.Recall()))
	fmt.Fprintf(e.stderr, "F1 after  %s (precision %s, recall %s)\n", pct(res.After.F1()), pct(res.After.Precision()), pct(res.After.Recall()))
	var b strings.Builder
	fmt.Fprintf(&b, "# Proposed rule weights from `lurewatch rules fit` over %s.\n", strings.Join(corpora, ", "))
	fmt.Fprintf(&b, "# Cross-validated F1 (%d folds, %d ads in %d families): before %.3f, after %.3f.\n", res.Folds, res.Ads, res.Families, res.Before.F1(), res.After.F1())
	b.WriteString("# Review each change, then edit the weight in the rule's file; nothing is applied by itself.\n")
	b.WriteString("weights:\n")
	changed := 0
	for _, r := range cls.Rules() {
		p := res.Proposed[r.ID]
		mark := ""
		if p != r.Weight {
			mark = "  # changed"
			changed++
		}
		fmt.Fprintf(&b, "  %s: {current: %g, proposed: %g, file: %q, line: %d}%s\n", r.ID, r.Weight, p, r.File, r.Line, mark)
	}
	fmt.Fprintf(e.stderr, "%d of %d weights would change\n", changed, len(cls.Rules()))
	if output == "" {
		_, err := io.WriteString(e.stdout, b.String())
		return err
	}
	return os.WriteFile(output, []byte(b.String()), 0o644)
}
