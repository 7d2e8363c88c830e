// Package vcsync is the core of the vcsync tool: it derives a commit from a
// ChangeLog entry, commits it and pushes it to every configured repository.
//
// The command layer (internal/cli) parses flags and renders results; this
// package holds the logic and returns plain values and errors. It must not
// import cobra nor exec programs directly (internal/run does that), and
// backends must not import it.
package vcsync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vcsync/vcsync/changelog"
	"github.com/vcsync/vcsync/internal/repo"
)

// MessageOptions say where to look and which ChangeLogs to read.
type MessageOptions struct {
	Dir        string   // a directory inside the working tree; "" is the current one
	ChangeLogs []string // as given on the command line, relative to Dir; none means every modified ChangeLog
}

// ErrNoChangeLog means that no ChangeLog was named and the working tree
// modifies none.
var ErrNoChangeLog = errors.New("no ChangeLog is modified in the working tree; add an entry to a ChangeLog, or name one (vcsync message PATH)")

// Message derives the commit message, author and files from the lines the
// working tree adds to the ChangeLogs, compared with HEAD. It changes
// nothing. When no entry names an author, the author is the git user, as
// for git commit.
func Message(ctx context.Context, opt MessageOptions) (*changelog.Message, error) {
	r, cwd, err := openAt(opt.Dir)
	if err != nil {
		return nil, err
	}
	return derive(ctx, r, cwd, opt.ChangeLogs, nil)
}

// openAt opens the repository holding dir ("" for the current directory)
// and returns it with the absolute directory that command-line paths are
// relative to.
func openAt(dir string) (*repo.Repo, string, error) {
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return nil, "", err
		}
	}
	r, err := repo.Open(dir)
	if err != nil {
		return nil, "", err
	}
	cwd, err := filepath.Abs(dir)
	return r, cwd, err
}

// derive reads the ChangeLogs and derives the message. changes is the
// working tree's status if the caller has it already; nil means that it is
// asked for when needed (to find the modified ChangeLogs).
func derive(ctx context.Context, r *repo.Repo, cwd string, named []string, changes []repo.Change) (*changelog.Message, error) {
	paths, err := changeLogPaths(ctx, r, cwd, named, changes)
	if err != nil {
		return nil, err
	}
	var inputs []changelog.Input
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		in, err := readInput(r, p)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, in)
	}
	m, err := changelog.Derive(inputs, changelog.Options{NoCoAuthorTrailers: !coAuthorTrailers(ctx, r)})
	if err != nil {
		return nil, err
	}
	if m.Author.IsZero() {
		m.Author = gitAuthor(r)
	}
	return m, resolveFiles(ctx, r, m, changes)
}

// coAuthorTrailers reads vcsync.coAuthorTrailers as the configuration is
// read, .git/config winning over .vcsync, whose setting counts only once
// the user trusts it; true when neither sets it.
func coAuthorTrailers(ctx context.Context, r *repo.Repo) bool {
	if v, ok := r.BoolConfigSet("vcsync", "coAuthorTrailers"); ok {
		return v
	}
	if _, err := os.Lstat(filepath.Join(r.Root, ".vcsync")); err != nil {
		return true // no .vcsync: nothing to ask the trust store
	}
	if cfg, err := loadConfig(ctx, r); err == nil {
		return cfg.CoAuthorTrailers
	}
	return true
}

// changeLogPaths resolves the ChangeLogs to read: those named, or every
// tracked file with a ChangeLog's name that the working tree modifies (from
// git status: decoding a 100,000-entry index with go-git alone takes longer
// than git's whole status), the top-level one first.
func changeLogPaths(ctx context.Context, r *repo.Repo, cwd string, named []string, changes []repo.Change) ([]string, error) {
	if len(named) == 0 {
		if changes == nil {
			var err error
			if changes, err = r.Changes(ctx); err != nil {
				return nil, err
			}
		}
		var paths []string
		for _, c := range changes {
			if !c.Deleted && changelog.IsChangeLogName(c.Path) {
				paths = append(paths, c.Path)
			}
		}
		if len(paths) == 0 {
			if _, err := r.Head(); errors.Is(err, repo.ErrUnbornHead) {
				return nil, err // the reason no ChangeLog differs from HEAD
			}
			return nil, ErrNoChangeLog
		}
		slices.SortStableFunc(paths, func(a, b string) int { return strings.Count(a, "/") - strings.Count(b, "/") })
		return paths, nil
	}
	var paths []string
	for _, n := range named {
		p, err := r.Rel(cwd, n)
		if err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// ModifiedChangeLogs lists the ChangeLogs that the working tree modifies,
// as Message would read them with none named, relative to dir (the current
// directory if ""): what a shell completes for a CHANGELOG argument. None
// is no error.
func ModifiedChangeLogs(ctx context.Context, dir string) ([]string, error) {
	r, cwd, err := openAt(dir)
	if err != nil {
		return nil, err
	}
	paths, err := changeLogPaths(ctx, r, cwd, nil, nil)
	if errors.Is(err, ErrNoChangeLog) || errors.Is(err, repo.ErrUnbornHead) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for i, p := range paths {
		if rel, err := filepath.Rel(cwd, filepath.Join(r.Root, filepath.FromSlash(p))); err == nil {
			paths[i] = rel
		}
	}
	return paths, nil
}

// readInput reads one ChangeLog at HEAD and in the working tree.
func readInput(r *repo.Repo, p string) (changelog.Input, error) {
	newText, err := r.WorktreeFile(p)
	if err != nil {
		return changelog.Input{}, err
	}
	if newText == nil {
		return changelog.Input{}, fmt.Errorf("%s: no such file in the working tree", p)
	}
	oldText, err := r.HeadFile(p, newText)
	if err != nil {
		return changelog.Input{}, err
	}
	return changelog.Input{Path: p, Old: oldText, New: newText}, nil
}

// gitAuthor is the author git itself would record: GIT_AUTHOR_NAME and
// GIT_AUTHOR_EMAIL, else author.name and author.email, else user.name and
// user.email (else, for the email, EMAIL), exactly as set.
func gitAuthor(r *repo.Repo) changelog.Author { return gitIdent(r, false) }

// gitIdent is who git would record as author, or as committer
// (GIT_COMMITTER_*, committer.*, then the same).
func gitIdent(r *repo.Repo, committer bool) changelog.Author {
	name, email := r.Ident(committer)
	env := "GIT_AUTHOR_"
	if committer {
		env = "GIT_COMMITTER_"
	}
	if v := os.Getenv(env + "NAME"); v != "" {
		name = v
	}
	if v := os.Getenv(env + "EMAIL"); v != "" {
		email = v
	}
	if email == "" {
		email = os.Getenv("EMAIL")
	}
	return changelog.Author{Name: name, Email: email}
}
