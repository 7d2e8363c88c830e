// Package gitsvn is the git-svn backend: in a repository cloned with
// `git svn clone`, it sends the commits Subversion lacks with
// `git svn dcommit`.
//
// dcommit rewrites what it sends: each commit comes back from Subversion
// with a new id and a git-svn-id line, and HEAD moves to the new commits.
// So the backend says RewritesHistory: the engine runs it first and alone,
// and the git remotes then receive the rewritten commits, never the
// originals (which would need a forced push later). Result.Rewritten maps
// each original commit to its replacement.
//
// Decisions, each one git-svn users will recognise:
//   - Someone else committed to Subversion meanwhile: dcommit sends our
//     commits on top when Subversion accepts them (they touch other files)
//     and rebases HEAD onto the result, as it always does; that is success.
//     When Subversion refuses ("out of date") or the rebase conflicts, the
//     push is Rejected, a rebase left half done is aborted, and the user
//     runs `git svn rebase` themselves: vcsync never resolves a conflict.
//   - dcommit needs a clean working tree. Uncommitted changes to tracked
//     files are refused before anything is sent, naming them, rather than
//     stashed and re-applied behind the user's back (a re-apply after
//     Subversion's changes could conflict and leave markers in their files).
//   - What Subversion holds is read from the repository, not from vcsync's
//     state: HEAD's first-parent history tells which commits already carry
//     a git-svn-id. So a run that lost its state sends nothing twice.
//   - A push interrupted during dcommit (killed, timed out, cut off) leaves
//     revisions of our first commits in Subversion, and HEAD the original
//     commits, which dcommit would send again and Subversion refuse. Push
//     fetches first, and when those revisions are provably our commits (in
//     order, each with its message and tree), moves HEAD onto them and
//     sends the rest: what git svn rebase would do, without a rebase. When
//     one of ours follows someone else's revision, the rest would need a
//     real rebase, which may conflict: refused, naming git svn rebase.
//
// The package must not import the core (package vcsync) nor internal/cli;
// git runs through internal/run.
package gitsvn

import (
	"context"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

type backend struct {
	remote backends.Remote
}

// New is a backends.Factory, for backends/all.
var _ backends.Factory = New

// New returns the git-svn backend for r. The Subversion URL is the clone's
// own (svn-remote.*.url); r.URL may be empty, and if set, Push checks that
// it is the clone's, so that a remote configured for another repository
// fails instead of committing elsewhere.
func New(r backends.Remote) (backends.Backend, error) {
	b := &backend{remote: r}
	if strings.HasPrefix(r.URL, "-") {
		return nil, b.errorf(backends.Fatal, "url %q begins with '-': refused", run.RedactURL(r.URL))
	}
	return b, nil
}

// Capabilities: dcommit rewrites the commits it sends; Subversion records
// its own user and the time of the commit, not the git author and date; and
// each commit is one revision, so a push of several is not atomic.
func (b *backend) Capabilities() backends.Capabilities {
	return backends.Capabilities{RewritesHistory: true, Program: "git"}
}

// Check runs `git svn --version`: git-svn is a separate package on most
// systems (Debian's git-svn), and its Perl bindings to Subversion may be
// missing. Then it checks, as Push does, that l is a git svn clone whose
// HEAD came from Subversion, and that the remote's url, if set, is the
// clone's: before the commit, not after it.
func (b *backend) Check(ctx context.Context, l backends.Local) error {
	if err := b.installed(ctx); err != nil {
		return err
	}
	base, uerr := b.upstream(ctx, l) // base.url is "" if it failed
	if err := b.checkClone(ctx, l, base.url); err != nil {
		return err // not a clone, or not its URL: said first
	}
	return uerr
}

// installed runs `git svn --version`, quietly.
func (b *backend) installed(ctx context.Context) error {
	var r *run.Runner
	if _, err := r.Run(ctx, run.Cmd{Name: "git", Args: []string{"svn", "--version"}}); err != nil {
		return b.errorf(backends.Fatal, "git svn does not run (install git-svn: apt-get install git-svn): %v", err)
	}
	return nil
}

// git runs git in the working tree through the push's Runner, so that
// --verbose shows every command, and returns its trimmed stdout. It is for
// questions, which a dry run asks too (ReadOnly); a command that changes
// the repository goes through change.
func git(ctx context.Context, l backends.Local, args ...string) (string, error) {
	out, err := l.Runner.Run(ctx, run.Cmd{Name: "git", Args: args, Dir: l.Root, ReadOnly: true})
	return strings.TrimSpace(string(out)), err
}

// change runs a git command that changes the repository: a dry run prints
// it instead.
func change(ctx context.Context, l backends.Local, args ...string) (string, error) {
	out, err := l.Runner.Run(ctx, run.Cmd{Name: "git", Args: args, Dir: l.Root})
	return strings.TrimSpace(string(out)), err
}

// errorf returns a classified error that names the remote.
func (b *backend) errorf(c backends.Class, format string, args ...any) error {
	return backends.Errorf(c, "remote %s: "+format, append([]any{b.remote.Name}, args...)...)
}

// isID reports whether s is a full commit id (SHA-1 or SHA-256, lower
// case), so that nothing passed to git can be read as an option.
func isID(s string) bool {
	return (len(s) == 40 || len(s) == 64) && strings.Trim(s, "0123456789abcdef") == ""
}

// short abbreviates a commit id for messages.
func short(id string) string { return id[:min(len(id), 12)] }
