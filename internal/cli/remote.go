package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
	"github.com/vcsync/vcsync/backends/all"
)

// NewCmdRemote builds "vcsync remote add|list|remove".
func NewCmdRemote(g *GlobalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "remote",
		Short: "Add, list or remove the remotes vcsync pushes to",
		Example: `  vcsync remote add github git@github.com:me/proj.git
  vcsync remote list`,
		Args: usageArgs(cobra.NoArgs),
		RunE: needSubcommand,
	}
	var spec vcsync.RemoteSpec
	add := &cobra.Command{
		Use:         "add NAME [URL]",
		Annotations: noJSON,
		Short:       "Add a remote (to .git/config, or .vcsync with --shared)",
		Example: `  vcsync remote add github git@github.com:me/proj.git --branch main
  vcsync remote add svn svn+ssh://svn.example.org/repos/proj/trunk --backend svn --shared
  vcsync remote add svn --backend git-svn        # the clone's own Subversion URL
  vcsync remote add deploy --backend command --command 'scripts/deploy --prod'`,
		Args: usageArgs(cobra.RangeArgs(1, 2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec.Name = args[0]
			if len(args) == 2 {
				spec.URL = args[1]
			}
			if g.DryRun {
				fmt.Fprintf(g.IO.Out, "would add remote %s (%s) to %s\n", spec.Name, spec.Backend, map[bool]string{false: ".git/config", true: ".vcsync"}[spec.Shared])
				return nil
			}
			added, err := vcsync.RemoteAdd(cmd.Context(), g.Dir, spec, all.Registry())
			if err == nil && !g.Quiet {
				fmt.Fprintf(g.IO.ErrOut, "vcsync: added remote %s to %s\n", spec.Name, added.File)
			}
			if len(added.Dropped) > 0 {
				g.warn("vcsync now pushes to its own remotes only, no longer to the git remotes %s: add those you want with vcsync remote add NAME URL",
					strings.Join(added.Dropped, ", "))
			}
			return err
		},
	}
	add.Flags().StringVar(&spec.Backend, "backend", "git", "the backend: "+fmt.Sprint(all.Registry().Kinds()))
	add.Flags().StringVar(&spec.Branch, "branch", "", "the remote branch (default: the local branch's name)")
	add.Flags().StringVar(&spec.Command, "command", "", "the `PROGRAM [ARGS...]` of a command remote")
	add.Flags().BoolVar(&spec.Shared, "shared", false, "write .vcsync, the configuration committed for the team")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the remotes, with credentials redacted",
		Example: `  vcsync remote list
  vcsync remote list --json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return listRun(cmd, g)
		},
	}
	remove := &cobra.Command{
		Use:         "remove NAME",
		Annotations: noJSON,
		Short:       "Remove a remote (from .git/config and .vcsync, wherever it is)",
		Example:     `  vcsync remote remove github`,
		Args:        usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if g.DryRun {
				fmt.Fprintf(g.IO.Out, "would remove remote %s\n", args[0])
				return nil
			}
			files, primaryIn, err := vcsync.RemoteRemove(cmd.Context(), g.Dir, args[0])
			if err == nil && !g.Quiet {
				fmt.Fprintf(g.IO.ErrOut, "vcsync: removed remote %s from %s\n", args[0], strings.Join(files, " and "))
			}
			if len(primaryIn) > 0 {
				g.warn("%s was the primary remote: primary removed from %s too; name another with git config vcsync.primary NAME",
					args[0], strings.Join(primaryIn, " and "))
			}
			return err
		},
	}
	cmd.AddCommand(add, list, remove)
	return cmd
}

type listJSON struct {
	Name    string `json:"name"`
	Backend string `json:"backend"`
	URL     string `json:"url"`
	Branch  string `json:"branch,omitempty"`
}

// listRun prints the configured remotes; it contacts none.
func listRun(cmd *cobra.Command, g *GlobalOptions) error {
	rs, err := vcsync.RemoteList(cmd.Context(), g.Dir)
	if err != nil {
		return err
	}
	if g.JSON {
		out := make([]listJSON, 0, len(rs))
		for _, r := range rs {
			out = append(out, listJSON{Name: r.Name, Backend: r.Backend, URL: r.URL, Branch: r.Branch})
		}
		return g.printJSON(map[string]any{"remotes": out})
	}
	for _, r := range rs {
		line := fmt.Sprintf("%-12s %-8s %s", r.Name, r.Backend, r.URL)
		if r.Branch != "" {
			line += "  (branch " + r.Branch + ")"
		}
		fmt.Fprintln(g.IO.Out, line)
	}
	return nil
}
