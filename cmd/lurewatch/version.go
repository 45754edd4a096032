package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

func cmdVersion(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "version", "", "Prints the version, the ad schema version and the Go version.")
	if err := parse(fs, args); err != nil {
		return err
	}
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				rev = " (" + s.Value + ")"
			}
		}
	}
	fmt.Fprintf(e.stdout, "lurewatch %s%s, ad schema %d, %s\n", version, rev, ad.SchemaVersion, runtime.Version())
	return nil
}
