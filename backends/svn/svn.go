// Package svn is the Subversion backend: it replays local git commits into a
// directory of a Subversion repository (the remote URL, usually .../trunk),
// one revision per first-parent commit, over file://, svn://, svn+ssh:// and
// http(s)://.
//
// # Mechanism: svnmucc, no working copy
//
// Each revision is one `svnmucc` call: its actions (put, rm, mkdir, cp,
// propset) come from a file of arguments, the file contents from temporary
// files written from the git objects, and the revision properties
// vcsync:commit, vcsync:author and vcsync:date are set with --with-revprop, at
// commit time, so that no pre-revprop-change hook is needed. We measured the
// alternative, a working copy kept under .git/vcsync/: on a 500-file trunk
// (file://, Debian 12, svn 1.14), 10 revisions of 4 changed files took 0.57 s
// with svnmucc against 0.8-1.0 s with `svn add` + `svn commit` in a working
// copy, which first needed a 1.0 s checkout and then doubles the tree on disk.
// A working copy also holds state that a killed run leaves locked (`svn
// cleanup`), that must be kept in step with the repository, and that two
// parallel runs would share. svnmucc has none of that: the repository is the
// only state. Its -r BASE makes the server refuse ("out of date") a change to
// a file someone else changed after the revision we read. A commit by someone
// else to other files of the directory in the milliseconds between our
// reading its last revision and our commit is merged by the server, as svn
// commit from a working copy would: a window we accept.
//
// # Reading git
//
// Each Push opens its own go-git repository at Local.Root (go-git objects are
// not safe for concurrent use, and the engine pushes in parallel) and diffs
// trees in-process, skipping equal subtrees by hash. Measured on P4's ten
// commits: 25 ms to open, diff and write the 22 changed files, against 64 ms
// for `git diff-tree -r -z --raw` per commit and one `git cat-file --batch`.
// A file that a commit deletes and another path adds with the same content
// and mode (git mv, of a file or a whole directory) is sent as an svn copy,
// so that svn log and blame follow it.
//
// # What the remote holds
//
// The youngest revision of the directory carries, in vcsync:commit, the git
// commit it holds: `svn log -r HEAD:0 --limit 1 --with-revprop vcsync:commit`
// reads it back, so a run killed after an svnmucc commit and before vcsync's
// own bookkeeping resumes where the repository says, never sending a commit
// twice. A youngest revision without that property, or naming a commit that
// is not in the history being pushed, is someone else's work: rejected, never
// forced. A git commit whose tree equals its parent's (an empty commit, a
// merge that changes nothing) becomes no revision: Subversion's log of the
// directory could not show one.
//
// # First push
//
// The directory must exist. An empty one receives one revision holding the
// tree of the commit pushed (with Options["history"] == "true", one revision
// per first-parent commit from the root). One with content and no record of
// vcsync's is refused unless Options["since"] names a local commit whose tree
// equals that content, compared through `svn export`: then only what follows
// that commit is sent. Submodules are left out: svn has nothing like them.
//
// Nothing may prompt: every command runs with --non-interactive, and the
// password (VCSYNC_SVN_PASSWORD_<REMOTE>, else VCSYNC_SVN_PASSWORD) reaches
// svn on stdin (--password-from-stdin), never in argv. The package must not
// import the core (package vcsync) nor internal/cli; programs run through
// internal/run.
package svn

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
)

// schemes are the URL schemes svn reaches a repository by. svn+NAME://
// tunnels other than ssh run a command from the user's svn configuration:
// not supported, so that a URL cannot name a program.
var schemes = []string{"file", "svn", "svn+ssh", "http", "https"}

type backend struct {
	remote backends.Remote
	url    string // the directory's URL, without a trailing slash
}

// New returns the svn backend for r. It parses and checks r.URL without
// contacting the repository.
func New(r backends.Remote) (backends.Backend, error) {
	b := &backend{remote: r}
	return kit.Valid(b, b.parse())
}

// parse validates b.remote.URL.
func (b *backend) parse() error {
	raw := b.remote.URL
	// CVE-2017-9800: svn+ssh://-oProxyCommand=... made svn run a command.
	// Such a URL is an attack, never a typo.
	if err := kit.RequireURL(raw); err != nil {
		return b.errorf(backends.Fatal, "%v", err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return b.errorf(backends.Fatal, "url %q: %v", run.RedactURL(raw), run.Redact(err.Error()))
	}
	known := false
	for _, s := range schemes {
		known = known || u.Scheme == s
	}
	if !known {
		return b.errorf(backends.Fatal, "url %q: unsupported scheme %q (known: %s)", run.RedactURL(raw), u.Scheme, strings.Join(schemes, ", "))
	}
	if strings.HasPrefix(u.Host, "-") || strings.HasPrefix(u.User.Username(), "-") {
		return b.errorf(backends.Fatal, "url %q: host or user begins with '-': refused", run.RedactURL(raw))
	}
	// svn takes the URL in argv, which every user of the machine can read:
	// the password goes on stdin (VCSYNC_SVN_PASSWORD), never there.
	if _, has := u.User.Password(); has {
		return b.errorf(backends.Fatal, "url %q holds a password: set VCSYNC_SVN_USERNAME and VCSYNC_SVN_PASSWORD instead, or let svn's own credential cache hold it", run.RedactURL(raw))
	}
	if u.Scheme == "file" {
		if u.Host != "" && u.Host != "localhost" {
			return b.errorf(backends.Fatal, "url %q: a file:// URL names a local path (file:///path)", run.RedactURL(raw))
		}
	} else if u.Host == "" {
		return b.errorf(backends.Fatal, "url %q: no host", run.RedactURL(raw))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return b.errorf(backends.Fatal, "url %q: a repository URL has no query nor fragment", run.RedactURL(raw))
	}
	b.url = strings.TrimRight(raw, "/")
	return nil
}

// Capabilities: svn records the authenticated user and the commit time as
// svn:author and svn:date, so the git author and date go to the revision
// properties vcsync:author and vcsync:date instead; a revision lands whole.
func (b *backend) Capabilities() backends.Capabilities {
	return backends.Capabilities{Atomic: true, Program: "svnmucc"}
}

// Check re-validates the URL, checks that svn and svnmucc run and that
// since, if set, names a commit of l. It never contacts the repository.
func (b *backend) Check(ctx context.Context, l backends.Local) error {
	c := &backend{remote: b.remote} // Check may run while the engine pushes with b
	if err := c.parse(); err != nil {
		return err
	}
	var runner *run.Runner // quiet, and real even in a dry run: Check changes nothing
	for _, cmd := range []run.Cmd{
		{Name: "svn", Args: []string{"--version", "--quiet"}, Dir: l.Neutral(), Neutral: true},
		{Name: "svnmucc", Args: []string{"--version"}, Dir: l.Neutral(), Neutral: true},
	} {
		_, err := runner.Run(ctx, cmd)
		var re *run.RunError
		if errors.As(err, &re) && re.ExitCode == -1 && ctx.Err() == nil {
			return c.errorf(backends.Fatal, "%s is not installed (Debian: apt-get install subversion): %v", cmd.Name, err)
		}
		if err != nil {
			return c.errorf(backends.Fatal, "%v", err)
		}
	}
	if since := b.remote.Options["since"]; since != "" && l.Root != "" {
		if strings.HasPrefix(since, "-") {
			return c.errorf(backends.Fatal, "since %q: not a commit", since)
		}
		if _, err := runner.Run(ctx, run.Cmd{Name: "git", Args: []string{"rev-parse", "--verify", "--quiet", since + "^{commit}"}, Dir: l.Root}); err != nil {
			return c.errorf(backends.Fatal, "since %q (--since, or the remote's since key) names no commit of this repository", since)
		}
	}
	return nil
}

// errorf returns a classified error that names the remote.
func (b *backend) errorf(c backends.Class, format string, args ...any) error {
	return kit.Errorf(b.remote.Name, c, format, args...)
}
