package gitsvn

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vcsync/vcsync/backends"
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
var messages = []struct {
	text  string
	class backends.Class
}{
	// Subversion: a file we change was changed since our base revision.
	{"is out of date", backends.Rejected},
	{"conflict at", backends.Rejected}, // svn
	{"conflict (", backends.Rejected},  // git rebase: "CONFLICT (content): Merge conflict in a.c"
	{"could not apply", backends.Rejected},
	// svnserve, mod_dav_svn: no or wrong credentials (E170001, E215004).
	{"authorization failed", backends.Auth},
	{"authentication failed", backends.Auth},
	{"no more credentials", backends.Auth},
	{"permission denied", backends.Auth}, // ssh
	{"host key verification failed", backends.Auth},
	// The network or the server, worth a retry.
	{"can't connect to host", backends.Transient},
	{"could not connect to server", backends.Transient},
	{"connection refused", backends.Transient},
	{"connection reset", backends.Transient},
	{"network connection closed unexpectedly", backends.Transient},
	{"timed out", backends.Transient},
	{"temporary failure in name resolution", backends.Transient},
	{"service unavailable", backends.Transient},
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
	text = strings.ToLower(text)
	for _, m := range messages {
		if strings.Contains(text, m.text) {
			return m.class
		}
	}
	return backends.Fatal
}
