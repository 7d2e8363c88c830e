package vcsync_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vcsync/vcsync"
	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/all"
	"github.com/vcsync/vcsync/internal/testserver"
)

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return testserver.Git(t, dir, args...)
}

// TestPushParallel pushes one repository to 8 remotes, 3 at a time, twice,
// under the race detector: the backends must not share go-git objects, and
// OnDone must be called one at a time.
func TestPushParallel(t *testing.T) {
	testserver.Env(t)
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	git(t, dir, "commit", "-q", "--allow-empty", "-m", "one")
	for i := range 8 {
		bare := filepath.Join(t.TempDir(), fmt.Sprintf("r%d.git", i))
		git(t, dir, "init", "-q", "--bare", bare)
		git(t, dir, "remote", "add", fmt.Sprintf("r%d", i), bare)
	}
	var mu sync.Mutex
	running, peak, calls := 0, 0, 0
	opt := vcsync.PushOptions{Dir: dir, Jobs: 3, Retries: -1, Registry: all.Registry(),
		OnDone: func(vcsync.RemoteResult) {
			mu.Lock() // OnDone is documented as serialised: count overlaps to prove it
			running++
			peak = max(peak, running)
			calls++
			running--
			mu.Unlock()
		}}
	for round := range 2 {
		if round == 1 {
			git(t, dir, "commit", "-q", "--allow-empty", "-m", "two")
		}
		rs, err := vcsync.Push(context.Background(), opt)
		if err != nil {
			t.Fatal(err)
		}
		head := git(t, dir, "rev-parse", "HEAD")
		for _, r := range rs {
			if r.Status != backends.StatusOK || r.Attempts != 1 {
				t.Errorf("round %d: %s: %s (attempts %d, err %v)", round, r.Name, r.Status, r.Attempts, r.Err)
			}
			bare := strings.TrimSpace(git(t, dir, "remote", "get-url", r.Name))
			if got := git(t, bare, "rev-parse", "main"); got != head {
				t.Errorf("round %d: %s holds %s, want %s", round, r.Name, got, head)
			}
		}
	}
	if calls != 16 || peak != 1 {
		t.Errorf("OnDone calls, peak concurrency = %d, %d; want 16, 1", calls, peak)
	}
}

// TestPushRetriesTransient checks that a remote that refuses connections
// (transient) is retried as often as asked.
func TestPushRetriesTransient(t *testing.T) {
	testserver.Env(t)
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	git(t, dir, "commit", "-q", "--allow-empty", "-m", "one")
	git(t, dir, "remote", "add", "closed", "git://127.0.0.1:1/x.git")
	rs, err := vcsync.Push(context.Background(), vcsync.PushOptions{Dir: dir, Retries: 2, Backoff: 1, Registry: all.Registry()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Status != backends.StatusFailed || rs[0].Attempts != 3 {
		t.Fatalf("results = %+v, want one failure after 3 attempts", rs)
	}
}

// stallingServer accepts connections and never answers: a remote that
// hangs mid-handshake.
func stallingServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// TestPushTimeoutAndCancel checks that a stalled remote is given up after
// the timeout while the others are pushed, and that cancelling (Ctrl-C)
// ends every push at once.
func TestPushTimeoutAndCancel(t *testing.T) {
	testserver.Env(t)
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	git(t, dir, "commit", "-q", "--allow-empty", "-m", "one")
	bare := filepath.Join(t.TempDir(), "ok.git")
	git(t, dir, "init", "-q", "--bare", bare)
	git(t, dir, "remote", "add", "fine", bare)
	git(t, dir, "remote", "add", "stalled", "git://"+stallingServer(t)+"/x.git")
	start := time.Now()
	rs, err := vcsync.Push(context.Background(), vcsync.PushOptions{Dir: dir, Timeout: 500 * time.Millisecond, Retries: -1, Registry: all.Registry()})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]vcsync.RemoteResult{}
	for _, r := range rs {
		got[r.Name] = r
	}
	if got["fine"].Status != backends.StatusOK || got["stalled"].Status != backends.StatusFailed || !strings.Contains(got["stalled"].Err.Error(), "timed out") {
		t.Errorf("results = %+v", rs)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("push took %v with a 500ms timeout", d)
	}

	ctx, cancel := context.WithCancel(context.Background())
	git(t, dir, "commit", "-q", "--allow-empty", "-m", "two")
	start = time.Now()
	// Cancel as the push starts, as Ctrl-C would.
	_, err = vcsync.Push(ctx, vcsync.PushOptions{Dir: dir, Remotes: []string{"stalled"}, Retries: -1, Registry: all.Registry(),
		OnStart: func(string) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Push after cancel = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("cancelled push took %v", d)
	}
}
