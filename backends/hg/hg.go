// Package hg is the Mercurial backend: it pushes the git branch's commits
// to a Mercurial repository (a path, ssh://, http(s)://) with `hg`.
//
// hg cannot read git, and hg-git is rarely installed, so the commits are
// first converted into a local Mercurial mirror with the convert extension
// that ships with hg (mirror.go), then pushed from it with `hg push`. The
// conversion is incremental, and deterministic: its shamap says which
// changeset is which commit, and it is what tells, from the remote's tip,
// which commit the remote holds.
//
// Nothing here may prompt: pushes run in parallel. The package must not
// import the core (package vcsync) nor internal/cli; hg and git run through
// internal/run.
package hg

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// schemes are the URL schemes hg can push to.
var schemes = []string{"file", "ssh", "http", "https"}

// env is added to every hg run. HGPLAIN: the user's aliases, defaults and
// output settings must not change the commands or the output we parse.
// HGENCODING: under our LC_ALL=C hg would store non-ASCII messages and
// names in ASCII, mangled. SSH_ASKPASS_REQUIRE=force with an askpass that
// fails makes ssh fail at once where it would ask for a password, a
// passphrase or a new host key on the terminal: --noninteractive covers
// hg's own prompts, not ssh's.
var env = []string{"HGPLAIN=1", "HGENCODING=utf-8", "SSH_ASKPASS=false", "SSH_ASKPASS_REQUIRE=force"}

type backend struct {
	remote backends.Remote
}

// New returns the hg backend for r. It checks r.URL without contacting the
// remote.
func New(r backends.Remote) (backends.Backend, error) {
	b := &backend{remote: r}
	if err := b.validate(); err != nil {
		return nil, err
	}
	return b, nil
}

// validate refuses URLs and settings that hg would misread.
func (b *backend) validate() error {
	u := b.remote.URL
	switch {
	case u == "":
		return b.errorf(backends.Fatal, "no url")
	case strings.HasPrefix(u, "-"):
		// CVE-2017-1000117 (hg's CVE-2017-1000116): an option, not a URL.
		return b.errorf(backends.Fatal, "url %q begins with '-': refused", run.RedactURL(u))
	case b.remote.Branch != "" && b.remote.Branch != "default":
		return b.errorf(backends.Fatal, "branch %q: vcsync pushes to the default branch of a Mercurial repository; remove the branch setting", b.remote.Branch)
	}
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return nil // a path
	}
	if !slices.Contains(schemes, scheme) {
		return b.errorf(backends.Fatal, "url %q: unsupported scheme %q (known: %s, or a path)", run.RedactURL(u), scheme, strings.Join(schemes, ", "))
	}
	if strings.HasPrefix(rest, "-") {
		return b.errorf(backends.Fatal, "url %q: the host begins with '-': refused", run.RedactURL(u))
	}
	if run.RedactURL(u) != u {
		// DESIGN.md: secrets never in argv (ps shows it to every user).
		return b.errorf(backends.Fatal, "url %q holds a password: put it in the [auth] section of ~/.hgrc instead", run.RedactURL(u))
	}
	return nil
}

// target returns the URL to hand to hg: a relative path is relative to
// root, the top of the working tree, as for the git backend.
func (b *backend) target(root string) string {
	u := b.remote.URL
	if strings.Contains(u, "://") || filepath.IsAbs(u) {
		return u
	}
	return filepath.Join(root, u)
}

// Capabilities: the conversion keeps the author and the author's date; an
// hg push lands in one transaction on the remote.
func (b *backend) Capabilities() backends.Capabilities {
	return backends.Capabilities{KeepsAuthor: true, KeepsDate: true, Atomic: true, Program: "hg"}
}

// Check validates the URL, runs `hg version` and `git version` (the convert
// extension reads the repository with git) to prove they are installed,
// and for a local path that exists, checks that it is a repository. It does
// not contact a remote: one that is down fails the push, not the commit.
func (b *backend) Check(ctx context.Context, l backends.Local) error {
	c := &backend{remote: b.remote} // Check may run while the engine pushes with b
	if err := c.validate(); err != nil {
		return err
	}
	for _, prog := range []string{"hg", "git"} {
		// Not in the current directory: hg would read the hgrc of a
		// repository there (-C names another; the tree may commit .hg/).
		if _, err := (*run.Runner)(nil).Run(ctx, run.Cmd{Name: prog, Args: []string{"version"}, Dir: l.Neutral(), Neutral: true, Env: env}); err != nil {
			return c.errorf(backends.Fatal, "%s, which the hg backend needs, does not run (install mercurial and git): %v", prog, err)
		}
	}
	if strings.Contains(c.remote.URL, "://") {
		return nil
	}
	dir, _ := filepath.Abs(c.remote.URL) // Check has no Local: relative to the current directory
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return nil // an unmounted disk is like a server that is down
	}
	if _, err := os.Stat(filepath.Join(dir, ".hg")); err != nil {
		return c.errorf(backends.Fatal, "%s is not a Mercurial repository: make it with `hg init %s` first", dir, dir)
	}
	return nil
}

// hg runs hg with env, never interactive, outside the working tree: hg
// reads the .hg/hgrc of the repository it starts in, or above, and a
// clone may commit one with [hooks] and [extensions]. Every repository it
// works on is named by an absolute path.
func (b *backend) hg(ctx context.Context, l backends.Local, args ...string) ([]byte, error) {
	// Group: ssh:// runs ssh, and hg convert runs git: a timeout ends them
	// with hg.
	return l.Runner.Run(ctx, run.Cmd{Name: "hg", Args: append([]string{"--noninteractive"}, args...), Dir: l.Neutral(), Neutral: true, Env: env, Group: true})
}

// read runs hg as hg does, for a command that only reads (identify, tags):
// a dry run runs it too, where it prints the others.
func (b *backend) read(ctx context.Context, l backends.Local, args ...string) ([]byte, error) {
	return l.Runner.Run(ctx, run.Cmd{Name: "hg", Args: append([]string{"--noninteractive"}, args...), Dir: l.Neutral(), Neutral: true, Env: env, Group: true, ReadOnly: true})
}

// errorf returns a classified error that names the remote.
func (b *backend) errorf(c backends.Class, format string, args ...any) error {
	return backends.Errorf(c, "remote %s: "+format, append([]any{b.remote.Name}, args...)...)
}
