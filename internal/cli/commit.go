package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
	"github.com/vcsync/vcsync/changelog"
)

// CommitOptions are the parsed arguments of vcsync commit.
type CommitOptions struct {
	*GlobalOptions
	ChangeLogs []string
	Author     string
	All        bool
	Add        bool
	NoVerify   bool
	Edit       bool
}

// NewCmdCommit builds "vcsync commit"; runF replaces the run function in
// tests of flag parsing.
func NewCmdCommit(g *GlobalOptions, runF func(*cobra.Command, *CommitOptions) error) *cobra.Command {
	opts := &CommitOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "commit [CHANGELOG...]",
		Short: "Commit the new ChangeLog entry and exactly the files it names",
		Long: `Commit the ChangeLog(s) and the files their new entries name, with their
working-tree content (as git commit -- paths does; other staged changes stay
staged). The message is the entry's added lines, the author its header.

Before anything is written, every named file is checked: it must have a
change, be tracked (or --add), and have no unsaved changes in Emacs or Vim.
Modified files the entry does not name are listed and left out (--all
commits them). The repository's pre-commit and commit-msg hooks run, as for
git commit (--no-verify skips them). A failure leaves the index, the working
tree and the refs as they were.

--edit opens the message in the editor git would use (GIT_EDITOR,
core.editor, VISUAL, EDITOR) with the checks' warnings as comment lines;
the saved text, comments removed, is the message, and an empty one
abandons the commit.`,
		Example: `  vcsync commit
  vcsync commit --dry-run
  vcsync commit --add lib/ChangeLog
  vcsync commit --edit`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ChangeLogs = args
			if runF != nil {
				return runF(cmd, opts)
			}
			return commitRun(cmd, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Author, "author", "", "commit as `\"Name <email>\"`, which must agree with the entry's author")
	f.BoolVar(&opts.All, "all", false, "also commit modified tracked files that the entry does not name")
	f.BoolVar(&opts.Add, "add", false, "add named files that git does not track yet")
	f.BoolVar(&opts.NoVerify, "no-verify", false, "skip the pre-commit and commit-msg hooks")
	f.BoolVarP(&opts.Edit, "edit", "e", false, "open the message in git's editor before committing")
	return cmd
}

// commitJSON is the "commit" object of --json.
type commitJSON struct {
	ID         string             `json:"id"`
	Parent     string             `json:"parent"`
	Branch     string             `json:"branch"`
	Subject    string             `json:"subject"`
	Message    string             `json:"message"`
	Author     changelog.Author   `json:"author"`
	Committer  changelog.Author   `json:"committer"`
	CoAuthors  []changelog.Author `json:"coauthors"`
	Files      []string           `json:"files"`
	Deleted    []string           `json:"deleted"`
	ChangeLogs []string           `json:"changelogs"`
	Actions    []string           `json:"actions"`
	Warnings   []string           `json:"warnings"`
	DryRun     bool               `json:"dry_run"`
}

// coreOptions converts the flags to the core's options.
func (opts *CommitOptions) coreOptions() vcsync.CommitOptions {
	return vcsync.CommitOptions{
		MessageOptions: vcsync.MessageOptions{Dir: opts.Dir, ChangeLogs: opts.ChangeLogs},
		Author:         opts.Author, All: opts.All, Add: opts.Add, NoVerify: opts.NoVerify,
		DryRun: opts.DryRun, Runner: opts.runner(), HookOut: opts.IO.ErrOut,
		Edit: opts.Edit, EditIn: opts.IO.In, EditOut: opts.IO.Out,
	}
}

func commitRun(cmd *cobra.Command, opts *CommitOptions) error {
	if err := checkChangeLogs(cmd, opts.GlobalOptions, opts.ChangeLogs); err != nil {
		return err
	}
	res, err := vcsync.Commit(cmd.Context(), opts.coreOptions())
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		opts.warn("%s", w)
	}
	if opts.JSON {
		return opts.printJSON(map[string]commitJSON{"commit": commitToJSON(res, opts.DryRun)})
	}
	printCommit(opts.GlobalOptions, res)
	return nil
}

func commitToJSON(res *vcsync.CommitResult, dryRun bool) commitJSON {
	subject, _, _ := strings.Cut(res.Text, "\n")
	return commitJSON{
		ID: res.ID, Parent: res.Parent, Branch: res.Branch, Subject: subject, Message: res.Text,
		Author: res.Author, Committer: res.Committer, CoAuthors: orEmpty(res.Message.CoAuthors),
		Files: orEmpty(res.Files), Deleted: orEmpty(res.Deleted), ChangeLogs: orEmpty(res.Message.ChangeLogs),
		Actions: orEmpty(res.Actions), Warnings: orEmpty(res.Warnings), DryRun: dryRun,
	}
}

// printCommit prints a commit in text mode: the plan with --dry-run, else
// one line like git's.
func printCommit(g *GlobalOptions, res *vcsync.CommitResult) {
	out := g.IO.Out
	if g.DryRun {
		fmt.Fprintf(out, "Author:     %s\nCommitter:  %s\nFiles:      %s\n", res.Author, res.Committer, strings.Join(res.Files, " "))
		if len(res.Deleted) > 0 {
			fmt.Fprintf(out, "Deleted:    %s\n", strings.Join(res.Deleted, " "))
		}
		fmt.Fprintf(out, "\n%s\nWould:\n", res.Text)
		for _, a := range res.Actions {
			fmt.Fprintf(out, "  %s\n", a)
		}
		return
	}
	if g.Quiet {
		return
	}
	where := res.Branch
	if where == "" {
		where = "detached HEAD"
	}
	subject, _, _ := strings.Cut(res.Text, "\n")
	fmt.Fprintf(out, "[%s %s] %s\n %d file(s): %s\n", where, res.ID[:7], subject, len(res.Files), strings.Join(res.Files, " "))
}
