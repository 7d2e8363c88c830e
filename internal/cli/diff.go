package cli

import (
	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
)

// NewCmdDiff builds "vcsync diff".
func NewCmdDiff(g *GlobalOptions) *cobra.Command {
	var all, add bool
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
			runner := g.runner()
			out, err := vcsync.Diff(cmd.Context(), vcsync.CommitOptions{
				MessageOptions: vcsync.MessageOptions{Dir: g.Dir, ChangeLogs: args},
				All:            all, Add: add, Runner: runner,
			})
			if err != nil {
				return err
			}
			_, err = g.IO.Out.Write(out)
			return err
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "also show modified tracked files that the entry does not name")
	cmd.Flags().BoolVar(&add, "add", false, "accept named files that git does not track yet")
	return cmd
}
