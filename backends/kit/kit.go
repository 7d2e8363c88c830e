// Package kit holds what the backends that run programs (svn, git-svn,
// bzr, hg, command) share, so that each backend package keeps only what is
// its own: errors that name the remote, the classification of what a
// program said, the guards against URLs read as options, the names of
// per-remote environment variables, and the questions asked of the local
// git repository.
//
// It must not import the core (package vcsync) nor internal/cli, and knows
// nothing of any one backend: a backend's own wording and tables stay in
// its package.
package kit

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// Errorf returns a classified error that names the remote, as every
// backend words its errors: "remote NAME: ...".
func Errorf(remote string, c backends.Class, format string, args ...any) error {
	return backends.Errorf(c, "remote %s: "+format, append([]any{remote}, args...)...)
}

// Base is embedded by a backend that runs programs: it names the remote
// in errors and classifies the errors of the programs it runs.
type Base struct {
	Remote backends.Remote
	// Classify tells the engine what to do about the failed run of a
	// program; nil: Classify with no rules.
	Classify func(error) backends.Class
	// Brief, if set, shortens the error of a run for the user (a Python
	// traceback to its last line, say).
	Brief func(error) error
}

// Errorf returns a classified error that names the remote.
func (b *Base) Errorf(c backends.Class, format string, args ...any) error {
	return Errorf(b.Remote.Name, c, format, args...)
}

// Fail classifies err, the error of a run (already redacted by
// internal/run), and names the remote and what was being done. An error
// that is already classified passes unchanged: its wording is final.
func (b *Base) Fail(err error, what string) error {
	var be *backends.Error
	if errors.As(err, &be) {
		return err
	}
	var class backends.Class
	if b.Classify != nil {
		class = b.Classify(err)
	} else {
		class = Classify(err, nil)
	}
	shown := err
	if b.Brief != nil {
		shown = b.Brief(err)
	}
	return &backends.Error{Class: class, Err: fmt.Errorf("remote %s: %s: %w", b.Remote.Name, what, shown)}
}

// RefuseOption returns an error if value, which a program would get as an
// argument, begins with "-" and would be read as an option
// (CVE-2017-1000117: ssh -oProxyCommand=...). Such a URL is an attack,
// never a typo. what names the value ("url", "command"); a URL is shown
// redacted.
func RefuseOption(what, value string) error {
	if !strings.HasPrefix(value, "-") {
		return nil
	}
	return fmt.Errorf("%s %q begins with '-': refused", what, run.RedactURL(value))
}

// EnvName returns the remote's name as it appears in the names of
// per-remote environment variables (VCSYNC_TOKEN_<NAME>): in upper case,
// anything but ASCII letters and digits as "_".
func EnvName(remote string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'A'
		case 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
			return r
		}
		return '_'
	}, remote)
}

// Short abbreviates a commit id for messages, as git's old..new does.
// "" stays "": a caller that prints one (a dry run's pull of a revision
// not converted yet) leaves it out.
func Short(id string) string { return id[:min(len(id), 12)] }

// Valid returns b, or nil and err when b did not validate: the end of
// every backend's New.
func Valid(b backends.Backend, err error) (backends.Backend, error) {
	if err != nil {
		return nil, err
	}
	return b, nil
}
