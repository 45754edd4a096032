// Command lurewatch finds job ads that lure people into trafficking and job
// fraud: it crawls sources into Kafka, classifies the ads with transparent
// rules, indexes the flagged ones for analysts and alerts the offices that
// protect migrant workers.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Only main handles signals: SIGINT or SIGTERM cancels the context, and
	// every stage drains (stop intake, flush, commit, close) before exit.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// SIGHUP asks the stages to reload their rules; they read it from env.
	hangup := make(chan os.Signal, 1)
	signal.Notify(hangup, syscall.SIGHUP)
	code := realMain(ctx, os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, environ: os.Environ(), hangup: hangup})
	signal.Stop(hangup)
	stop()
	os.Exit(code)
}

// env is the outside world a command sees, so that commands run in tests.
type env struct {
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	environ []string
	// hangup delivers SIGHUP (reload rules); nil in tests that do not send it.
	hangup <-chan os.Signal
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"run", "run every stage in one process (embedded broker when no Kafka is configured)", cmdRun},
		{"crawl", "crawl the configured sources into the raw-ads topic", cmdCrawl},
		{"sources", "check source files and dry-run their selectors (sources check)", cmdSources},
		{"classify", "classify raw ads from Kafka (or a JSON-lines file) and publish the flagged ones", cmdClassify},
		{"rules", "check the rule files, test them on labelled corpora, fit their weights", cmdRules},
		{"index", "index flagged ads and serve the search API", cmdIndex},
		{"search", "search the flagged ads", cmdSearch},
		{"alert", "alert offices of flagged ads; test routes; manage silences", cmdAlert},
		{"broker", "run the embedded Kafka-protocol broker alone", cmdBroker},
		{"version", "print the version", cmdVersion},
	}
}

// errUsage marks a mistake in the command line; its message has been
// printed with the usage.
var errUsage = errors.New("usage")

func realMain(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		default:
			fmt.Fprintf(e.stderr, "lurewatch %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(e.stderr, "lurewatch: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `lurewatch finds job ads that lure people into trafficking and job fraud.

Usage:
  lurewatch <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Start here:
  lurewatch run --demo        crawl a built-in demo board, classify and index it
  lurewatch search sihanoukville

Run "lurewatch <command> --help" for a command's flags.
`)
}
