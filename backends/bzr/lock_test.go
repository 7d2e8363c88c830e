package bzr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/testserver"
)

// TestLockedBranch: a bzr:// branch whose lock a live process holds, as
// brz serve keeps, in its own name, the lock of a push that was stopped
// part way (testdata/script/fault_stall_bzr makes one by a stall and
// --timeout), is left alone: the push fails, transient (a push that is
// running ends), and says how to break the lock. vcsync never breaks it.
// Once the user has, the next push sends the missing commits, once each.
func TestLockedBranch(t *testing.T) {
	testserver.Require(t, "brz", "git")
	testserver.Env(t)
	root := t.TempDir()
	branch := filepath.Join(root, "trunk")
	brz(t, "", "init", "-q", "--", branch)
	url := bzrServe(t, root) + "/trunk"
	l := backends.Local{Root: t.TempDir(), Branch: "main"}
	testserver.Git(t, l.Root, "init", "-q", "--initial-branch=main")
	commitFile(t, l.Root, "file.txt", "Change 1")
	mustPush(t, l, url, backends.StatusOK)
	commitFile(t, l.Root, "file.txt", "Change 2")
	commitFile(t, l.Root, "file.txt", "Change 3")

	// What the server writes when it takes the lock for a client: held by
	// a live process of this host, which brz does not steal.
	held := filepath.Join(branch, ".bzr", "branch", "lock", "held")
	if err := os.MkdirAll(held, 0o755); err != nil {
		t.Fatal(err)
	}
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	info := fmt.Sprintf("hostname: %s\nnonce: vcsynctestlockednonce\npid: %d\nstart_time: %d\nuser: someone@example.org\n",
		host, os.Getpid(), time.Now().Unix())
	if err := os.WriteFile(filepath.Join(held, "info"), []byte(info), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = push(t, l, url)
	want := "remote bzr-mirror: the branch " + url + " is locked: another push to it is running, or one that was stopped part way (a timeout, a kill) left its lock; " +
		"if no push to it is running, break the lock with `brz break-lock " + url + "`, then push again"
	if err == nil || err.Error() != want || backends.ClassOf(err) != backends.Transient {
		t.Fatalf("push to a locked branch: %v (class %v)\nwant: %s (class %v)", err, backends.ClassOf(err), want, backends.Transient)
	}
	if n := count(t, branch); n != 1 {
		t.Errorf("the locked branch has %d revisions, want 1", n)
	}
	if _, err := os.Stat(filepath.Join(held, "info")); err != nil {
		t.Errorf("the push touched the lock: %v", err)
	}

	brz(t, "", "break-lock", url) // as the message says
	mustPush(t, l, url, backends.StatusOK)
	wantBranch(t, branch, l.Root, 3)
	mustPush(t, l, url, backends.StatusUpToDate)
}

// TestLocked: only brz's own lock contention is a locked branch; a run that
// our context ended is not, whatever brz had said.
func TestLocked(t *testing.T) {
	contention := `brz: ERROR: Could not acquire lock "(remote lock)": bzr://127.0.0.1:1/trunk/`
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&run.RunError{Stderr: contention, Err: errors.New("exit status 3"), ExitCode: 3}, true},
		{&run.RunError{Stderr: contention, Err: fmt.Errorf("%w (signal: terminated)", context.DeadlineExceeded)}, false},
		{&run.RunError{Stderr: "brz: ERROR: Connection refused", Err: errors.New("exit status 3"), ExitCode: 3}, false},
		{errors.New(contention), false},
	} {
		if got := locked(c.err); got != c.want {
			t.Errorf("locked(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// bzrServe serves the branches under root over bzr:// (`brz serve`, writes
// allowed, on 127.0.0.1), stopped by t.Cleanup, and returns its URL:
// root/NAME is URL+"/NAME".
func bzrServe(t *testing.T, root string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := "127.0.0.1:" + strconv.Itoa(testserver.FreePort(t))
	_, port, _ := strings.Cut(addr, ":")
	exited := make(chan struct{})
	var runErr error
	go func() {
		defer close(exited)
		_, runErr = (*run.Runner)(nil).Run(ctx, run.Cmd{Name: "brz", Env: env,
			Args: []string{"serve", "--bzr", "--allow-writes", "--quiet", "--listen=127.0.0.1", "--port=" + port, "--directory=" + root}})
	}()
	t.Cleanup(func() { cancel(); <-exited })
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "bzr://" + addr
		}
		select {
		case <-exited:
			t.Fatalf("brz serve exited: %v", runErr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("brz serve: not listening on %s after 30s", addr)
		}
	}
}
