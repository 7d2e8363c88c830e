package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
)

// syncRun is the main job, "vcsync [CHANGELOG...]": check every remote's
// setup, commit the new entry if there is one, push everywhere.
func syncRun(cmd *cobra.Command, g *GlobalOptions, c *CommitOptions, f *PushFlags, args []string) error {
	f.given(cmd)
	if err := f.Validate(); err != nil {
		return err
	}
	if err := checkChangeLogs(cmd, g, args); err != nil {
		return err
	}
	c.ChangeLogs = args
	popt := f.options(g, nil)
	copt := c.coreOptions()
	copt.Notify = func(s string) { g.warn("%s", s) }
	copt.OnDone = func(res *vcsync.CommitResult) {
		// Before the pushes start: their lines follow the commit's.
		for _, w := range res.Warnings {
			g.warn("%s", w)
		}
		if !g.JSON {
			printCommit(g, res)
		}
	}
	res, err := vcsync.Sync(cmd.Context(), copt, popt)
	if err != nil && res == nil {
		return err
	}
	if err != nil && res.Commit != nil && cmd.Context().Err() == nil {
		// The commit is made: exit 1 would say nothing changed.
		fmt.Fprintf(g.IO.ErrOut, "vcsync: the commit is made, but the push stopped: %v\n", err)
		err = partialError{}
	}
	if g.JSON {
		var commit any
		if res.Commit != nil {
			commit = commitToJSON(res.Commit, g.DryRun)
		}
		if jerr := g.printJSON(map[string]any{"commit": commit, "remotes": remotesJSON(res.Remotes)}); jerr != nil {
			return jerr
		}
	} else {
		summary(g, res.Remotes)
	}
	if err != nil {
		return err
	}
	return partialIf(res.Remotes)
}
