package state

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestLock(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("another vcsync (pid %d, started ", os.Getpid())
	if _, err := Acquire(dir); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), want) {
		t.Fatalf("second Acquire = %v, want ErrLocked naming the holder", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	// Released: the file stays (never removed), empty, and can be taken.
	if b, err := os.ReadFile(filepath.Join(dir, "lock")); err != nil || len(b) != 0 {
		t.Errorf("lock file after Release = %q, %v; want empty", b, err)
	}
	l, err = Acquire(dir)
	if err != nil {
		t.Fatalf("Acquire after Release = %v", err)
	}
	l.Release()
}

// TestLockNoGuess: a holder that has not written its pid yet (the file is
// empty), or whose file names a dead process, still holds the lock: the
// flock decides, not the content.
func TestLockNoGuess(t *testing.T) {
	for name, content := range map[string]string{"empty": "", "dead pid": "999999999 host 2026-01-01T00:00:00Z\n", "garbage": "\x00\xff"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "lock")
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
				t.Fatal(err)
			}
			if _, err := Acquire(dir); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "is working in this repository; wait for it to finish") {
				t.Errorf("Acquire while held = %v, want ErrLocked", err)
			}
		})
	}
}

// TestLockNotRegular: a FIFO or a directory at the lock path is a clear
// error within a second, not a hang.
func TestLockNotRegular(t *testing.T) {
	for name, create := range map[string]func(string) error{
		"fifo":    func(p string) error { return syscall.Mkfifo(p, 0o600) },
		"dir":     func(p string) error { return os.Mkdir(p, 0o700) },
		"symlink": func(p string) error { return os.Symlink("/dev/zero", p) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := create(filepath.Join(dir, "lock")); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { _, err := Acquire(dir); done <- err }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "not a regular file") {
					t.Errorf("Acquire = %v", err)
				}
			case <-time.After(time.Second):
				t.Fatal("Acquire hangs")
			}
		})
	}
}

// TestLockProcesses: 16 processes that each take the lock (retrying while
// another holds it), mark that they are inside, and leave: never two inside
// at once, and each gets its turn.
func TestLockProcesses(t *testing.T) {
	if dir := os.Getenv("VCSYNC_LOCK_CHILD"); dir != "" {
		lockChild(dir)
		return
	}
	dir := t.TempDir()
	const n = 16
	cmds := make([]*exec.Cmd, n)
	for i := range cmds {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestLockProcesses$")
		cmds[i].Env = append(os.Environ(), "VCSYNC_LOCK_CHILD="+dir)
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("child: %v", err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "overlap")); err == nil {
		t.Errorf("two processes held the lock at once: %s", b)
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "done-*"))
	if len(entries) != n {
		t.Errorf("%d processes got the lock, want %d", len(entries), n)
	}
}

// lockChild is one process of TestLockProcesses.
func lockChild(dir string) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		l, err := Acquire(filepath.Join(dir, "state"))
		if err == nil {
			inside := filepath.Join(dir, "inside")
			f, err := os.OpenFile(inside, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
			if err != nil {
				os.WriteFile(filepath.Join(dir, "overlap"), []byte(fmt.Sprint(os.Getpid())), 0o600)
			} else {
				f.Close()
			}
			time.Sleep(10 * time.Millisecond)
			os.Remove(inside)
			os.WriteFile(filepath.Join(dir, fmt.Sprintf("done-%d", os.Getpid())), nil, 0o600)
			l.Release()
			return
		}
		if !errors.Is(err, ErrLocked) || time.Now().After(deadline) {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// FuzzParseHolder: the lock file's reader never panics, and what it
// accepts is a positive pid and a time.
func FuzzParseHolder(f *testing.F) {
	f.Add([]byte("123 host 2026-12-04T10:00:00Z\n"))
	f.Add([]byte(""))
	f.Add([]byte("-1 h x"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pid, _, started, ok := parseHolder(b)
		if !ok {
			return
		}
		if _, err := time.Parse(time.RFC3339, started); pid <= 0 || err != nil {
			t.Fatalf("accepted %q: pid %d, started %q", b, pid, started)
		}
	})
}
