package main

import (
	"context"

	"github.com/lurewatch/lurewatch/classifier"
)

const classifyHelp = `
Consumes raw ads from Kafka, judges each with the rules in classifier.rules
(configs/rules/*.yaml), and publishes the ads at or above
classifier.flag_level, with their verdicts, to the flagged-ads topic. Run more
copies to share the work: they form one consumer group.`

func cmdClassify(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "classify", "[flags]", classifyHelp)
	var cf configFlags
	cf.register(fs)
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
