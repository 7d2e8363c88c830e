package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
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
	cmd.AddCommand(NewCmdHookInstall(g, nil), NewCmdHookUninstall(g, nil), newCmdHookRun(g))
	return cmd
}

// HookInstallOptions are the parsed arguments of vcsync hook install.
type HookInstallOptions struct {
	*GlobalOptions
	Force bool
}

// NewCmdHookInstall builds "vcsync hook install"; runF replaces the run
// function in tests of flag parsing.
func NewCmdHookInstall(g *GlobalOptions, runF func(*cobra.Command, *HookInstallOptions) error) *cobra.Command {
	opts := &HookInstallOptions{GlobalOptions: g}
	cmd := &cobra.Command{
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
			if runF != nil {
				return runF(cmd, opts)
			}
			return hookInstallRun(cmd, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "chain the current pre-push hook even if an older chained one exists (it is dropped)")
	return cmd
}

// hookInstallRun installs the hook, recording this vcsync's path in it.
func hookInstallRun(cmd *cobra.Command, opts *HookInstallOptions) error {
	g := opts.GlobalOptions
	if g.DryRun {
		fmt.Fprintln(g.IO.Out, "would install the pre-push hook (and chain a foreign one)")
		return nil
	}
	bin, err := hook.Executable()
	if err != nil {
		return fmt.Errorf("where is this vcsync, for the hook to run it: %w", err)
	}
	res, err := vcsync.HookInstall(cmd.Context(), g.Dir, bin, opts.Force)
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
}

// NewCmdHookUninstall builds "vcsync hook uninstall"; runF replaces the
// run function in tests of flag parsing.
func NewCmdHookUninstall(g *GlobalOptions, runF func(*cobra.Command, *GlobalOptions) error) *cobra.Command {
	return &cobra.Command{
		Use:         "uninstall",
		Annotations: noJSON,
		Short:       "Remove vcsync's pre-push hook and restore the chained one",
		Example:     `  vcsync hook uninstall`,
		Args:        usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd, g)
			}
			return hookUninstallRun(cmd, g)
		},
	}
}

// hookUninstallRun removes the hook and restores the one it chained.
func hookUninstallRun(cmd *cobra.Command, g *GlobalOptions) error {
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
}
