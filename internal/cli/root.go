package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
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
			if g.Dir != "" {
				if fi, err := os.Stat(g.Dir); err != nil || !fi.IsDir() {
					return &FlagError{Err: fmt.Errorf("-C %s: no such directory", g.Dir)}
				}
			}
			if g.JSON && cmd.Annotations[noJSONKey] != "" {
				return &FlagError{Err: fmt.Errorf("--json: %s has no JSON output", cmd.CommandPath())}
			}
			// Every command that commits has --author: checked here, as a
			// usage error, before anything runs.
			if f := cmd.Flags().Lookup("author"); f != nil && f.Changed {
				if _, err := vcsync.ParseIdent(f.Value.String()); err != nil {
					return &FlagError{Err: err}
				}
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
	root.Flags().StringVar(&c.Author, "author", "", "commit as `\"Name <email>\"`, which must agree with the entry's author")
	root.Flags().BoolVar(&c.All, "all", false, "also commit modified tracked files that the entry does not name")
	root.Flags().BoolVar(&c.Add, "add", false, "add named files that git does not track yet")
	root.Flags().BoolVar(&c.NoVerify, "no-verify", false, "skip the pre-commit and commit-msg hooks")
	root.Flags().BoolVarP(&c.Edit, "edit", "e", false, "open the message in git's editor before committing")
	pf.register(root)
	root.AddCommand(
		NewCmdMessage(g, nil),
		NewCmdPush(g, nil),
		NewCmdStatus(g, nil),
		NewCmdRemote(g),
		NewCmdHook(g),
		NewCmdCommit(g, nil),
		NewCmdDiff(g, nil),
		NewCmdVersion(g, nil),
		NewCmdTrust(g, nil),
		NewCmdUntrust(g, nil),
		NewCmdEntry(g, nil),
		NewCmdPull(g, nil),
		NewCmdInit(g, nil),
		NewCmdMergeChangeLog(g, nil),
	)
	// cobra's completion command prints its help, exit 0, for a missing or
	// unknown shell: a usage error here, as everywhere else.
	root.InitDefaultCompletionCmd()
	// vcsync --version, as most programs have; vcsync version has --json.
	root.Version = version()
	root.SetVersionTemplate("vcsync {{.Version}}\n")
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Args = usageArgs(cobra.NoArgs)
			c.RunE = needSubcommand
		}
	}
	setupCompletions(root, g)
	return root
}

// noJSON marks the commands that have no JSON output: --json is refused
// there rather than silently ignored.
var noJSON = map[string]string{noJSONKey: "true"}

const noJSONKey = "vcsync/no-json"

// needSubcommand is the RunE of a command that only groups others (remote,
// hook, completion): run alone, it is a usage error naming them. An
// unknown one is refused before, by its Args.
func needSubcommand(cmd *cobra.Command, _ []string) error {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return &FlagError{Err: fmt.Errorf("%s needs a subcommand: %s", cmd.CommandPath(), strings.Join(names, ", "))}
}

// usageArgs wraps a cobra argument check so that its error is a usage
// error; an unknown subcommand says which ones it resembles.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			if cmd.HasSubCommands() && len(args) > 0 {
				err = fmt.Errorf("%w%s", err, suggest(cmd, args[0]))
			}
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
