package command

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// The protocol between vcsync and the program.
//
// The program runs in the top of the working tree, with the environment of
// env.go, stdin from /dev/null. Its exit status is the result, in the
// vocabulary of sysexits.h, so that a script can say `exit 75`:
//
//	0             the remote holds VCSYNC_TO
//	65 EX_DATAERR the remote has changes we lack: rejected (diverged), never
//	              retried; the program must not have forced anything
//	75 EX_TEMPFAIL a temporary failure (network, a busy server): retried
//	77 EX_NOPERM  credentials missing or refused
//	anything else, or a signal: a failure, not retried
//
// What it writes to stderr explains a failure: it goes into the error,
// redacted. Its stdout is read for these lines, each on a line of its own,
// and otherwise ignored:
//
//	vcsync-up-to-date       (with exit 0) the remote already had VCSYNC_TO:
//	                        nothing was sent; a new run that lost its state
//	                        asks the program, which asks the remote
//	vcsync-holds ID         the remote now holds the local commit ID
//	                        (default: VCSYNC_TO)
//	vcsync-revision REV     the remote's own name for it, a deploy id, a
//	                        version (default: the commit id)
//
// When vcsync's state says the remote already holds VCSYNC_TO (FROM = TO),
// the program is not run at all: its result for that range is known.
//
// Otherwise vcsync runs it whenever its state does not record the remote
// as holding VCSYNC_TO: after a failure, a timeout, or a vcsync killed
// while or after the program ran, it runs again for the range, from the
// last commit it was recorded as having (at least once; it cannot ask the
// remote without the program). A program that checks its remote first and
// answers vcsync-up-to-date sends nothing twice.
//
// The program runs in a session and process group of its own, without a
// controlling terminal, and nothing of it outlives the push: after
// --timeout or a Ctrl-C the whole group gets SIGTERM, and a few seconds
// later SIGKILL; when the program exits, whatever it left running in its
// group is killed (to leave something running, detach it with setsid).
// File descriptor 3 is a lock (lock.go) that keeps a later push from
// running the program again while one that a killed vcsync started still
// runs: leave it open. It holds while a process of the program keeps it;
// ssh, which closes every inherited descriptor, is run from a shell.
const (
	exitRejected  = 65 // EX_DATAERR
	exitTransient = 75 // EX_TEMPFAIL
	exitAuth      = 77 // EX_NOPERM
)

// The directives the program may write on stdout.
const (
	lineUpToDate = "vcsync-up-to-date"
	lineHolds    = "vcsync-holds"
	lineRevision = "vcsync-revision"
)

// Push runs the program to make the remote hold r.To.
func (b *backend) Push(ctx context.Context, l backends.Local, r backends.Range) (backends.Result, error) {
	if !isID(r.To) || (r.From != "" && !isID(r.From)) {
		return backends.Result{}, b.errorf(backends.Fatal, "push %s..%s: %v", short(r.From), short(r.To), errBadID)
	}
	if r.From == r.To {
		return backends.Result{Status: backends.StatusUpToDate, Holds: r.To, Revision: r.To, From: r.To}, nil
	}
	prog, err := b.program(l.Root)
	if err != nil {
		return backends.Result{}, err
	}
	env, err := b.environ(ctx, l, r)
	if err != nil {
		return backends.Result{}, err
	}
	if l.Runner.Dry() {
		// The program would send: printed, with the range it gets, and no
		// lock file made for it.
		l.Runner.Run(ctx, run.Cmd{Name: prog, Args: b.argv[1:], Dir: l.Root, Secrets: secrets(b.remote.URL),
			Note: "VCSYNC_FROM=" + short(r.From) + " VCSYNC_TO=" + short(r.To)})
		return backends.Result{Status: backends.StatusOK, Holds: r.To, Revision: r.To, From: r.From}, nil
	}
	lk, err := b.lock(ctx, l)
	if err != nil {
		return backends.Result{}, err
	}
	out, err := l.Runner.Run(ctx, run.Cmd{
		Name:       prog,
		Args:       b.argv[1:],
		Dir:        l.Root,
		Env:        env,
		Secrets:    secrets(b.remote.URL),
		Group:      true,
		ExtraFiles: []*os.File{lk.f},
	})
	lk.unlock()
	if err != nil {
		return backends.Result{}, b.failed(err)
	}
	res, err := b.result(out, r.To)
	res.From = r.From
	return res, err
}

// result reads the program's stdout after it exited 0.
func (b *backend) result(stdout []byte, to string) (backends.Result, error) {
	res := backends.Result{Status: backends.StatusOK, Holds: to, Revision: to}
	revision := ""
	for _, line := range strings.Split(string(stdout), "\n") {
		word, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		arg = strings.TrimSpace(arg)
		switch word {
		case lineUpToDate:
			res.Status = backends.StatusUpToDate
		case lineHolds:
			if !isID(arg) {
				return backends.Result{}, b.errorf(backends.Fatal, "the command said %q: %v", lineHolds+" "+arg, errBadID)
			}
			res.Holds = arg
		case lineRevision:
			revision = arg
		}
	}
	res.Revision = res.Holds
	if revision != "" {
		res.Revision = revision
	}
	return res, nil
}

// failed classifies the error of a program that failed, by its exit status.
func (b *backend) failed(err error) error {
	var re *run.RunError
	switch {
	case errors.Is(err, context.Canceled):
		return b.errorf(backends.Fatal, "%w", err) // the user interrupted: never retried
	case errors.Is(err, context.DeadlineExceeded):
		return b.errorf(backends.Transient, "%w", err)
	case !errors.As(err, &re):
		return b.errorf(backends.Fatal, "%w", err)
	}
	class, meaning := backends.Fatal, ""
	switch re.ExitCode {
	case exitRejected:
		class, meaning = backends.Rejected, "rejected, the remote has changes we lack (pull and merge them, then push again; vcsync never forces): "
	case exitTransient:
		class, meaning = backends.Transient, "temporary failure: "
	case exitAuth:
		class, meaning = backends.Auth, "credentials missing or refused: "
	}
	return b.errorf(class, "%s%w", meaning, err)
}
