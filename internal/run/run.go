// Package run is the one place where vcsync starts external programs: git
// hooks, git svn, svn, svnmucc, brz, hg and user commands.
//
// Keeping os/exec behind one choke point, as cmd/go does in
// modfetch/codehost, means every program runs with a context, a known
// environment (LC_ALL=C, so that the messages we parse are in English), its
// stdout and stderr kept apart, -x style tracing for --verbose, printing
// instead of running for --dry-run, and errors that show the command and its
// stderr with credentials redacted. No other vcsync package may import
// os/exec; this package must not import any other vcsync package.
package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// waitDelay is how long a cancelled program has, after SIGTERM, to exit and
// close its output before it is killed: enough for svn or git to remove a
// lock file, short enough that Ctrl-C feels immediate.
const waitDelay = 3 * time.Second

// Cmd describes one program to run. It is plain data so that callers and
// tests can build, compare and print commands without running them.
type Cmd struct {
	Name string   // the program, looked up in PATH
	Args []string // its arguments; put "--" before user-supplied paths and URLs
	Dir  string   // working directory; "" means the current one
	// Neutral says that Dir only keeps the program away from another
	// directory's configuration (hg, brz and svn read that of the
	// directory they start in, which may be a clone's): the command does
	// not depend on it, and echoed command lines leave it out.
	Neutral bool
	// ReadOnly says that the program only reads (svn info, svn log, git
	// ls-remote, brz revision-info, hg identify): a dry run runs it, so
	// that its plan rests on what is so. Every other command is taken to
	// write, and a dry run prints it instead: a backend that forgets to say
	// a command only reads gets a plan that is short, never a change.
	ReadOnly bool
	// Note, if set, follows the command line in what a dry run and -v
	// print, as a shell comment: what the command does that its arguments
	// do not show (the URL an svnmucc actions file commits to). It is
	// redacted like the command line.
	Note  string
	Env   []string // KEY=VALUE added to (and overriding) the base environment; the place for secrets
	Stdin io.Reader
	// Secrets are values replaced by "***" in every echoed command line and
	// error, such as a password that a program may repeat in its stderr.
	Secrets []string
	// Stderr, if non-nil, also receives the program's stderr as it runs:
	// what a git hook prints is meant for the user, failing or not.
	Stderr io.Writer
	// Group runs the program as the leader of a session, and so of a
	// process group, of its own, and ends that group with the run: for a
	// user's program, which may start children vcsync knows nothing of
	// (`sleep 600 &`, an ssh, the programs of a script). When ctx ends,
	// SIGTERM goes to the whole group, not only to the program; when Run
	// returns, whatever is left of the group is killed (SIGKILL): children
	// that ignored SIGTERM, or that the program left running when it
	// exited. Nothing of the run outlives it, nor keeps its output open.
	// A program that means to leave something running detaches it
	// (setsid). In a session of its own the program has no controlling
	// terminal: one that would prompt on /dev/tty fails instead of
	// waiting, as with stdin.
	Group bool
	// ExtraFiles are open files the program inherits, as file descriptors
	// 3, 4, ...
	ExtraFiles []*os.File
	// Stdout, if non-nil, receives the program's stdout as it comes, and
	// Run returns none: a caller can read a long output while the program
	// still writes it (vcsync entry reads git's diff so).
	Stdout io.Writer
	// Terminal gives the program Stdin, Stdout and Stderr as they are,
	// nothing captured: an editor draws on the user's terminal, which it
	// must have itself (a pipe in between makes Vim complain). Its error
	// then has no stderr.
	Terminal bool
}

// Runner runs Cmds. Its zero value, and a nil *Runner, run quietly. One
// Runner may be shared by the goroutines of a parallel push: its echo lines
// do not interleave.
type Runner struct {
	// Verbose, if non-nil, receives each command -x style twice: as it
	// starts ("+ git svn dcommit"), so that a command that hangs is seen
	// while it hangs, and as it ends, with its elapsed time ("+ git svn
	// dcommit (0.42s)"). It backs --verbose.
	Verbose io.Writer
	// DryRun, if non-nil, receives each command that writes (Cmd.ReadOnly
	// unset) instead of its being run; Run then returns empty output and no
	// error. Commands that only read run as usual. It backs --dry-run.
	DryRun io.Writer

	mu     sync.Mutex // serialises writes to Verbose and DryRun
	parent *Runner    // a Runner made by To shares its parent's mu
}

// Dry reports whether r is a dry run: a command that writes is printed,
// not run. A backend asks it where what follows such a command depends on
// its output (the revision svnmucc made), and for what it does without a
// program (go-git's push, a lock file of its own).
func (r *Runner) Dry() bool { return r != nil && r.DryRun != nil }

// To returns a Runner like r whose dry run prints into w, its -v lines
// still going where r's go and never interleaving with them: each remote
// of a parallel dry run gets its own list of commands.
func (r *Runner) To(w io.Writer) *Runner {
	n := &Runner{DryRun: w, parent: r}
	if r != nil {
		n.Verbose = r.Verbose
	}
	return n
}

// Write is the choke point for a change that vcsync makes itself rather
// than through a program (go-git sends a pack over its own connection):
// c describes it as a command line. A dry run prints c and does not call
// f; otherwise f runs and -v echoes c with its time.
func (r *Runner) Write(c Cmd, f func() error) error {
	if r.Dry() {
		r.echo(r.DryRun, echoLine(c)+"\n")
		return nil
	}
	start := time.Now()
	err := f()
	r.Ran(c, time.Since(start))
	return err
}

// RunError is the error of a program that could not start or that failed.
// Like cmd/go's, it never says a bare "exit status 1": it names the command
// and carries the program's stderr, which is what explains the failure.
type RunError struct {
	Cmd      string // the command line, redacted
	Stderr   string // the program's stderr, redacted and trimmed
	Err      error  // the cause: *exec.ExitError, a start error, or the context's error
	ExitCode int    // the exit status, or -1 if the program did not start or a signal ended it
}

// Error formats like cmd/go: "git svn dcommit: exit status 1" followed by the
// stderr lines, each indented by a tab, so that a wrapped error stays readable.
func (e *RunError) Error() string {
	msg := e.Cmd + ": " + e.Err.Error()
	if e.Stderr == "" {
		return msg
	}
	return msg + "\n\t" + strings.ReplaceAll(e.Stderr, "\n", "\n\t")
}

// Unwrap returns Err, so that errors.Is(err, context.Canceled) or
// context.DeadlineExceeded tells an interrupted program from a failed one.
func (e *RunError) Unwrap() error { return e.Err }

// Run runs c and returns its stdout (on failure, whatever it wrote before
// failing; callers parse it, so it is not redacted). On failure the error is
// a *RunError.
// When ctx ends, the program (with Group, its whole process group) gets
// SIGTERM, then SIGKILL if it has not exited within a few seconds, and the
// error wraps ctx.Err().
func (r *Runner) Run(ctx context.Context, c Cmd) (stdout []byte, err error) {
	line := commandLine(c)
	if r.Dry() && !c.ReadOnly {
		r.echo(r.DryRun, echoLine(c)+"\n")
		return nil, nil
	}
	cmd := command(ctx, c)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if c.Stdout != nil {
		cmd.Stdout = c.Stdout
	}
	switch {
	case c.Terminal:
		cmd.Stderr = c.Stderr
	case c.Stderr != nil:
		cmd.Stderr = io.MultiWriter(&errOut, c.Stderr)
	}
	if r != nil && r.Verbose != nil {
		r.echo(r.Verbose, "+ "+line+"\n")
	}
	start := time.Now()
	err = cmd.Run()
	if c.Group && cmd.Process != nil {
		// The program has exited, and its output is closed or WaitDelay
		// has passed: what is left of its group goes now.
		signalGroup(cmd.Process.Pid, syscall.SIGKILL)
		// A child left holding the program's stdout or stderr made Wait
		// give up on them after WaitDelay: the program itself succeeded,
		// and that is its answer.
		if errors.Is(err, exec.ErrWaitDelay) && cmd.ProcessState.Success() {
			err = nil
		}
	}
	if r != nil && r.Verbose != nil {
		r.echo(r.Verbose, fmt.Sprintf("+ %s (%.2fs)\n", echoLine(c), time.Since(start).Seconds()))
	}
	if err != nil {
		return out.Bytes(), newRunError(ctx, c, line, cmd, errOut.String(), err)
	}
	return out.Bytes(), nil
}

// command builds the exec.Cmd for c.
func command(ctx context.Context, c Cmd) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.Name, c.Args...)
	cmd.Dir = c.Dir
	cmd.Stdin = c.Stdin // nil is /dev/null: a program that prompts for a password fails instead of hanging
	// LC_ALL=C: we match programs' messages (svn's "out of date", git's
	// "non-fast-forward"), which must not be translated.
	// VCSYNC=0: a pre-push hook that vcsync installed must not run vcsync
	// again when vcsync itself runs git.
	// c.Env comes last: exec keeps the last value of a repeated key.
	cmd.Env = append(append(os.Environ(), "LC_ALL=C", "VCSYNC=0"), c.Env...)
	// SIGTERM first lets svn, git and hg clean up their locks (a killed svn
	// leaves the working copy needing `svn cleanup`); WaitDelay kills it
	// later if it ignores SIGTERM or a child keeps its output open.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = waitDelay
	cmd.ExtraFiles = c.ExtraFiles
	if c.Group {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		cmd.Cancel = func() error { return signalGroup(cmd.Process.Pid, syscall.SIGTERM) }
	}
	return cmd
}

// signalGroup sends sig to the process group pgid, or returns
// os.ErrProcessDone if nothing is left of it.
func signalGroup(pgid int, sig syscall.Signal) error {
	err := syscall.Kill(-pgid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}

// newRunError builds the *RunError for a failed run of c.
func newRunError(ctx context.Context, c Cmd, line string, cmd *exec.Cmd, stderr string, err error) *RunError {
	// A program that dies of our SIGTERM reports "signal: terminated";
	// callers need to see that the context, not the program, ended it.
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w (%w)", ctxErr, err)
	}
	code := -1
	if cmd.ProcessState != nil {
		code = cmd.ProcessState.ExitCode()
	}
	stderr = strings.TrimLeft(strings.TrimRight(stderr, " \t\r\n"), "\r\n")
	return &RunError{Cmd: line, Stderr: Redact(stderr, c.Secrets...), Err: err, ExitCode: code}
}

// Ran echoes, with -v, a program that ran outside Run: one that a library
// started (go-git's file transport runs git-receive-pack itself), so that
// -v shows every program vcsync caused to run. It is echoed once, as it
// ended: the library does not say when it starts one.
func (r *Runner) Ran(c Cmd, d time.Duration) {
	if r != nil && r.Verbose != nil {
		r.echo(r.Verbose, fmt.Sprintf("+ %s (%.2fs)\n", echoLine(c), d.Seconds()))
	}
}

// echo writes s to w in one call under r.mu, so that parallel runs do not
// interleave their lines.
func (r *Runner) echo(w io.Writer, s string) {
	for r.parent != nil {
		r = r.parent
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	io.WriteString(w, s)
}

// echoLine is c's command line followed by its Note, as a comment.
func echoLine(c Cmd) string {
	line := commandLine(c)
	if c.Note != "" {
		line += "  # " + strings.Join(strings.Fields(Redact(c.Note, c.Secrets...)), " ")
	}
	return line
}

// commandLine returns c as a redacted shell command line, prefixed with
// "cd DIR && " when c has a directory, so that a user can paste it.
// The environment is left out: that is where secrets go.
func commandLine(c Cmd) string {
	var b strings.Builder
	if c.Dir != "" && !c.Neutral {
		b.WriteString("cd " + Quote(Redact(c.Dir, c.Secrets...)) + " && ")
	}
	b.WriteString(Quote(Redact(c.Name, c.Secrets...)))
	for _, a := range c.Args {
		b.WriteString(" " + Quote(Redact(a, c.Secrets...)))
	}
	return b.String()
}

// Quote returns s quoted for a POSIX shell if it needs to be: for command
// lines that a user may paste (-v, the hints in error messages).
func Quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Alive reports whether a process runs with that pid on this machine:
// signal 0 probes without signalling, and EPERM means it exists under
// another user. For locks and editor files left by a process that may be
// gone.
func Alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Installed reports whether a program of that name is in PATH: for a
// backend that runs it where it can and does without it elsewhere (the git
// backend's pack-objects).
func Installed(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}
