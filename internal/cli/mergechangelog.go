package cli

import (
	"errors"
	"os"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
)

// MergeChangeLogOptions are the parsed arguments of vcsync
// merge-changelog: the three files git names.
type MergeChangeLogOptions struct {
	*GlobalOptions
	Base, Current, Other string
}

// NewCmdMergeChangeLog builds "vcsync merge-changelog", git's merge driver
// for ChangeLogs; runF replaces the run function in tests of argument
// parsing.
func NewCmdMergeChangeLog(g *GlobalOptions, runF func(*cobra.Command, *MergeChangeLogOptions) error) *cobra.Command {
	return &cobra.Command{
		Use:   "merge-changelog BASE CURRENT OTHER",
		Short: "Merge two versions of a ChangeLog (a git merge driver)",
		Long: `A git merge driver for ChangeLogs, by gnulib's git-merge-changelog rule: the
entries your side adds at the top go first, then those the other side
adds, both intact. It writes the result into CURRENT and exits 0, or
leaves a line merge with conflict markers there and exits 1. Set it up
with:

  git config merge.changelog.name 'GNU ChangeLog merge driver'
  git config merge.changelog.driver 'vcsync merge-changelog %O %A %B'
  echo 'ChangeLog merge=changelog' >> .gitattributes`,
		Args: usageArgs(cobra.ExactArgs(3)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &MergeChangeLogOptions{GlobalOptions: g, Base: args[0], Current: args[1], Other: args[2]}
			if runF != nil {
				return runF(cmd, opts)
			}
			return mergeChangeLogRun(cmd, opts)
		},
	}
}

// mergeChangeLogRun merges, exit 1 (errConflict) for a conflict.
func mergeChangeLogRun(cmd *cobra.Command, opts *MergeChangeLogOptions) error {
	clean, err := vcsync.MergeChangeLog(cmd.Context(), opts.Base, opts.Current, opts.Other, os.Getenv("GIT_REFLOG_ACTION"), opts.runner())
	if err != nil {
		return err
	}
	if !clean {
		return errConflict
	}
	return nil
}

// errConflict is a ChangeLog merge that left conflict markers: exit 1, as
// git expects of a merge driver that did not merge cleanly.
var errConflict = errors.New("the ChangeLogs do not merge by the ChangeLog rule: conflict markers left in the file")
