package cli

import (
	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
)

// DiffOptions are the parsed arguments of vcsync diff.
type DiffOptions struct {
	*GlobalOptions
	ChangeLogs []string
	All, Add   bool
}

// NewCmdDiff builds "vcsync diff"; runF replaces the run function in tests
// of flag parsing.
func NewCmdDiff(g *GlobalOptions, runF func(*cobra.Command, *DiffOptions) error) *cobra.Command {
	opts := &DiffOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:         "diff [CHANGELOG...]",
		Annotations: noJSON,
		Short:       "Print the diff of exactly the files the new entry names",
		Long: `Print the diff against HEAD of what vcsync commit would commit: the
ChangeLog(s) and the files their new entries name, after the same checks.`,
		Example: `  vcsync diff
  vcsync diff | less`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkChangeLogs(cmd, g, args); err != nil {
				return err
			}
			opts.ChangeLogs = args
			if runF != nil {
				return runF(cmd, opts)
			}
			return diffRun(cmd, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "also show modified tracked files that the entry does not name")
	cmd.Flags().BoolVar(&opts.Add, "add", false, "accept named files that git does not track yet")
	return cmd
}

// diffRun prints the diff of what vcsync commit would commit.
func diffRun(cmd *cobra.Command, opts *DiffOptions) error {
	out, err := vcsync.Diff(cmd.Context(), vcsync.CommitOptions{
		MessageOptions: vcsync.MessageOptions{Dir: opts.Dir, ChangeLogs: opts.ChangeLogs},
		All:            opts.All, Add: opts.Add, Runner: opts.runner(),
	})
	if err != nil {
		return err
	}
	_, err = opts.IO.Out.Write(out)
	return err
}
