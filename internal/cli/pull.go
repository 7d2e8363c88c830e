package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
	"github.com/vcsync/vcsync/backends/all"
	"github.com/vcsync/vcsync/backends/kit"
)

// NewCmdPull builds "vcsync pull"; runF replaces the run function in tests
// of flag parsing.
func NewCmdPull(g *GlobalOptions, runF func(*cobra.Command, *GlobalOptions) error) *cobra.Command {
	return &cobra.Command{
		Use:   "pull",
		Short: "Bring the primary remote's new commits into the branch",
		Long: `Bring the primary remote's new commits into the current branch. From
Subversion, each revision someone else made becomes one commit (its log,
author and date; the same commit id for everyone who pulls it); from git,
the remote branch is fetched. Your commits that no remote has yet are then
replayed on top, a ChangeLog's new entries above the pulled ones. A commit
that a remote has is never rewritten: vcsync stops and says why.`,
		Example: `  vcsync pull
  vcsync pull --dry-run`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd, g)
			}
			return pullRun(cmd, g)
		},
	}
}

// pullRun pulls, and says what it pulled and replayed.
func pullRun(cmd *cobra.Command, g *GlobalOptions) error {
	o := vcsync.PullOptions{Dir: g.Dir, DryRun: g.DryRun, Runner: g.runner(), Registry: all.Registry()}
	erase := func() {}
	if p := newProgress(g); p.w != nil && !g.DryRun {
		// One live line while the revisions come in, erased before
		// anything is printed.
		p.verb = "pulling..."
		p.start("pull")
		o.OnProgress = func(line string) { p.note("pull", line) }
		erase = func() { p.finish("pull", func() {}) }
	}
	res, err := vcsync.Pull(cmd.Context(), o)
	erase()
	if err != nil {
		return err
	}
	if g.JSON {
		return g.printJSON(pullJSON(res))
	}
	printPull(g, res)
	return nil
}

// printPull prints one line per commit pulled and replayed, then where the
// branch is.
func printPull(g *GlobalOptions, res *vcsync.PullResult) {
	if g.Quiet {
		return
	}
	would := ""
	if res.DryRun {
		would = "would "
	}
	for _, c := range res.Foreign {
		fmt.Fprintf(g.IO.Out, "%spull %s\n", would, join(c.Revision, kit.Short(c.ID), c.Subject))
	}
	for _, c := range res.Replayed {
		to := ""
		if c.New != "" {
			to = "-> " + kit.Short(c.New)
		}
		fmt.Fprintf(g.IO.Out, "%sreplay %s\n", would, join(kit.Short(c.Old), to, c.Subject))
	}
	switch {
	case res.DryRun:
	case res.To == res.From:
		fmt.Fprintf(g.IO.Out, "%s is up to date with %s\n", res.Branch, res.Remote)
	default:
		fmt.Fprintf(g.IO.Out, "%s: %s..%s\n", res.Branch, kit.Short(res.From), kit.Short(res.To))
	}
}

// join joins the words that are not empty.
func join(words ...string) string {
	s := ""
	for _, w := range words {
		if w != "" && s != "" {
			s += " "
		}
		s += w
	}
	return s
}

// pullJSON is pull --json's document.
func pullJSON(res *vcsync.PullResult) map[string]any {
	pulled := []map[string]string{}
	for _, c := range res.Foreign {
		pulled = append(pulled, map[string]string{"revision": c.Revision, "id": c.ID, "subject": c.Subject})
	}
	replayed := []map[string]string{}
	for _, c := range res.Replayed {
		replayed = append(replayed, map[string]string{"old": c.Old, "new": c.New, "subject": c.Subject})
	}
	return map[string]any{"remote": res.Remote, "backend": res.Backend, "branch": res.Branch, "from": res.From, "to": res.To,
		"pulled": pulled, "replayed": replayed, "dry_run": res.DryRun}
}

// InitCmdOptions are the parsed arguments of vcsync init.
type InitCmdOptions struct {
	*GlobalOptions
	Init     vcsync.InitOptions // Dir is the DIR argument, not -C's
	SinceArg string             // --since as given: a revision number
}

// Validate checks the flags and fills Init.Since: --from-svn is
// required, --since is a revision number. Its errors are usage errors.
func (o *InitCmdOptions) Validate() error {
	if o.Init.URL == "" {
		return &FlagError{Err: fmt.Errorf("init needs --from-svn URL")}
	}
	if o.SinceArg != "" {
		n, err := strconv.ParseInt(o.SinceArg, 10, 64)
		if err != nil || n < 1 {
			return &FlagError{Err: fmt.Errorf("--since %q: expected a revision number, 1 or more", o.SinceArg)}
		}
		o.Init.Since = n
	}
	return nil
}

// NewCmdInit builds "vcsync init --from-svn"; runF replaces the run
// function in tests of flag parsing.
func NewCmdInit(g *GlobalOptions, runF func(*cobra.Command, *InitCmdOptions) error) *cobra.Command {
	opts := &InitCmdOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "init --from-svn URL [DIR]",
		Short: "Make a git repository from a Subversion directory",
		Long: `Make a git repository from a Subversion directory (.../trunk): one commit per
revision (its log, author and date), the svn remote configured as primary
in .git/config (in a committed .vcsync, sent to svn at once, with --shared),
and vcsync's state set so that the next vcsync makes exactly one new svn
revision. --since REV starts from that revision's tree.`,
		Example: `  vcsync init --from-svn svn://svn.example.org/proj/trunk proj
  vcsync init --from-svn file:///srv/svn/proj/trunk --since 4000 --authors-file authors.txt`,
		Args: usageArgs(cobra.RangeArgs(0, 1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Validate(); err != nil {
				return err
			}
			if len(args) == 1 {
				opts.Init.Dir = args[0]
			}
			if runF != nil {
				return runF(cmd, opts)
			}
			return initRun(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Init.URL, "from-svn", "", "the Subversion directory to start from (`URL`)")
	cmd.Flags().StringVar(&opts.SinceArg, "since", "", "start from the tree of revision `REV`, not the whole history")
	cmd.Flags().BoolVar(&opts.Init.Shared, "shared", false, "configure the remote in .vcsync, committed and sent to svn")
	cmd.Flags().StringVar(&opts.Init.AuthorsFile, "authors-file", "", "map svn users to git identities (`FILE` of \"user = Name <email>\" lines)")
	cmd.Flags().StringVar(&opts.Init.Remote, "name", "svn", "the remote's `NAME`")
	return cmd
}

// initRun makes the repository and says what it holds.
func initRun(cmd *cobra.Command, opts *InitCmdOptions) error {
	g, opt := opts.GlobalOptions, opts.Init
	opt.Runner, opt.Registry = g.runner(), all.Registry()
	res, err := vcsync.InitFromSvn(cmd.Context(), opt)
	if err != nil {
		return err
	}
	if g.JSON {
		return g.printJSON(map[string]any{"dir": res.Dir, "branch": res.Branch, "commits": res.Commits,
			"head": res.Head, "revision": res.Revision, "shared": res.Shared != nil})
	}
	if !g.Quiet {
		fmt.Fprintf(g.IO.Out, "%s: %d commit(s), branch %s at %s (%s); remote %s is primary\n",
			res.Dir, res.Commits, res.Branch, kit.Short(res.Head), res.Revision, opt.Remote)
	}
	return nil
}
