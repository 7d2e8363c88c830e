package gitsvn

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
)

// cleanupTimeout bounds `git rebase --abort` after a failed dcommit. It runs
// even when the push's context has ended (the user pressed Ctrl-C during
// dcommit's rebase), since a half-done rebase must not be left behind.
const cleanupTimeout = 30 * time.Second

// failed cleans up after a failed dcommit and returns its classified error.
// dcommit may have sent some commits before failing: it says so on stdout
// ("Committed r12"), and then the error says what Subversion received.
func (b *backend) failed(ctx context.Context, l backends.Local, stdout string, err error) error {
	var notes []string
	if aborted, abortErr := abortRebase(ctx, l); abortErr != nil {
		notes = append(notes, fmt.Sprintf("dcommit stopped in a rebase, and git rebase --abort failed: %v", abortErr))
	} else if aborted {
		notes = append(notes, "dcommit's rebase onto the new Subversion revisions conflicted; it was aborted and HEAD is as before")
	}
	if revs := committed(stdout); len(revs) > 0 {
		names := make([]string, len(revs))
		for i, r := range revs {
			names[i] = fmt.Sprintf("r%d", r)
		}
		notes = append(notes, "Subversion received "+strings.Join(names, ", ")+" before the failure")
	}
	class := classify(ctx, err, stdout)
	if class == backends.Rejected {
		notes = append(notes, "Subversion has changes that conflict with ours: run git svn rebase, resolve, then vcsync push (vcsync never resolves a conflict)")
	}
	if len(notes) == 0 {
		return b.errorf(class, "%w", err)
	}
	return b.errorf(class, "%w\n%s", err, strings.Join(notes, "\n"))
}

// abortRebase aborts the rebase that a failed dcommit left stopped on a
// conflict, so that the working tree is clean and HEAD is what it was.
// vcsync refuses to start while a rebase is under way, so any rebase here
// is dcommit's.
func abortRebase(ctx context.Context, l backends.Local) (bool, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	rebasing, err := rebasing(ctx, l)
	if err != nil || !rebasing {
		return false, err
	}
	_, err = change(ctx, l, "rebase", "--abort")
	return true, err
}

// messages maps what git svn, Subversion and git rebase say (in English:
// internal/run sets LC_ALL=C) to a class. The first match wins; the text is
// compared in lower case.
var messages = []kit.Rule{
	// Subversion: a file we change was changed since our base revision.
	{Text: "is out of date", Class: backends.Rejected},
	{Text: "conflict at", Class: backends.Rejected}, // svn
	{Text: "conflict (", Class: backends.Rejected},  // git rebase: "CONFLICT (content): Merge conflict in a.c"
	{Text: "could not apply", Class: backends.Rejected},
	// svnserve, mod_dav_svn: no or wrong credentials (E170001, E215004).
	{Text: "authorization failed", Class: backends.Auth},
	{Text: "authentication failed", Class: backends.Auth},
	{Text: "no more credentials", Class: backends.Auth},
	{Text: "permission denied", Class: backends.Auth}, // ssh
	{Text: "host key verification failed", Class: backends.Auth},
	// The network or the server, worth a retry.
	{Text: "can't connect to host", Class: backends.Transient},
	{Text: "could not connect to server", Class: backends.Transient},
	{Text: "connection refused", Class: backends.Transient},
	{Text: "connection reset", Class: backends.Transient},
	{Text: "network connection closed unexpectedly", Class: backends.Transient},
	{Text: "timed out", Class: backends.Transient},
	{Text: "temporary failure in name resolution", Class: backends.Transient},
	{Text: "service unavailable", Class: backends.Transient},
}

// classify tells the engine what to do about a failed dcommit, from its
// error, its stderr and its stdout (where git svn prints the rebase's
// conflicts). What nothing matches is Fatal: never retried.
func classify(ctx context.Context, err error, stdout string) backends.Class {
	switch {
	case errors.Is(err, context.Canceled):
		return backends.Fatal // the user interrupted
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return backends.Transient
	}
	text := stdout
	var re *run.RunError
	if errors.As(err, &re) {
		text = re.Stderr + "\n" + stdout
	}
	if c, ok := kit.Match(strings.ToLower(text), messages); ok {
		return c
	}
	return backends.Fatal
}
