// Package backends defines what a push target is for vcsync: the Backend
// interface every kind of remote implements (git, svn, git-svn, bzr, hg,
// command), the classes of error the push engine acts on, and the registry
// that builds a backend from a remote's configuration.
//
// Backends must not import the core (package vcsync) nor internal/cli: the
// engine drives them, never the other way round. Programs are run through
// internal/run only.
package backends

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/vcsync/vcsync/internal/run"
)

// Capabilities are the static facts about a backend, as a plain struct
// (restic's Properties), so that the engine can plan without asking.
type Capabilities struct {
	RewritesHistory bool   // the commits it sends come back with new ids (git-svn): it runs before the git remotes
	KeepsAuthor     bool   // the remote records the commit's author
	KeepsDate       bool   // the remote records the commit's date
	Atomic          bool   // a push lands whole or not at all
	Program         string // the program it needs on PATH, "" for none
}

// Remote is one configured push target.
type Remote struct {
	Name    string            // the NAME of [vcsync "NAME"], or the git remote's name
	Kind    string            // the backend: git, svn, ...
	URL     string            // as configured; may hold credentials, never print it unredacted
	Branch  string            // the remote branch; "" means the local branch's name
	Options map[string]string // the section's other keys, for backend-specific settings
}

// Local is the repository a push reads from. Each push gets its own: a
// backend opens its own go-git repository from Root, so that no go-git
// object is shared between the goroutines of a parallel push.
type Local struct {
	Root   string      // the working tree's root
	Branch string      // the local branch being pushed ("" for a detached HEAD)
	Runner *run.Runner // for backends that run programs
	// Scratch is a directory that vcsync made for this run, outside the
	// working tree. Programs that a repository's files could configure
	// (hg reads .hg/hgrc, brz a .bzr/ branch, svn a .svn/ working copy,
	// from the directory they start in and its parents) run there, never
	// in Root, whose files a clone's publisher wrote (DESIGN.md, "Trust").
	Scratch string
	// Progress, if non-nil, receives a line about long work as it goes
	// ("Writing objects:  45% (…), 12.00 MiB | 6.00 MiB/s", "r12 of 340"),
	// for the remote's live line on a terminal. nil means that nobody
	// watches (--json, a pipe, a log): the backend asks its programs for
	// no progress at all.
	Progress func(string)
}

// Report passes line to l.Progress, if any.
func (l Local) Report(line string) {
	if l.Progress != nil {
		l.Progress(line)
	}
}

// Neutral is the directory to run hg, brz, svn and svnmucc in: Scratch,
// else (a Local built without one, in a test) the system's temporary
// directory. Never the working tree.
func (l Local) Neutral() string {
	if l.Scratch != "" {
		return l.Scratch
	}
	return os.TempDir()
}

// Range is what to push: the local commit To, and From, the local commit
// the remote was last known to hold ("" when unknown). From is a hint: the
// backend asks the remote what it holds before sending anything.
type Range struct {
	From       string
	To         string
	FollowTags bool // also push the annotated tags that point into the range

	// FromRevision is From in the remote's terms, as the state recorded
	// it ("r12"): where vcsync pull made a foreign svn revision into the
	// commit From, the revision itself cannot say so.
	FromRevision string
}

// Status is how a push ended.
type Status string

// The statuses of a push, as DESIGN.md's JSON spells them.
const (
	StatusOK       Status = "ok"         // the remote received new commits
	StatusUpToDate Status = "up-to-date" // it already had them
	StatusRejected Status = "rejected"   // it has commits we lack: diverged, never forced
	StatusFailed   Status = "failed"     // any other error
	StatusSkipped  Status = "skipped"    // not tried: the primary remote failed first
)

// Result is what the remote holds after a successful push.
type Result struct {
	Status Status // StatusOK or StatusUpToDate
	Holds  string // the local commit id the remote now holds
	// From is the local commit the remote held before the push, as the
	// backend found it there; "" for an empty remote, or when the backend
	// did not ask. A dry run says OLD..NEW from it.
	From     string
	Revision string // the same in the remote's own terms (a commit id, "r123", a revno)
	// Rewritten maps local commit ids to the ids that replace them, for a
	// backend that rewrites history (git-svn); nil otherwise.
	Rewritten map[string]string
	// Messages are what the remote's server said during the push, a line
	// each, in order: the git backend's "remote:" lines (the hooks'
	// output). A backend may return them with an error too: a hook's
	// refusal explains itself there.
	Messages []string
}

// Backend is one remote of one kind. Its methods take a context: the engine
// cancels it on Ctrl-C and on the per-remote timeout.
type Backend interface {
	// Capabilities returns the backend's static facts.
	Capabilities() Capabilities
	// Check finds setup errors before the local commit is made: the
	// program is installed, the URL can be parsed, the repository l is of
	// the kind the backend needs. It may contact the remote only when that
	// is cheap, and a remote that cannot be reached is not a Check error:
	// the commit still happens, the push fails later. l.Runner is quiet.
	Check(ctx context.Context, l Local) error
	// Push makes the remote hold r.To. It must be idempotent: a remote that
	// already holds r.To gives StatusUpToDate and sends nothing. A remote
	// that holds commits r.To does not contain is an error of class
	// Rejected, and is never forced. Errors must be classified (see Error).
	Push(ctx context.Context, l Local, r Range) (Result, error)
}

// Class tells the engine what to do about a push error.
type Class int

// The classes of push error.
const (
	Fatal     Class = iota // report; retrying will not help
	Transient              // the network or the server: retry with backoff
	Rejected               // the remote diverged: report, never force
	Auth                   // credentials missing or refused: report
)

func (c Class) String() string {
	return [...]string{"fatal", "transient", "rejected", "auth"}[c]
}

// Error is a classified push error.
type Error struct {
	Class Class
	Err   error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a classified error.
func Errorf(c Class, format string, args ...any) error {
	return &Error{Class: c, Err: fmt.Errorf(format, args...)}
}

// ClassOf returns the class of err: Fatal for an unclassified error, so
// that an error a backend forgot to classify is never retried.
func ClassOf(err error) Class {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return Fatal
}

// Factory builds a backend for a remote. It must not contact the remote.
type Factory func(Remote) (Backend, error)

// Registry maps backend kinds to their factories. It is built explicitly in
// one place (package backends/all), never by init functions.
type Registry map[string]Factory

// New builds the backend of r's kind. An unknown kind is an error that
// lists the known ones.
func (reg Registry) New(r Remote) (Backend, error) {
	f, ok := reg[r.Kind]
	if !ok {
		return nil, fmt.Errorf("remote %s: unknown backend %q (known: %s)", r.Name, r.Kind, strings.Join(reg.Kinds(), ", "))
	}
	return f(r)
}

// Kinds lists the registered kinds, sorted.
func (reg Registry) Kinds() []string {
	var ks []string
	for k := range reg {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Prober is implemented by a backend that can tell which local commit its
// remote holds without pushing anything: vcsync status asks it.
type Prober interface {
	// Holds returns the local commit id the remote's branch holds, "" for
	// none. A commit that is not in the local history is returned as is.
	Holds(ctx context.Context, l Local) (string, error)
}
