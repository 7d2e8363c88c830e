package command

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/testserver"
)

// newLocal makes a repository on main whose commits have the given
// messages, and returns it and the commit ids, oldest first.
func newLocal(t *testing.T, messages ...string) (backends.Local, []string) {
	t.Helper()
	testserver.Require(t, "git", "sh")
	testserver.Env(t)
	dir := t.TempDir()
	testserver.Git(t, dir, "init", "-q", "--initial-branch=main")
	var ids []string
	for _, m := range messages {
		testserver.Git(t, dir, "commit", "-q", "--allow-empty", "-m", m)
		ids = append(ids, testserver.Git(t, dir, "rev-parse", "HEAD"))
	}
	return backends.Local{Root: dir, Branch: "main"}, ids
}

// push builds a command remote for cmd and url and pushes r from l.
func push(t *testing.T, cmd, url string, l backends.Local, r backends.Range) (backends.Result, error) {
	t.Helper()
	b, err := New(backends.Remote{Name: "deploy", Kind: "command", URL: url, Options: map[string]string{"command": cmd}})
	if err != nil {
		t.Fatal(err)
	}
	return b.Push(t.Context(), l, r)
}

// TestEnvironment: the program gets vcsync's data in its environment,
// verbatim, and a message full of shell syntax stays data.
func TestEnvironment(t *testing.T) {
	evil := "Fix $(touch pwned) and `touch pwned2`; rm -rf \"$HOME\" 'x'\n\n* a.c: $PATH"
	l, ids := newLocal(t, "first", "second", evil)
	out := filepath.Join(t.TempDir(), "env")
	t.Setenv("OUT", out)
	names := []string{"VCSYNC_REMOTE", "VCSYNC_URL", "VCSYNC_BRANCH", "VCSYNC_REPO", "VCSYNC_FROM",
		"VCSYNC_TO", "VCSYNC_MESSAGE", "VCSYNC_COMMITS", "VCSYNC_COMMITS_TRUNCATED"}
	var script strings.Builder
	for _, n := range names {
		script.WriteString(`printf "%s\0" "$` + n + `"; `)
	}
	cmd := `sh -c '(` + script.String() + ` pwd) >"$OUT"'`
	url := "https://u:p@example.org/x"
	res, err := push(t, cmd, url, l, backends.Range{From: ids[0], To: ids[2]})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != backends.StatusOK || res.Holds != ids[2] || res.Revision != ids[2] {
		t.Errorf("Push = %+v, want ok, holding and revision %s", res, ids[2])
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(string(data), "\x00")
	want := []string{"deploy", url, "main", l.Root, ids[0], ids[2], evil, ids[1] + "\n" + ids[2], "", l.Root + "\n"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the program's environment and directory (-want +got):\n%s", diff)
	}
	for _, f := range []string{"pwned", "pwned2"} {
		if _, err := os.Stat(filepath.Join(l.Root, f)); err == nil {
			t.Errorf("the commit message ran: %s exists", f)
		}
	}
}

// TestCommitsUnknownFrom: with FROM unknown, or a commit the repository
// lacks, VCSYNC_COMMITS is TO's history, cut to the newest maxCommits.
func TestCommitsUnknownFrom(t *testing.T) {
	l, ids := newLocal(t, "1", "2", "3", "4")
	old := maxCommits
	maxCommits = 3
	t.Cleanup(func() { maxCommits = old })
	for _, from := range []string{"", strings.Repeat("0", 40)} {
		got, truncated, err := commits(t.Context(), l, backends.Range{From: from, To: ids[3]})
		if err != nil {
			t.Fatalf("commits(%q..): %v", from, err)
		}
		if diff := cmp.Diff(ids[1:], got); diff != "" || !truncated {
			t.Errorf("commits(%q..) = %v, truncated %v; want the newest 3, truncated (-want +got):\n%s", from, got, truncated, diff)
		}
	}
}

// TestExitStatus: the program's exit status and stdout lines are its answer.
func TestExitStatus(t *testing.T) {
	l, ids := newLocal(t, "one", "two")
	other := ids[0]
	tests := []struct {
		script   string
		class    backends.Class // if an error is wanted
		wantErr  bool
		status   backends.Status
		holds    string
		revision string
	}{
		{script: "exit 0", status: backends.StatusOK, holds: ids[1], revision: ids[1]},
		{script: "echo progress; echo vcsync-up-to-date", status: backends.StatusUpToDate, holds: ids[1], revision: ids[1]},
		{script: "echo vcsync-holds " + other, status: backends.StatusOK, holds: other, revision: other},
		{script: `echo "  vcsync-revision  deploy 42 "`, status: backends.StatusOK, holds: ids[1], revision: "deploy 42"},
		{script: "echo vcsync-holds HEAD", wantErr: true, class: backends.Fatal},
		{script: "echo diverged >&2; exit 65", wantErr: true, class: backends.Rejected},
		{script: "echo busy >&2; exit 75", wantErr: true, class: backends.Transient},
		{script: "echo denied >&2; exit 77", wantErr: true, class: backends.Auth},
		{script: "exit 1", wantErr: true, class: backends.Fatal},
		{script: "echo vcsync-up-to-date; exit 2", wantErr: true, class: backends.Fatal},
		{script: "kill -TERM $$", wantErr: true, class: backends.Fatal},
	}
	for _, tt := range tests {
		res, err := push(t, "sh -c '"+tt.script+"'", "", l, backends.Range{To: ids[1]})
		switch {
		case tt.wantErr && err == nil:
			t.Errorf("%s: Push = %+v, want an error of class %v", tt.script, res, tt.class)
		case tt.wantErr && backends.ClassOf(err) != tt.class:
			t.Errorf("%s: error of class %v, want %v: %v", tt.script, backends.ClassOf(err), tt.class, err)
		case !tt.wantErr && err != nil:
			t.Errorf("%s: %v", tt.script, err)
		case !tt.wantErr && (res.Status != tt.status || res.Holds != tt.holds || res.Revision != tt.revision):
			t.Errorf("%s: Push = %+v, want %s holding %s, revision %q", tt.script, res, tt.status, tt.holds, tt.revision)
		}
	}
}

// TestErrorShowsStderrRedacted: the program's stderr explains its failure,
// and the URL's password never shows, in a URL or alone.
func TestErrorShowsStderrRedacted(t *testing.T) {
	l, ids := newLocal(t, "one")
	url := "https://alice:s%40cret@example.org/r.git"
	_, err := push(t, `sh -c 'echo "cannot reach $VCSYNC_URL (password s@cret, raw s%40cret)" >&2; exit 75'`, url, l, backends.Range{To: ids[0]})
	if err == nil {
		t.Fatal("Push succeeded, want an error")
	}
	msg := err.Error()
	if strings.Contains(msg, "s@cret") || strings.Contains(msg, "s%40cret") {
		t.Errorf("the error shows the password: %v", err)
	}
	for _, want := range []string{"remote deploy", "cannot reach https://alice:***@example.org/r.git", "exit status 75"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error lacks %q: %v", want, err)
		}
	}
}

// TestUpToDateNotRun: when vcsync knows the remote holds TO, the program
// is not run, so that a notification is not sent twice.
func TestUpToDateNotRun(t *testing.T) {
	l, ids := newLocal(t, "one")
	res, err := push(t, "sh -c 'touch ran'", "", l, backends.Range{From: ids[0], To: ids[0]})
	if err != nil || res.Status != backends.StatusUpToDate || res.Holds != ids[0] {
		t.Errorf("Push(FROM = TO) = %+v, %v; want up-to-date holding %s", res, err, ids[0])
	}
	if _, err := os.Stat(filepath.Join(l.Root, "ran")); err == nil {
		t.Error("the program ran")
	}
}

// TestRelativeProgram: a relative program path is relative to the top of
// the working tree, where a team keeps its deploy script.
func TestRelativeProgram(t *testing.T) {
	l, ids := newLocal(t, "one")
	if err := os.MkdirAll(filepath.Join(l.Root, "scripts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(l.Root, "scripts", "deploy"), []byte("#!/bin/sh\necho vcsync-revision \"$1\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	res, err := push(t, "./scripts/deploy v1", "", l, backends.Range{To: ids[0]})
	if err != nil || res.Revision != "v1" {
		t.Errorf("Push = %+v, %v; want revision v1", res, err)
	}
	_, err = push(t, "scripts/missing", "", l, backends.Range{To: ids[0]})
	if err == nil || !strings.Contains(err.Error(), "scripts/missing: no such file") {
		t.Errorf("Push with a missing program: %v, want no such file", err)
	}
}

// TestRefuses: New refuses what could be read as an option, a missing or
// unparsable command; Check finds a program that is not installed.
func TestRefuses(t *testing.T) {
	testserver.Require(t, "sh")
	for _, r := range []backends.Remote{
		{Options: map[string]string{"command": "-oProxyCommand=x"}},
		{Options: map[string]string{"command": "'-x' y"}},
		{Options: map[string]string{"command": "deploy"}, URL: "-oProxyCommand=x"},
		{Options: map[string]string{"command": "  "}},
		{},
		{Options: map[string]string{"command": "deploy | tee"}},
	} {
		r.Name, r.Kind = "deploy", "command"
		if _, err := New(r); err == nil {
			t.Errorf("New(%+v) = nil error, want it refused", r)
		}
	}
	root := t.TempDir() // the working tree, where a relative program is found
	if err := os.MkdirAll(filepath.Join(root, "scripts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "scripts", "deploy"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for cmd, ok := range map[string]bool{
		"sh -c true":             true,
		"/bin/sh -c true":        true,
		"./scripts/deploy --now": true,
		"scripts/deploy":         true,
		"./scripts/missing":      false, // a typo, found before the commit
		"vcsync-no-such-program": false,
		"/nonexistent/deploy":    false,
		"/etc/passwd":            false, // not executable
		os.TempDir():             false, // a directory
	} {
		b, err := New(backends.Remote{Name: "deploy", Kind: "command", Options: map[string]string{"command": cmd}})
		if err != nil {
			t.Fatalf("New(%q): %v", cmd, err)
		}
		if err := b.Check(t.Context(), backends.Local{Root: root}); (err == nil) != ok {
			t.Errorf("Check(%q) = %v, want ok %v", cmd, err, ok)
		}
	}
}

// TestLookPathSkipsRelativeEntries: an empty or relative PATH entry, which
// a shell reads as the current directory, finds nothing.
func TestLookPathSkipsRelativeEntries(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "planted"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	t.Setenv("PATH", ":.:bin")
	if p, err := lookPath("planted"); err == nil {
		t.Errorf("lookPath found %s through a relative PATH entry", p)
	}
	t.Setenv("PATH", "/nonexistent:"+dir)
	if p, err := lookPath("planted"); err != nil || p != filepath.Join(dir, "planted") {
		t.Errorf("lookPath = %q, %v; want %s", p, err, filepath.Join(dir, "planted"))
	}
}

// lockOf returns the path of the deploy remote's lock in l.
func lockOf(l backends.Local) string {
	return filepath.Join(l.Root, ".git", "vcsync", "command", "deploy.lock")
}

// TestLockRefusesWhileHeld: while the program of an earlier push still
// holds the remote's lock (orphaned by a vcsync killed with -9), a push
// does not run the program alongside it: a temporary failure that says
// so. Once it has ended, the program runs.
func TestLockRefusesWhileHeld(t *testing.T) {
	l, ids := newLocal(t, "one")
	path := lockOf(l)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("4242 2026-11-25T12:00:00Z\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	ran := filepath.Join(l.Root, "ran")
	_, err = push(t, "sh -c 'touch ran'", "", l, backends.Range{To: ids[0]})
	if backends.ClassOf(err) != backends.Transient || !strings.Contains(fmt.Sprint(err), "by vcsync (pid 4242) at 2026-11-25T12:00:00Z still runs") {
		t.Errorf("Push with the lock held: %v, want a transient error naming pid 4242", err)
	}
	if _, err := os.Stat(ran); err == nil {
		t.Error("the program ran while the lock was held")
	}
	f.Close()
	if res, err := push(t, "sh -c 'touch ran'", "", l, backends.Range{To: ids[0]}); err != nil || res.Status != backends.StatusOK {
		t.Errorf("Push once the lock is free = %+v, %v; want ok", res, err)
	}
	if _, err := os.Stat(ran); err != nil {
		t.Errorf("the program did not run: %v", err)
	}
}

// TestLockHeldByProgram: the program holds the lock while it runs (on
// descriptor 3, which its children inherit), and the push releases it,
// even from a child the program detached with the descriptor open.
func TestLockHeldByProgram(t *testing.T) {
	testserver.Require(t, "flock", "setsid", "sleep")
	l, ids := newLocal(t, "one")
	script := `flock -n .git/vcsync/command/deploy.lock true && exit 1; ` +
		`setsid sleep 30 >/dev/null 2>&1 & echo $! >detached.pid`
	res, err := push(t, "sh -c '"+script+"'", "", l, backends.Range{To: ids[0]})
	if err != nil || res.Status != backends.StatusOK {
		t.Fatalf("Push = %+v, %v; want ok (the program found the lock free?)", res, err)
	}
	if b, err := os.ReadFile(filepath.Join(l.Root, "detached.pid")); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
		}
	}
	f, err := os.Open(lockOf(l))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Errorf("the lock is still held after the push: %v", err)
	}
}
