package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vcsync/vcsync/internal/testserver"
)

func sh(script string) Cmd { return Cmd{Name: "sh", Args: []string{"-c", script}} }

func TestRunOutput(t *testing.T) {
	testserver.Require(t, "git", "sh")
	dir := t.TempDir()
	tests := []struct {
		name   string
		cmd    Cmd
		want   string
		prefix bool // want is only a prefix of stdout
	}{
		{"git version", Cmd{Name: "git", Args: []string{"--version"}}, "git version ", true},
		{"stdout only", sh("echo out; echo err >&2"), "out\n", false},
		{"environment", sh(`echo "$LC_ALL $VCSYNC"`), "C 0\n", false},
		{"env overrides base", Cmd{Name: "sh", Args: []string{"-c", `echo "$LC_ALL $X"`}, Env: []string{"LC_ALL=POSIX", "X=y"}}, "POSIX y\n", false},
		{"stdin", Cmd{Name: "sh", Args: []string{"-c", "tr a-z A-Z"}, Stdin: strings.NewReader("hello")}, "HELLO", false},
		{"no stdin reads nothing", sh("cat"), "", false},
		{"dir", Cmd{Name: "sh", Args: []string{"-c", "pwd -P"}, Dir: dir}, mustEval(t, dir) + "\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Runner
			out, err := r.Run(t.Context(), tt.cmd)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(out); got != tt.want && !(tt.prefix && strings.HasPrefix(got, tt.want)) {
				t.Errorf("stdout = %q, want %q", got, tt.want)
			}
		})
	}
}

func mustEval(t *testing.T, dir string) string {
	t.Helper()
	d, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRunError(t *testing.T) {
	testserver.Require(t, "sh")
	tests := []struct {
		name     string
		cmd      Cmd
		wantText string
		wantCode int
	}{
		{"exit status and stderr", sh("echo first >&2; echo second >&2; exit 3"),
			"sh -c 'echo first >&2; echo second >&2; exit 3': exit status 3\n\tfirst\n\tsecond", 3},
		{"no stderr", sh("exit 1"), "sh -c 'exit 1': exit status 1", 1},
		{"stderr trimmed", sh(`printf '\n  indented\n\n' >&2; exit 2`),
			"sh -c 'printf '\\''\\n  indented\\n\\n'\\'' >&2; exit 2': exit status 2\n\t  indented", 2},
		{"not found", Cmd{Name: "vcsync-no-such-program"}, "vcsync-no-such-program: exec: ", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Runner
			_, err := r.Run(t.Context(), tt.cmd)
			var re *RunError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v (%T), want *RunError", err, err)
			}
			if !strings.HasPrefix(err.Error(), tt.wantText) {
				t.Errorf("error text:\n%s\nwant:\n%s", err, tt.wantText)
			}
			if re.ExitCode != tt.wantCode {
				t.Errorf("ExitCode = %d, want %d", re.ExitCode, tt.wantCode)
			}
		})
	}
}

func TestRunSecrets(t *testing.T) {
	testserver.Require(t, "sh")
	const secret = "s3cr3t-t0ken"
	var verbose bytes.Buffer
	r := Runner{Verbose: &verbose}
	c := Cmd{
		Name:    "sh",
		Args:    []string{"-c", `echo "auth failed for $0 with $1 and $URL" >&2; exit 1`, "https://me:hunter2@example.org/x", secret},
		Env:     []string{"URL=svn://u:pw@svn.example.org/r"},
		Secrets: []string{secret},
	}
	_, err := r.Run(t.Context(), c)
	if err == nil {
		t.Fatal("want an error")
	}
	for _, text := range []string{err.Error(), verbose.String()} {
		for _, leak := range []string{secret, "hunter2", ":pw@"} {
			if strings.Contains(text, leak) {
				t.Errorf("%q leaks %q", text, leak)
			}
		}
	}
	if want := "auth failed for https://me:***@example.org/x with *** and svn://u:***@svn.example.org/r"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	if !strings.HasPrefix(verbose.String(), "+ sh -c ") || !strings.HasSuffix(verbose.String(), "s)\n") {
		t.Errorf("verbose echo = %q, want \"+ sh -c ... (N.NNs)\\n\"", verbose.String())
	}
}

func TestRunVerboseParallel(t *testing.T) {
	testserver.Require(t, "git")
	var verbose bytes.Buffer
	r := &Runner{Verbose: &verbose}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := r.Run(t.Context(), Cmd{Name: "git", Args: []string{"--version"}}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(verbose.String(), "\n"), "\n")
	if len(lines) != 8 {
		t.Fatalf("got %d lines, want 8:\n%s", len(lines), verbose.String())
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "+ git --version (") || !strings.HasSuffix(l, "s)") {
			t.Errorf("echo line %q, want \"+ git --version (N.NNs)\"", l)
		}
	}
}

func TestDryRun(t *testing.T) {
	testserver.Require(t, "touch")
	dir := t.TempDir()
	var dry, verbose bytes.Buffer
	r := Runner{DryRun: &dry, Verbose: &verbose}
	out, err := r.Run(t.Context(), Cmd{Name: "touch", Args: []string{"--", "FILE", "pass word"}, Dir: dir, Secrets: []string{"word"}})
	if err != nil || out != nil {
		t.Fatalf("Run = %q, %v; want nil, nil", out, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "FILE")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dry run created FILE (stat: %v)", err)
	}
	if want := "cd " + dir + " && touch -- FILE 'pass ***'\n"; dry.String() != want {
		t.Errorf("dry run printed %q, want %q", dry.String(), want)
	}
	if verbose.Len() != 0 {
		t.Errorf("dry run echoed %q to Verbose", verbose.String())
	}
	// A neutral directory is where the program runs, not part of what it
	// does: left out.
	dry.Reset()
	r.Run(t.Context(), Cmd{Name: "hg", Args: []string{"push"}, Dir: dir, Neutral: true})
	if want := "hg push\n"; dry.String() != want {
		t.Errorf("dry run printed %q, want %q", dry.String(), want)
	}
}

// TestDryRunReads: a command marked ReadOnly runs in a dry run (the plan
// needs its answer), a writing one is printed with its note; Write prints
// instead of calling; To gives each remote its own list.
func TestDryRunReads(t *testing.T) {
	testserver.Require(t, "touch", "cat")
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("content"), 0o600); err != nil {
		t.Fatal(err)
	}
	var all, mine bytes.Buffer
	r := (&Runner{DryRun: &all}).To(&mine)
	if !r.Dry() || (*Runner)(nil).Dry() || (&Runner{}).Dry() {
		t.Fatal("Dry: want true only for a Runner with DryRun")
	}
	out, err := r.Run(t.Context(), Cmd{Name: "cat", Args: []string{"--", file}, ReadOnly: true})
	if err != nil || string(out) != "content" {
		t.Fatalf("read-only Run = %q, %v; want the file's content", out, err)
	}
	if _, err := r.Run(t.Context(), Cmd{Name: "touch", Args: []string{"--", file + "2"}, Note: "to https://u:pw@h/x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file + "2"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dry run ran a writing command (stat: %v)", err)
	}
	called := false
	r.Write(Cmd{Name: "git-receive-pack", Args: []string{"/x.git"}, Note: "a..b refs/heads/main"}, func() error { called = true; return nil })
	if called {
		t.Error("Write called f in a dry run")
	}
	want := "touch -- " + file + "2  # to https://u:***@h/x\ngit-receive-pack /x.git  # a..b refs/heads/main\n"
	if mine.String() != want || all.Len() != 0 {
		t.Errorf("printed %q (parent %q), want %q", mine.String(), all.String(), want)
	}
	var verbose bytes.Buffer
	real := &Runner{Verbose: &verbose}
	if err := real.Write(Cmd{Name: "send"}, func() error { called = true; return nil }); err != nil || !called {
		t.Errorf("Write = %v, called %v; want nil, true", err, called)
	}
	if !strings.HasPrefix(verbose.String(), "+ send (") {
		t.Errorf("-v echoed %q", verbose.String())
	}
}

// cancelOnRead cancels a context on its first Read. os/exec reads Stdin only
// once the program has started, so this cancels a running program without a
// sleep or a race.
type cancelOnRead struct{ cancel context.CancelFunc }

func (c cancelOnRead) Read([]byte) (int, error) {
	c.cancel()
	return 0, io.EOF
}

func TestRunContext(t *testing.T) {
	testserver.Require(t, "sleep")
	tests := []struct {
		name string
		ctx  func(t *testing.T) (context.Context, context.CancelFunc, io.Reader)
		want error
	}{
		{"cancel while running", func(t *testing.T) (context.Context, context.CancelFunc, io.Reader) {
			ctx, cancel := context.WithCancel(t.Context())
			return ctx, cancel, cancelOnRead{cancel}
		}, context.Canceled},
		{"deadline", func(t *testing.T) (context.Context, context.CancelFunc, io.Reader) {
			ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
			return ctx, cancel, nil
		}, context.DeadlineExceeded},
		{"cancelled before start", func(t *testing.T) (context.Context, context.CancelFunc, io.Reader) {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			return ctx, cancel, nil
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel, stdin := tt.ctx(t)
			defer cancel()
			start := time.Now()
			var r Runner
			_, err := r.Run(ctx, Cmd{Name: "sleep", Args: []string{"30"}, Stdin: stdin})
			if elapsed := time.Since(start); elapsed >= waitDelay {
				t.Errorf("Run took %v; want SIGTERM to end sleep at once", elapsed)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want it to wrap %v", err, tt.want)
			}
			var re *RunError
			if !errors.As(err, &re) || re.ExitCode != -1 {
				t.Errorf("err = %#v, want a *RunError with ExitCode -1", err)
			}
			if !strings.HasPrefix(err.Error(), "sleep 30: "+tt.want.Error()) {
				t.Errorf("error text %q, want it to start with %q", err, "sleep 30: "+tt.want.Error())
			}
		})
	}
}

func TestRunCancelSendsSIGTERM(t *testing.T) {
	testserver.Require(t, "sleep")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var r Runner
	_, err := r.Run(ctx, Cmd{Name: "sleep", Args: []string{"30"}, Stdin: cancelOnRead{cancel}})
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.String() != "signal: terminated" {
		t.Errorf("err = %v, want it to wrap an *exec.ExitError \"signal: terminated\"", err)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		secrets []string
		want    string
	}{
		{"plain", "nothing to hide", nil, "nothing to hide"},
		{"secret", "token abc123 rejected", []string{"abc123"}, "token *** rejected"},
		{"every occurrence", "abc abc", []string{"abc"}, "*** ***"},
		{"longest secret first", "abcdef", []string{"abc", "abcdef"}, "***"},
		{"empty secret ignored", "text", []string{""}, "text"},
		{"https", "https://user:pass@host/x", nil, "https://user:***@host/x"},
		{"http in text", "fatal: unable to access 'http://u:p@h:8080/r.git/': 403", nil, "fatal: unable to access 'http://u:***@h:8080/r.git/': 403"},
		{"svn", "svn://me:pw@svn.example.org/repo", nil, "svn://me:***@svn.example.org/repo"},
		{"svn+ssh", "svn+ssh://me:pw@host/repo/trunk", nil, "svn+ssh://me:***@host/repo/trunk"},
		{"ssh", "ssh://git:pw@host:22/r", nil, "ssh://git:***@host:22/r"},
		{"any scheme", "bzr+https://a:b@c/d", nil, "bzr+https://a:***@c/d"},
		{"no path", "https://u:p@host", nil, "https://u:***@host"},
		{"several URLs", "from https://a:1@x to svn://b:2@y", nil, "from https://a:***@x to svn://b:***@y"},
		{"nested in query", "https://h/x?next=https://u:p@h2/y", nil, "https://h/x?next=https://u:***@h2/y"},
		{"at sign in password", "https://u:p@ss@host/x", nil, "https://u:***@host/x"},
		{"colon in password", "https://u:a:b@host/x", nil, "https://u:***@host/x"},
		{"user only", "https://user@host/x", nil, "https://user@host/x"},
		{"empty password", "https://user:@host/x", nil, "https://user:@host/x"},
		{"port, no userinfo", "https://host:443/x", nil, "https://host:443/x"},
		{"at sign in path", "https://host/u:p@x", nil, "https://host/u:p@x"},
		{"scp-like", "git@github.com:me/proj.git", nil, "git@github.com:me/proj.git"},
		{"secret and URL", "https://u:tok@h tok", []string{"tok"}, "https://u:***@h ***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in, tt.secrets...); got != tt.want {
				t.Errorf("Redact(%q, %q) = %q, want %q", tt.in, tt.secrets, got, tt.want)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://user:pass@host/x", "https://user:***@host/x"},
		{"svn+ssh://me:p@ss@host/r", "svn+ssh://me:***@host/r"},
		{"https://user@host/x", "https://user@host/x"},
		{"https://host/x?u=a:b@c", "https://host/x?u=a:b@c"},
		{"git@github.com:me/proj.git", "git@github.com:me/proj.git"},
		{"/local/path", "/local/path"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// gone reports whether process pid has ended, waiting up to 2s for a
// signal to be delivered. A zombie has ended: the init of a container may
// be slow to reap an orphan, or never reap it.
func gone(t *testing.T, pid int) bool {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return true
		}
		if _, rest, ok := strings.Cut(string(b), ") "); ok && strings.HasPrefix(rest, "Z") {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// pids reads the pids a program printed, one a line.
func pids(t *testing.T, out []byte) []int {
	t.Helper()
	var ps []int
	for _, f := range strings.Fields(string(out)) {
		p, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("stdout %q: %v", out, err)
		}
		ps = append(ps, p)
	}
	return ps
}

// needProc skips the test where /proc does not show processes.
func needProc(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		testserver.SkipOrFail(t, "no /proc: %v", err)
	}
}

// TestRunGroupTimeout: when ctx ends, a Group program's children, which
// hold its stdout (sleep &), or also ignore SIGTERM, end with it; Run does
// not wait for them past WaitDelay.
func TestRunGroupTimeout(t *testing.T) {
	testserver.Require(t, "sh", "sleep")
	needProc(t)
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	var r Runner
	out, err := r.Run(ctx, Cmd{Group: true, Name: "sh", Args: []string{"-c",
		`sleep 30 & echo $!; sh -c 'trap "" TERM; exec sleep 30' & echo $!; wait`}})
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want it to wrap %v", err, context.DeadlineExceeded)
	}
	if limit := 500*time.Millisecond + waitDelay + time.Second; elapsed > limit {
		t.Errorf("Run took %v, want at most %v", elapsed, limit)
	}
	ps := pids(t, out)
	if len(ps) != 2 {
		t.Fatalf("stdout %q, want two pids", out)
	}
	for _, p := range ps {
		if !gone(t, p) {
			syscall.Kill(p, syscall.SIGKILL)
			t.Errorf("child %d still runs after Run returned", p)
		}
	}
}

// TestRunGroupLeftover: a Group program that exits 0 and leaves a child
// running succeeds, even if the child holds its stdout, and the child is
// killed.
func TestRunGroupLeftover(t *testing.T) {
	testserver.Require(t, "sh", "sleep")
	needProc(t)
	for _, script := range []string{
		"sleep 30 >/dev/null 2>&1 & echo $!",
		"sleep 30 & echo $!", // holds stdout: Run gives up on it after WaitDelay
	} {
		var r Runner
		out, err := r.Run(t.Context(), Cmd{Group: true, Name: "sh", Args: []string{"-c", script}})
		if err != nil {
			t.Errorf("%s: %v", script, err)
		}
		for _, p := range pids(t, out) {
			if !gone(t, p) {
				syscall.Kill(p, syscall.SIGKILL)
				t.Errorf("%s: child %d still runs after Run returned", script, p)
			}
		}
	}
}

// TestRunGroupSession: a Group program leads a session and process group
// of its own; it inherits ExtraFiles from descriptor 3.
func TestRunGroupSession(t *testing.T) {
	testserver.Require(t, "sh", "cut", "cat")
	needProc(t)
	extra := filepath.Join(t.TempDir(), "extra")
	if err := os.WriteFile(extra, []byte("three\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(extra)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r Runner
	out, err := r.Run(t.Context(), Cmd{Group: true, Name: "sh", ExtraFiles: []*os.File{f},
		Args: []string{"-c", `echo $$; cut -d" " -f5,6 /proc/$$/stat; cat <&3`}})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(out), "\n")
	if len(lines) < 3 || lines[1] != lines[0]+" "+lines[0] || lines[2] != "three" {
		t.Errorf("stdout %q, want the pid, the pid as process group and session, and \"three\" from fd 3", out)
	}
}

// TestQuote: command lines a user may paste quote what a shell would split
// or expand, and only that.
func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"bzr://host/trunk":  "bzr://host/trunk",
		"/srv/my branch":    "'/srv/my branch'",
		"/srv/it's":         `'/srv/it'\''s'`,
		"sftp://h/~u/trunk": "'sftp://h/~u/trunk'",
		"":                  "''",
		"$(id)":             "'$(id)'",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestAlive: this process runs; a pid past any kernel's pid_max does not.
func TestAlive(t *testing.T) {
	if !Alive(os.Getpid()) || Alive(1<<30) {
		t.Errorf("Alive(self) = %v, Alive(1<<30) = %v", Alive(os.Getpid()), Alive(1<<30))
	}
}

// TestRunTerminal: with Terminal, the program writes where it is told,
// its *os.File outputs as they are (an editor needs the terminal), and
// Run captures nothing.
func TestRunTerminal(t *testing.T) {
	testserver.Require(t, "sh")
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r Runner
	out, err := r.Run(t.Context(), Cmd{Name: "sh", Args: []string{"-c", "read x; echo \"$x\"; echo err >&2; test -t 1 || ls -l /proc/self/fd/1 >&2"},
		Stdin: strings.NewReader("typed\n"), Terminal: true, Stdout: f, Stderr: f})
	if err != nil || len(out) != 0 {
		t.Fatalf("Run = %q, %v; want nothing captured", out, err)
	}
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); !strings.HasPrefix(got, "typed\nerr\n") || !strings.Contains(got, f.Name()) {
		t.Errorf("file = %q, want the program's stdout and stderr, its fd 1 the file itself", got)
	}
}
