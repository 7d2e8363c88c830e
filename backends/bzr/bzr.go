// Package bzr is the Bazaar backend: it pushes the git branch's commits to
// a Bazaar branch (a path, bzr+ssh://, sftp://, bzr://) with Breezy's `brz`.
//
// Breezy reads git repositories itself, so the usual way is one
// `brz push -d GITREPO TARGET`: each commit becomes the Bazaar revision
// "git-v1:<commit id>", and the branch tip tells, by its revision id alone,
// which commit it holds. Breezy 3.3 fails on some histories (an internal
// error, such as the AttributeError of a one-character top-level file
// name modified later); those are sent instead through
// `git fast-export | brz fast-import` (fastimport.go), whose revision ids
// are random, so the pairs are kept in .git/vcsync/bzr/revmap.
//
// Nothing here may prompt: pushes run in parallel. The package must not
// import the core (package vcsync) nor internal/cli; brz and git run through
// internal/run.
package bzr

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

// schemes are the URL schemes brz can push a branch to. Anything else
// (svn://, git://) is a typo or a job for another backend, refused early.
var schemes = []string{"file", "bzr", "bzr+ssh", "sftp", "bzr+http", "bzr+https", "http", "https"}

// env is added to every brz run. LC_ALL=C.UTF-8, not internal/run's C:
// under C, brz's file name encoding is ASCII, and a push of "café.txt"
// fails with UnicodeEncodeError; its messages stay in English. No progress
// bar: its output is not for us. SSH_ASKPASS_REQUIRE=force with an askpass
// that fails makes ssh (which brz runs for bzr+ssh:// and sftp://) fail at
// once where it would ask for a password, a passphrase or a new host key
// on the terminal: brz cannot pass ssh -oBatchMode=yes.
var env = []string{"LC_ALL=C.UTF-8", "BRZ_PROGRESS_BAR=none", "SSH_ASKPASS=false", "SSH_ASKPASS_REQUIRE=force"}

type backend struct {
	remote backends.Remote
}

// New returns the bzr backend for r. It checks r.URL without contacting
// the remote.
func New(r backends.Remote) (backends.Backend, error) {
	b := &backend{remote: r}
	if err := b.validate(); err != nil {
		return nil, err
	}
	return b, nil
}

// validate refuses URLs and settings that brz would misread.
func (b *backend) validate() error {
	u := b.remote.URL
	switch {
	case u == "":
		return b.errorf(backends.Fatal, "no url")
	case strings.HasPrefix(u, "-"):
		// CVE-2017-1000117: brz would take it for an option.
		return b.errorf(backends.Fatal, "url %q begins with '-': refused", run.RedactURL(u))
	case b.remote.Branch != "":
		return b.errorf(backends.Fatal, "branch %q: a Bazaar branch is named by its url alone; remove the branch setting", b.remote.Branch)
	}
	scheme, _, ok := strings.Cut(u, "://")
	if !ok {
		return nil // a path, or lp:...
	}
	if !slices.Contains(schemes, scheme) {
		return b.errorf(backends.Fatal, "url %q: unsupported scheme %q (known: %s, or a path)", run.RedactURL(u), scheme, strings.Join(schemes, ", "))
	}
	if run.RedactURL(u) != u {
		// DESIGN.md: secrets never in argv (ps shows it to every user).
		return b.errorf(backends.Fatal, "url %q holds a password: put it in ~/.config/breezy/authentication.conf instead", run.RedactURL(u))
	}
	return nil
}

// target returns the URL to hand to brz: a relative path is relative to
// root, the top of the working tree, as for the git backend.
func (b *backend) target(root string) string {
	u := b.remote.URL
	if strings.Contains(u, "://") || strings.HasPrefix(u, "lp:") || filepath.IsAbs(u) {
		return u
	}
	return filepath.Join(root, u)
}

// Capabilities: Breezy keeps the author (a revision property when it is
// not the committer) and the date; the branch tip moves only once every
// revision is stored, so a push lands whole or not at all.
func (b *backend) Capabilities() backends.Capabilities {
	return backends.Capabilities{KeepsAuthor: true, KeepsDate: true, Atomic: true, Program: "brz"}
}

// Check validates the URL, runs `brz version` to prove brz is installed,
// and for a local path that exists, checks that it is a branch. It does not
// contact a remote: one that is down fails the push, not the commit.
func (b *backend) Check(ctx context.Context, l backends.Local) error {
	c := &backend{remote: b.remote} // Check may run while the engine pushes with b
	if err := c.validate(); err != nil {
		return err
	}
	if _, err := (*run.Runner)(nil).Run(ctx, run.Cmd{Name: "brz", Args: []string{"version"}, Dir: l.Neutral(), Neutral: true, Env: env}); err != nil {
		return c.errorf(backends.Fatal, "brz, which pushes to Bazaar branches, does not run (install brz): %v", err)
	}
	if strings.Contains(c.remote.URL, "://") || strings.HasPrefix(c.remote.URL, "lp:") {
		return nil
	}
	dir, _ := filepath.Abs(c.remote.URL) // Check has no Local: relative to the current directory
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return nil // an unmounted disk is like a server that is down
	}
	if _, err := os.Stat(filepath.Join(dir, ".bzr")); err != nil {
		return c.errorf(backends.Fatal, "%s is not a Bazaar branch: make it with `brz init %s` first", dir, dir)
	}
	return nil
}

// brz runs brz with env outside the working tree, where a committed .bzr/
// would be the branch brz opens. A dry run prints it: see read.
func (b *backend) brz(ctx context.Context, l backends.Local, args ...string) ([]byte, error) {
	return l.Runner.Run(ctx, run.Cmd{Name: "brz", Args: args, Dir: l.Neutral(), Neutral: true, Env: env, Group: true})
}

// read runs brz as brz does, for a command that only reads a branch
// (revision-info, tags): a dry run runs it too.
func (b *backend) read(ctx context.Context, l backends.Local, args ...string) ([]byte, error) {
	return l.Runner.Run(ctx, run.Cmd{Name: "brz", Args: args, Dir: l.Neutral(), Neutral: true, Env: env, Group: true, ReadOnly: true})
}

// errorf returns a classified error that names the remote.
func (b *backend) errorf(c backends.Class, format string, args ...any) error {
	return backends.Errorf(c, "remote %s: "+format, append([]any{b.remote.Name}, args...)...)
}
