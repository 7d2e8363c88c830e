package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
	"github.com/vcsync/vcsync/backends/all"
	"github.com/vcsync/vcsync/internal/hook"
)

// NewCmdHook builds "vcsync hook install|uninstall|run".
func NewCmdHook(g *GlobalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "hook",
		Short:   "Install or remove the git pre-push hook that checks and mirrors pushes",
		Example: `  vcsync hook install`,
		Args:    usageArgs(cobra.NoArgs),
		RunE:    needSubcommand,
	}
	var force bool
	install := &cobra.Command{
		Use:         "install",
		Annotations: noJSON,
		Short:       "Install the pre-push hook (a foreign hook is kept and chained)",
		Long: `Install vcsync's pre-push hook in the directory git uses for hooks
(core.hooksPath, linked worktrees included). An existing pre-push hook is
moved to pre-push.vcsync-chained and runs first, with the same arguments
and input; its refusal stops the push. Set VCSYNC=0 to disable the hook.`,
		Example: `  vcsync hook install
  git config vcsync.hookMirror true   # git push then reaches the other remotes too
  git config vcsync.hookCheck true    # and refuses commits without their ChangeLog entry`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if g.DryRun {
				fmt.Fprintln(g.IO.Out, "would install the pre-push hook (and chain a foreign one)")
				return nil
			}
			bin, err := hook.Executable()
			if err != nil {
				return fmt.Errorf("where is this vcsync, for the hook to run it: %w", err)
			}
			res, err := vcsync.HookInstall(cmd.Context(), g.Dir, bin, force)
			if err != nil {
				return err
			}
			if !g.Quiet {
				fmt.Fprintf(g.IO.ErrOut, "vcsync: installed %s, which runs %s\n", res.Path, bin)
				if res.Chained != "" {
					fmt.Fprintf(g.IO.ErrOut, "vcsync: the hook that was there runs first, as %s\n", res.Chained)
				}
			}
			return nil
		},
	}
	install.Flags().BoolVar(&force, "force", false, "chain the current pre-push hook even if an older chained one exists (it is dropped)")
	uninstall := &cobra.Command{
		Use:         "uninstall",
		Annotations: noJSON,
		Short:       "Remove vcsync's pre-push hook and restore the chained one",
		Example:     `  vcsync hook uninstall`,
		Args:        usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if g.DryRun {
				fmt.Fprintln(g.IO.Out, "would remove the pre-push hook and restore a chained one")
				return nil
			}
			res, err := vcsync.HookUninstall(cmd.Context(), g.Dir)
			if err == nil && !g.Quiet {
				fmt.Fprintf(g.IO.ErrOut, "vcsync: removed %s\n", res.Path)
				if res.Chained != "" {
					fmt.Fprintf(g.IO.ErrOut, "vcsync: restored the hook that was there before\n")
				}
			}
			return err
		},
	}
	runCmd := &cobra.Command{
		Use:         "run pre-push REMOTE URL",
		Annotations: noJSON,
		Short:       "What the installed hook runs (reads git's ref lines on stdin)",
		Example: `  echo "refs/heads/main $(git rev-parse HEAD) refs/heads/main $(git rev-parse origin/main)" |
    vcsync hook run pre-push origin "$(git remote get-url origin)"`,
		Args: usageArgs(cobra.ExactArgs(3)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] != "pre-push" {
				return &FlagError{Err: fmt.Errorf("unknown hook %q: vcsync has a pre-push hook only", args[0])}
			}
			in, err := io.ReadAll(g.IO.In)
			if err != nil {
				return err
			}
			rs, err := vcsync.HookRun(cmd.Context(), vcsync.HookOptions{Dir: g.Dir, Remote: args[1], URL: args[2], Input: in,
				Runner: g.runner(), Registry: all.Registry(), ErrOut: g.IO.ErrOut,
				OnDone: func(r vcsync.RemoteResult) {
					if !g.Quiet {
						// git shows a hook's stderr; its stdout too, but keep git's own output clean.
						fmt.Fprintln(g.IO.ErrOut, "vcsync mirror: "+remoteLine(r))
					}
				}})
			if err == nil && vcsync.AnyFailed(rs) && !g.Quiet {
				fmt.Fprintln(g.IO.ErrOut, "vcsync: a mirror failed; the push goes on (vcsync push retries it; vcsync.hookStrict refuses such pushes)")
			}
			return err
		},
	}
	cmd.AddCommand(install, uninstall, runCmd)
	return cmd
}
