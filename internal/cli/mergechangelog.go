package cli

import (
	"errors"
	"os"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
)

// NewCmdMergeChangeLog builds "vcsync merge-changelog", git's merge driver
// for ChangeLogs.
func NewCmdMergeChangeLog(g *GlobalOptions) *cobra.Command {
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
			clean, err := vcsync.MergeChangeLog(cmd.Context(), args[0], args[1], args[2], os.Getenv("GIT_REFLOG_ACTION"), g.runner())
			if err != nil {
				return err
			}
			if !clean {
				return errConflict
			}
			return nil
		},
	}
}

// errConflict is a ChangeLog merge that left conflict markers: exit 1, as
// git expects of a merge driver that did not merge cleanly.
var errConflict = errors.New("the ChangeLogs do not merge by the ChangeLog rule: conflict markers left in the file")
