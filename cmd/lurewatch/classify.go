package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/lurewatch/lurewatch/classifier"
	"github.com/lurewatch/lurewatch/pkg/ad"
)

const classifyHelp = `
Without --input: consumes raw ads from Kafka, judges each with the rules in
classifier.rules (configs/rules/*.yaml), and publishes the ads at or above
classifier.flag_level, with their verdicts, to the flagged-ads topic. Run
more copies to share the work: they form one consumer group. SIGHUP, or a
change to a rule file, reloads the rules; a file with an error is refused
and the rules in force stay.

With --input FILE: classifies a JSON-lines file of ads instead and writes
one verdict a line to --output (default standard output):

  {"id","flagged","score","level","category","hits":[...],"extracted":{...}}

Each line is an ad: id, title, body, location, salary, company, contacts,
lang and a meta object. Its other top-level fields that are text, numbers
or true/false ("has_company_logo": false in a board's export) are kept in
meta for the rules' meta conditions, except those that describe a
labelled example for people (label, platform, source, url, notes, ...).
A line that cannot be read is reported with its number and skipped, and
the command then fails after the rest are classified.`

func cmdClassify(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "classify", "[--input ads.jsonl [--output verdicts.jsonl]] [flags]", classifyHelp)
	var cf configFlags
	cf.register(fs)
	input := fs.String("input", "", "classify this JSON-lines `file` instead of consuming Kafka (- for standard input)")
	output := fs.String("output", "", "with --input, write verdicts to this `file` (default standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := newApp(e, &cf)
	if err != nil {
		return err
	}
	cls, err := classifier.New(a.cfg.Classifier, a.log, a.reg)
	if err != nil {
		return err
	}
	if *input != "" {
		return classifyFile(e, cls, *input, *output)
	}
	if *output != "" {
		return fmt.Errorf("--output needs --input")
	}
	go reloadOnHangup(ctx, e, cls)
	go func() { _ = cls.Watch(ctx) }()
	client, closeBus, err := a.connect(ctx, false)
	if err != nil {
		return err
	}
	defer closeBus()
	stopHTTP, err := a.serveHTTP(ctx, nil)
	if err != nil {
		return err
	}
	defer stopHTTP()
	return runClassifier(ctx, a, client, cls)
}

// reloadOnHangup reloads the rules on each SIGHUP main passes on.
func reloadOnHangup(ctx context.Context, e *env, cls *classifier.Classifier) {
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-e.hangup:
			if !ok {
				return
			}
			_ = cls.Reload() // a refused reload is logged and counted
		}
	}
}

type fileVerdict struct {
	ID        string       `json:"id"`
	Flagged   bool         `json:"flagged"`
	Score     float64      `json:"score"`
	Level     ad.Level     `json:"level"`
	Category  string       `json:"category"`
	Hits      []ad.Hit     `json:"hits"`
	Extracted ad.Extracted `json:"extracted"`
}

func classifyFile(e *env, cls *classifier.Classifier, input, output string) error {
	var in io.Reader = e.stdin
	if input != "-" {
		f, err := os.Open(input)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	out := e.stdout
	var file *os.File
	if output != "" && output != "-" {
		f, err := os.Create(output)
		if err != nil {
			return err
		}
		file = f
		out = f
	}
	bw := bufio.NewWriter(out)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	bad, n := 0, 0
	err := classifier.ReadJSONLines(in, func(line int, data []byte) error {
		r, _, err := classifier.DecodeAdLine(data)
		if err != nil {
			bad++
			fmt.Fprintf(e.stderr, "%s:%d: not an ad: %v\n", input, line, err)
			return nil
		}
		if r.ID == "" {
			r.ID = fmt.Sprintf("line-%d", line)
		}
		v := cls.Classify(&r)
		n++
		if v.Hits == nil {
			v.Hits = []ad.Hit{} // "hits": [] rather than null
		}
		return enc.Encode(fileVerdict{ID: r.ID, Flagged: v.Flagged, Score: v.Score, Level: v.Level, Category: v.Category, Hits: v.Hits, Extracted: v.Extracted})
	})
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", input, err)
	}
	if bad > 0 {
		return errors.New(fmt.Sprintf("%d line(s) of %s could not be read (listed above); %d classified", bad, input, n))
	}
	return nil
}
