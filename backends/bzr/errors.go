package bzr

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
)

// exitInternal is brz's exit status for an internal error (an uncaught
// Python exception, with a traceback), as opposed to 3 for an error it
// reports itself (diverged branches, a missing branch, a refused
// connection). Only an internal error of `brz push` is worth the
// fast-import fallback.
const exitInternal = 4

// messages maps what brz, ssh and git say (LC_ALL=C: in English) to a
// class. The first match wins, so ssh's authentication failures come before
// the "Connection closed" that brz reports after them.
var messages = slices.Concat([]kit.Rule{
	{Text: "have diverged", Class: backends.Rejected}, // "These branches have diverged."
}, kit.SSHRules, []kit.Rule{
	{Text: "Authentication failed", Class: backends.Auth},
	{Text: "Connection closed", Class: backends.Transient},
	// Another brz holds the remote branch's lock: a retry may find it free.
	{Text: "Could not acquire lock", Class: backends.Transient},
	{Text: "LockContention", Class: backends.Transient},
})

// classify tells the engine what to do about a failed run.
func classify(err error) backends.Class { return kit.Classify(err, messages) }

// brief shortens the error of a brz that crashed: its stderr is a Python
// traceback and a plea to file a bug, and only the "brz: ERROR:" line says
// what happened.
func brief(err error) error {
	var re *run.RunError
	if !errors.As(err, &re) || !strings.Contains(re.Stderr, "Traceback") {
		return err
	}
	for line := range strings.SplitSeq(re.Stderr, "\n") {
		if strings.HasPrefix(line, "brz: ERROR:") {
			short := *re
			short.Stderr = line + " (an internal error of brz; its log is ~/.cache/breezy/brz.log)"
			return &short
		}
	}
	return err
}

// locked reports whether err is a brz that could not take the branch's
// lock: "brz: ERROR: Could not acquire lock "(remote lock)": URL". A run
// that our context ended is not: it timed out or was cancelled, whatever
// brz had said by then.
func locked(err error) bool {
	var re *run.RunError
	if !errors.As(err, &re) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return strings.Contains(re.Stderr, "Could not acquire lock") || strings.Contains(re.Stderr, "LockContention")
}

// lockedError is the error of a push that found the branch target locked.
// Another push may hold the lock; or one that was stopped part way (our
// --timeout, a kill, a dropped connection) left it: brz takes the lock
// before it sends anything, and a bzr:// server (brz serve) keeps it on
// disk, in its own name, when its client goes away. brz steals only the
// lock of a dead process on its host, and the server is alive; through the
// server, nobody can tell whose push took it. So vcsync never breaks it:
// the user, who knows whether a push is running, does. Transient: a push
// that is running will end, and --retries may then find the lock free.
func (b *backend) lockedError(target string) error {
	u := run.RedactURL(target)
	return b.Errorf(backends.Transient, "the branch %s is locked: another push to it is running, or one that was stopped part way (a timeout, a kill) left its lock; if no push to it is running, break the lock with `brz break-lock %s`, then push again",
		u, run.Quote(u))
}

// internalError reports whether err is a crash of brz itself.
func internalError(err error) bool {
	var re *run.RunError
	return errors.As(err, &re) && re.ExitCode == exitInternal
}
