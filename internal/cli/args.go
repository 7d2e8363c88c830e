package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// checkChangeLogs refuses, as a usage error (exit 2), a CHANGELOG argument
// that names no file: a typo must stop before anything runs, and say so in
// the words of a command-line mistake, not of a failed commit. Paths are
// relative to -C's directory, as the core reads them. For the main job,
// whose arguments share the command line with the commands' names, a name
// that is neither says which commands it resembles (vcsync mesage).
func checkChangeLogs(cmd *cobra.Command, g *GlobalOptions, args []string) error {
	for _, a := range args {
		p := a
		if g.Dir != "" && !filepath.IsAbs(p) {
			p = filepath.Join(g.Dir, p)
		}
		fi, err := os.Stat(p)
		switch {
		case err != nil && cmd.HasSubCommands():
			return &FlagError{Err: fmt.Errorf("unknown command or ChangeLog %q%s", a, suggest(cmd, a))}
		case err != nil:
			return &FlagError{Err: fmt.Errorf("%s: no such ChangeLog", a)}
		case fi.IsDir():
			return &FlagError{Err: fmt.Errorf("%s is a directory: name a ChangeLog file", a)}
		}
	}
	return nil
}

// suggest lists the subcommands of cmd whose names are close to typed
// (cobra's SuggestionsFor: a prefix, or within SuggestionsMinimumDistance
// edits), in cobra's words, for an error message; "" if none is.
func suggest(cmd *cobra.Command, typed string) string {
	if cmd.SuggestionsMinimumDistance <= 0 {
		// cobra's own default, which it sets only on its way to its
		// own message: SuggestionsFor alone would match prefixes only.
		cmd.SuggestionsMinimumDistance = 2
	}
	s := cmd.SuggestionsFor(typed)
	if len(s) == 0 {
		return ""
	}
	return "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t") + "\n"
}
