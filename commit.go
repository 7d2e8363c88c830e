package vcsync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/vcsync/vcsync/changelog"
	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/state"
)

// CommitOptions are the inputs of Commit.
type CommitOptions struct {
	MessageOptions
	Author   string // --author "Name <email>": must agree with the entry's author
	All      bool   // also commit modified tracked files the entry does not name
	Add      bool   // add named files that are untracked
	NoVerify bool   // skip the pre-commit and commit-msg hooks
	DryRun   bool   // plan only: write nothing
	Edit     bool   // open the message in git's editor first
	Runner   *run.Runner
	HookOut  io.Writer // where hooks' output goes (the user's stderr)
	// EditIn and EditOut are the editor's terminal (with HookOut): the
	// user's stdin and stdout.
	EditIn  io.Reader
	EditOut io.Writer
	// OnDone, if set, is called by Sync once the commit is made, before the
	// pushes start.
	OnDone func(*CommitResult)
	// Notify, if set, receives what Sync has to tell before the pushes
	// start when it commits nothing: a change with no entry.
	Notify func(string)

	locked bool // the caller (Sync) holds the repository's lock
}

// CommitResult is what Commit did, or would do with DryRun.
type CommitResult struct {
	Message   *changelog.Message
	Text      string // the final message (a commit-msg hook may change it)
	Author    changelog.Author
	Committer changelog.Author
	Files     []string // every path committed, ChangeLogs first
	Deleted   []string // those of Files committed as deletions
	Branch    string   // "" when HEAD is detached
	Parent    string
	ID        string   // the new commit; "" with DryRun
	Actions   []string // what was (or, with DryRun, would be) done, in order
	Warnings  []string
}

// Commit commits the ChangeLog(s) and exactly the files their new entries
// name, with their working-tree content, as git commit -- paths does: other
// staged changes stay staged. Every check runs before anything is written,
// and a failure at any step leaves the index, the working tree and the refs
// as they were.
func Commit(ctx context.Context, opt CommitOptions) (*CommitResult, error) {
	r, cwd, err := openAt(opt.Dir)
	if err != nil {
		return nil, err
	}
	r.Runner = opt.Runner
	if !opt.locked && !opt.DryRun {
		// One vcsync at a time: a push that is running (git-svn's dcommit
		// moves HEAD) must not see a commit appear under it.
		common, _, err := r.Dirs(ctx)
		if err != nil {
			return nil, err
		}
		lock, err := state.Acquire(state.Dir(common))
		if err != nil {
			return nil, err
		}
		defer lock.Release()
	}
	recovered, err := r.RecoverIndex(ctx, opt.DryRun)
	if err != nil {
		return nil, err
	}
	changes, err := r.Changes(ctx)
	if err != nil {
		return nil, err
	}
	m, err := derive(ctx, r, cwd, opt.ChangeLogs, changes)
	if recovered && (errors.Is(err, changelog.ErrNoNewEntry) || errors.Is(err, ErrNoChangeLog)) {
		return nil, fmt.Errorf("%w; %s", err, finishedNote(opt.DryRun))
	}
	if errors.Is(err, changelog.ErrNoNewEntry) || errors.Is(err, ErrNoChangeLog) {
		return nil, noEntry(err, changes)
	}
	if err != nil {
		return nil, err
	}
	head, err := r.Head()
	if err != nil {
		return nil, err
	}
	res := &CommitResult{Message: m, Text: m.Text, Branch: head.Branch, Parent: head.Hash.String()}
	for _, w := range m.Warnings {
		res.Warnings = append(res.Warnings, w.String())
	}
	if head.Branch == "" {
		res.Warnings = append(res.Warnings, "HEAD is detached: the commit will be on no branch")
	}
	if recovered {
		res.Warnings = append(res.Warnings, finishedNote(opt.DryRun))
	}
	if err := plan(ctx, r, opt, res, changes); err != nil {
		return nil, err
	}
	if res.Author, err = commitAuthor(r, m, opt.Author); err != nil {
		return nil, err
	}
	if res.Committer, err = committer(r); err != nil {
		return nil, err
	}
	if opt.DryRun {
		res.Actions = append(res.Actions, plannedActions(res, opt)...)
		return res, nil
	}
	return res, write(ctx, r, opt, res, head.Hash)
}

// finishedNote says that Commit finished the commit a killed vcsync left
// half published (repo.RecoverIndex).
func finishedNote(dryRun bool) string {
	if dryRun {
		return "a killed vcsync left the commit at HEAD half done (its index in index.lock): a real run finishes it first"
	}
	return "a killed vcsync left the commit at HEAD half done: finished, the index now matches it"
}

// NoEntryError is a working tree that changes files while no ChangeLog
// has a new entry: vcsync commit refuses it, pointing to vcsync entry; the
// main job says so and pushes what is already committed.
type NoEntryError struct {
	Changed []string // the changed files, ChangeLogs aside
	Err     error    // ErrNoChangeLog, or one that wraps changelog.ErrNoNewEntry
}

func (e *NoEntryError) Error() string {
	return "the working tree changes " + e.files() + ", but no ChangeLog has a new entry; write one (vcsync entry writes its skeleton), then commit; nothing committed"
}

func (e *NoEntryError) Unwrap() error { return e.Err }

// SyncNote is what the main job says of it, before it pushes.
func (e *NoEntryError) SyncNote() string {
	return "the working tree changes " + e.files() + ", but no ChangeLog has a new entry, so nothing is committed (vcsync entry writes one); pushing what the remotes lack"
}

// files names the first few changed files.
func (e *NoEntryError) files() string { return someNames(e.Changed, 3) }

// someNames joins the first shown names, and says how many more there are:
// a warning about a whole tree's changes must stay readable.
func someNames(names []string, shown int) string {
	if len(names) <= shown {
		return strings.Join(names, " ")
	}
	return fmt.Sprintf("%s (and %d more)", strings.Join(names[:shown], " "), len(names)-shown)
}

// noEntry is the error of a commit without a new entry: a NoEntryError
// when the tree has changes, else err saying that there is nothing to
// commit.
func noEntry(err error, changes []repo.Change) error {
	var changed []string
	for _, c := range changes {
		if !changelog.IsChangeLogName(c.Path) {
			changed = append(changed, c.Path)
		}
	}
	if len(changed) > 0 {
		return &NoEntryError{Changed: changed, Err: err}
	}
	return fmt.Errorf("%w; nothing to commit (vcsync push pushes what is already committed)", err)
}

// plan checks the named files against the working tree and fills
// res.Files and res.Deleted.
func plan(ctx context.Context, r *repo.Repo, opt CommitOptions, res *CommitResult, changes []repo.Change) error {
	ck := &checker{ctx: ctx, r: r, m: res.Message, changes: changes, opt: opt}
	files, warnings, err := ck.files()
	if err != nil {
		return err
	}
	res.Warnings = append(res.Warnings, warnings...)
	res.Files = append(slices.Clone(res.Message.ChangeLogs), files...)
	for _, c := range changes {
		if c.Deleted && slices.Contains(res.Files, c.Path) {
			res.Deleted = append(res.Deleted, c.Path)
		}
	}
	return nil
}

// write stores the objects, runs the hooks and publishes the commit.
func write(ctx context.Context, r *repo.Repo, opt CommitOptions, res *CommitResult, parent plumbing.Hash) error {
	states, err := r.Snapshot(ctx, res.Files)
	if err != nil {
		return err
	}
	tree, err := r.WriteTree(states)
	if err != nil {
		return err
	}
	res.Actions = append(res.Actions, "store the content of "+strings.Join(res.Files, " "))
	hooked, err := runHooks(ctx, r, opt, tree, res)
	if err != nil {
		return err
	}
	if hooked != tree {
		// The pre-commit hook changed what is staged (a formatter that
		// re-adds files): commit that, as git commit does.
		if states, err = r.StatesIn(hooked, states); err != nil {
			return err
		}
		tree = hooked
	}
	now := time.Now()
	authorDate, err := envDate("GIT_AUTHOR_DATE", now)
	if err != nil {
		return err
	}
	commitDate, err := envDate("GIT_COMMITTER_DATE", now)
	if err != nil {
		return err
	}
	id, err := r.WriteCommit(&object.Commit{
		Author:       object.Signature{Name: res.Author.Name, Email: res.Author.Email, When: authorDate},
		Committer:    object.Signature{Name: res.Committer.Name, Email: res.Committer.Email, When: commitDate},
		Message:      res.Text,
		TreeHash:     tree,
		ParentHashes: []plumbing.Hash{parent},
	})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err // interrupted: the objects written are unreferenced, nothing else changed
	}
	subject, _, _ := strings.Cut(res.Text, "\n")
	if err := r.Publish(ctx, id, parent, subject, states); err != nil {
		return err
	}
	res.ID = id.String()
	res.Actions = append(res.Actions, "commit "+res.ID, "update the index for the committed files")
	postCommitHook(ctx, r, opt.HookOut, res)
	return nil
}

// postCommitHook runs the post-commit hook, as git commit does, even with
// --no-verify. The commit is made: like git, vcsync only reports a hook
// that fails.
func postCommitHook(ctx context.Context, r *repo.Repo, w io.Writer, res *CommitResult) {
	hooks, err := r.Hooks(ctx, "post-commit")
	if err != nil || hooks[0] == "" {
		return
	}
	res.Actions = append(res.Actions, "run the post-commit hook")
	// Its output went to w as it ran; the warning only says how it ended.
	_, err = r.Runner.Run(ctx, run.Cmd{Name: hooks[0], Dir: r.Root, Stderr: w})
	if re := (*run.RunError)(nil); errors.As(err, &re) {
		res.Warnings = append(res.Warnings, "the post-commit hook failed ("+re.Err.Error()+"); the commit is made")
	}
}

// runHooks runs pre-commit (on an index holding exactly what is
// committed), prepare-commit-msg and commit-msg (which may rewrite the
// message), as git commit -F does, and with Edit the editor between the
// last two, as git commit -e does; NoVerify skips pre-commit and
// commit-msg, as git's --no-verify. go-git runs no hooks, so vcsync does.
func runHooks(ctx context.Context, r *repo.Repo, opt CommitOptions, tree plumbing.Hash, res *CommitResult) (plumbing.Hash, error) {
	hooks, err := r.Hooks(ctx, "pre-commit", "prepare-commit-msg", "commit-msg")
	if err != nil {
		return tree, err
	}
	if opt.NoVerify {
		hooks[0], hooks[2] = "", ""
	}
	var env []string
	index := ""
	if hooks[0] != "" || hooks[1] != "" || hooks[2] != "" {
		if index, err = r.IndexOf(ctx, tree); err != nil {
			return tree, err
		}
		defer os.Remove(index)
		env = []string{"GIT_INDEX_FILE=" + index, "GIT_EDITOR=:"}
	}
	w := opt.HookOut
	if hooks[0] != "" {
		if err := r.RunHook(ctx, w, hooks[0], env); err != nil {
			return tree, err
		}
		res.Actions = append(res.Actions, "run the pre-commit hook")
		if tree, err = r.TreeOfIndex(ctx, index); err != nil {
			return tree, err
		}
	}
	if err := msgHook(ctx, r, w, hooks[1], env, res, "message"); err != nil {
		return tree, err
	}
	if opt.Edit {
		if err := editMessage(ctx, r, opt, res); err != nil {
			return tree, err
		}
	}
	return tree, msgHook(ctx, r, w, hooks[2], env, res)
}

// msgHook runs prepare-commit-msg or commit-msg on the message, in
// COMMIT_EDITMSG as git does; either may rewrite it. prepare-commit-msg is
// told where the message came from ("message": given, as with -F).
func msgHook(ctx context.Context, r *repo.Repo, w io.Writer, hook string, env []string, res *CommitResult, args ...string) error {
	if hook == "" {
		return nil
	}
	ps, err := r.GitPath(ctx, "COMMIT_EDITMSG")
	if err != nil {
		return err
	}
	if err := os.WriteFile(ps[0], []byte(res.Text), 0o644); err != nil {
		return err
	}
	if err := r.RunHook(ctx, w, hook, env, append([]string{ps[0]}, args...)...); err != nil {
		return err
	}
	name := filepath.Base(hook)
	res.Actions = append(res.Actions, "run the "+name+" hook")
	b, err := os.ReadFile(ps[0])
	if err != nil {
		return err
	}
	if strings.TrimSpace(string(b)) == "" {
		return fmt.Errorf("the %s hook left an empty message; nothing committed", name)
	}
	res.Text = string(b)
	return nil
}

// plannedActions lists what a real run would do, for --dry-run.
func plannedActions(res *CommitResult, opt CommitOptions) []string {
	a := []string{"store the content of " + strings.Join(res.Files, " ")}
	if !opt.NoVerify {
		a = append(a, "run the pre-commit, prepare-commit-msg and commit-msg hooks, if the repository has them")
	} else {
		a = append(a, "run the prepare-commit-msg hook, if the repository has one")
	}
	if opt.Edit {
		a = append(a, "open the message in the editor")
	}
	where := "branch " + res.Branch
	if res.Branch == "" {
		where = "the detached HEAD"
	}
	return append(a, "commit on "+where+" (parent "+res.Parent[:12]+")", "update the index for the committed files",
		"run the post-commit hook, if the repository has one")
}

// Diff returns the diff against HEAD of exactly what Commit would commit:
// the ChangeLog(s) and the files their new entries name. It runs the same
// checks, so it fails where Commit would.
func Diff(ctx context.Context, opt CommitOptions) ([]byte, error) {
	r, cwd, err := openAt(opt.Dir)
	if err != nil {
		return nil, err
	}
	r.Runner = opt.Runner
	changes, err := r.Changes(ctx)
	if err != nil {
		return nil, err
	}
	m, err := derive(ctx, r, cwd, opt.ChangeLogs, changes)
	if err != nil {
		return nil, err
	}
	res := &CommitResult{Message: m}
	if err := plan(ctx, r, opt, res, changes); err != nil {
		return nil, err
	}
	// Literal pathspecs: a file named a*.c is that file, not a pattern.
	out, err := r.Git(ctx, nil, append([]string{"--literal-pathspecs", "diff", "HEAD", "--"}, res.Files...)...)
	if err != nil {
		return nil, err
	}
	// Files that --add would add: git diff HEAD does not see them.
	for _, f := range res.Files {
		if r.Tracked(f) || slices.ContainsFunc(changes, func(c repo.Change) bool { return c.Path == f }) {
			continue
		}
		d, err := r.Git(ctx, nil, "diff", "--no-index", "--", "/dev/null", f)
		var re *run.RunError
		if err != nil && !(errors.As(err, &re) && re.ExitCode == 1) { // 1: they differ
			return nil, err
		}
		out = append(out, d...)
	}
	return out, nil
}
