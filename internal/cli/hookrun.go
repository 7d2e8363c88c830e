package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
	"github.com/vcsync/vcsync/backends/all"
	"github.com/vcsync/vcsync/internal/hook"
)

// newCmdHookRun builds "vcsync hook run pre-push [REMOTE URL]": what
// vcsync's own hook runs, and what a hook manager runs (pre-commit,
// lefthook) with --check and --mirror.
func newCmdHookRun(g *GlobalOptions) *cobra.Command {
	var check, mirror bool
	cmd := &cobra.Command{
		Use:         "run pre-push [REMOTE URL]",
		Annotations: noJSON,
		Short:       "What the installed hook runs (reads git's ref lines on stdin)",
		Long: `What the installed pre-push hook runs: git gives it the remote's name and
URL, and its ref lines on stdin. What it does is set by vcsync.hookCheck
and vcsync.hookMirror, and the hook it replaced runs first.

For a hook manager: --check and --mirror choose the steps, whatever the
configuration says, and no chained hook runs (the hooks directory is the
manager's). Without REMOTE and URL, they and the ref line come from
pre-commit's PRE_COMMIT_REMOTE_NAME, PRE_COMMIT_REMOTE_URL,
PRE_COMMIT_LOCAL_BRANCH, PRE_COMMIT_TO_REF, PRE_COMMIT_REMOTE_BRANCH and
PRE_COMMIT_FROM_REF (pre-commit reads git's stdin itself).`,
		Example: `  echo "refs/heads/main $(git rev-parse HEAD) refs/heads/main $(git rev-parse origin/main)" |
    vcsync hook run pre-push origin "$(git remote get-url origin)"
  vcsync hook run pre-push --check       # from pre-commit's .pre-commit-hooks.yaml`,
		Args: usageArgs(cobra.RangeArgs(1, 3)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt, err := hookRunOptions(g, args, check, mirror)
			if err != nil {
				return err
			}
			rs, err := vcsync.HookRun(cmd.Context(), opt)
			if err == nil && vcsync.AnyFailed(rs) && !g.Quiet {
				fmt.Fprintln(g.IO.ErrOut, "vcsync: a mirror failed; the push goes on (vcsync push retries it; vcsync.hookStrict refuses such pushes)")
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "check the outgoing commits' messages, whatever vcsync.hookCheck says; no chained hook")
	cmd.Flags().BoolVar(&mirror, "mirror", false, "push the same refs to the other remotes, whatever vcsync.hookMirror says; no chained hook")
	return cmd
}

// hookRunOptions reads the hook's arguments and input: REMOTE, URL and
// git's ref lines on stdin, or what pre-commit puts in the environment.
func hookRunOptions(g *GlobalOptions, args []string, check, mirror bool) (vcsync.HookOptions, error) {
	opt := vcsync.HookOptions{Dir: g.Dir, Runner: g.runner(), Registry: all.Registry(), ErrOut: g.IO.ErrOut,
		OnDone: func(r vcsync.RemoteResult) {
			if !g.Quiet || vcsync.AnyFailed([]vcsync.RemoteResult{r}) {
				// git shows a hook's stderr; its stdout too, but keep git's own output clean.
				// A failure even with -q: the guard's refusal refers to it.
				fmt.Fprintln(g.IO.ErrOut, "vcsync mirror: "+remoteLine(r))
			}
		}}
	if args[0] != "pre-push" {
		return opt, &FlagError{Err: fmt.Errorf("unknown hook %q: vcsync has a pre-push hook only", args[0])}
	}
	if check || mirror {
		opt.Managed, opt.Steps = true, &vcsync.HookSteps{Check: check, Mirror: mirror}
	}
	switch len(args) {
	case 3:
		opt.Remote, opt.URL = args[1], args[2]
		if f, ok := g.IO.In.(*os.File); ok && opt.Managed && isCharDevice(f) {
			// lefthook without use_stdin gives a terminal that never
			// ends: reading it would hang the push.
			g.warn("no ref lines on stdin (a terminal?): nothing to %s; with lefthook, set use_stdin: true", steps(check, mirror))
			return opt, nil
		}
		in, err := io.ReadAll(g.IO.In)
		opt.Input = in
		return opt, err
	case 1:
		var ok bool
		if opt.Remote, opt.URL, opt.Input, ok = hook.FromPreCommit(os.Getenv); !ok {
			return opt, &FlagError{Err: fmt.Errorf("vcsync hook run pre-push needs REMOTE and URL (git gives them to a pre-push hook), or pre-commit's PRE_COMMIT_REMOTE_NAME, PRE_COMMIT_REMOTE_URL, PRE_COMMIT_LOCAL_BRANCH and PRE_COMMIT_REMOTE_BRANCH")}
		}
		opt.Managed = true
		return opt, nil
	}
	return opt, &FlagError{Err: fmt.Errorf("vcsync hook run pre-push takes REMOTE and URL, or neither (from pre-commit)")}
}

// isCharDevice reports whether f is a terminal or another character device
// (/dev/null), which carries no ref lines.
func isCharDevice(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// steps names what --check and --mirror ask for, for a message.
func steps(check, mirror bool) string {
	switch {
	case check && mirror:
		return "check or mirror"
	case check:
		return "check"
	}
	return "mirror"
}
