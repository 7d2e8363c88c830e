package cli

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// GlobalOptions are the flags every command takes (DESIGN.md, "Common
// flags").
type GlobalOptions struct {
	IO      IO
	DryRun  bool
	JSON    bool
	Verbose bool
	Quiet   bool
	Dir     string
	NoColor bool
}

// NewRootCmd builds the command tree; the persistent flags fill g.
func NewRootCmd(g *GlobalOptions) *cobra.Command {
	stdio := g.IO
	root := &cobra.Command{
		Use:   "vcsync",
		Short: "Commit a ChangeLog entry and push it to every repository",
		// The main job: commit the new entry (if any), then push everywhere.
		Long: `vcsync turns the entry you add to a ChangeLog into a commit: the added lines
are the message, the entry header the author, the files it names the files
committed. It then pushes the commit to every repository the project
publishes to.`,
		Example: `  vcsync                    # commit the new ChangeLog entry, push it everywhere
  vcsync message            # print the message the new ChangeLog entry gives
  vcsync commit --dry-run   # what the commit would be
  vcsync push               # push what each remote lacks
  vcsync status             # per remote: what it lacks, how its last push ended`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
				g.NoColor = true
			}
			return nil
		},
	}
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{Err: err} })
	f := root.PersistentFlags()
	f.BoolVarP(&g.DryRun, "dry-run", "n", false, "do nothing; print every step and external command that would run")
	f.BoolVar(&g.JSON, "json", false, "print one JSON document on stdout")
	f.BoolVarP(&g.Verbose, "verbose", "v", false, "echo each external command, with its time, on stderr")
	f.BoolVarP(&g.Quiet, "quiet", "q", false, "print errors only")
	f.StringVarP(&g.Dir, "directory", "C", "", "run as if vcsync was started in `DIR`")
	f.BoolVar(&g.NoColor, "no-color", false, "no colours (also NO_COLOR or TERM=dumb)")

	c := &CommitOptions{GlobalOptions: g}
	var pf PushFlags
	root.Use = "vcsync [CHANGELOG...]"
	root.Args = cobra.ArbitraryArgs
	root.RunE = func(cmd *cobra.Command, args []string) error { return syncRun(cmd, g, c, &pf, args) }
	root.Flags().StringVar(&c.Author, "author", "", "`\"Name <email>\"`; must agree with the entry's author")
	root.Flags().BoolVar(&c.All, "all", false, "also commit modified tracked files that the entry does not name")
	root.Flags().BoolVar(&c.Add, "add", false, "add named files that git does not track yet")
	root.Flags().BoolVar(&c.NoVerify, "no-verify", false, "skip the pre-commit and commit-msg hooks")
	pf.register(root)
	root.AddCommand(
		NewCmdMessage(g, nil),
		NewCmdPush(g),
		NewCmdStatus(g),
		NewCmdRemote(g),
		NewCmdHook(g),
		NewCmdCommit(g, nil),
		NewCmdDiff(g),
		NewCmdVersion(g),
	)
	return root
}

// usageArgs wraps a cobra argument check so that its error is a usage error.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &FlagError{Err: err}
		}
		return nil
	}
}

// warn prints a diagnostic on stderr unless -q.
func (g *GlobalOptions) warn(format string, args ...any) {
	if !g.Quiet {
		fmt.Fprintf(g.IO.ErrOut, "vcsync: warning: "+format+"\n", args...)
	}
}

// printJSON writes v as one indented JSON document on stdout.
func (g *GlobalOptions) printJSON(v any) error {
	enc := json.NewEncoder(g.IO.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
