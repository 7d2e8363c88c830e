package vcsync_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
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
// under the race detector: the backends must not share go-git objects, the
// pushes must overlap but never exceed -j, and OnDone must be called one at
// a time.
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
	const jobs = 3
	c := &concurrency{jobs: jobs}
	opt := vcsync.PushOptions{Dir: dir, Jobs: jobs, Retries: -1, Registry: all.Registry(), OnStart: c.start, OnDone: c.done}
	for round := range 2 {
		if round == 1 {
			git(t, dir, "commit", "-q", "--allow-empty", "-m", "two")
		}
		c.reset()
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
		if c.peak != jobs || c.timedOut {
			t.Errorf("round %d: %d pushes at most ran at once (the first %d waited for each other: timed out %v), want %d",
				round, c.peak, jobs, c.timedOut, jobs)
		}
	}
	if c.calls != 16 || c.overlapped.Load() {
		t.Errorf("OnDone calls = %d, overlapping %v; want 16, one at a time", c.calls, c.overlapped.Load())
	}
}

// concurrency watches a push through its OnStart and OnDone callbacks: how
// many pushes run at once (peak), and whether OnDone calls overlap.
//
// The first jobs pushes to start wait in OnStart until all of them have
// started (up to a timeout): pushes run one at a time never get there, and
// a fast remote cannot finish before the next one starts, so peak is jobs
// exactly, every time, when the engine runs jobs pushes at once. The first
// OnDone of a round waits a moment for another to begin: calls that are not
// serialised then overlap, and -race also reports calls, which OnDone
// counts without a lock.
type concurrency struct {
	jobs int

	mu       sync.Mutex
	running  int
	peak     int
	started  int
	together chan struct{} // closed once jobs pushes have started
	timedOut bool

	calls      int // unsynchronised on purpose
	inDone     atomic.Int32
	overlapped atomic.Bool
	firstDone  atomic.Bool
	another    chan struct{} // an OnDone began while the first waited
}

func (c *concurrency) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.running, c.peak, c.started = 0, 0, 0
	c.together = make(chan struct{})
	c.another = make(chan struct{}, 1)
	c.firstDone.Store(false)
}

func (c *concurrency) start(string) {
	c.mu.Lock()
	c.running++
	c.peak = max(c.peak, c.running)
	c.started++
	n, together := c.started, c.together
	if n == c.jobs {
		close(together)
	}
	c.mu.Unlock()
	if n < c.jobs {
		select {
		case <-together:
		case <-time.After(10 * time.Second):
			c.mu.Lock()
			c.timedOut = true
			c.mu.Unlock()
		}
	}
}

func (c *concurrency) done(vcsync.RemoteResult) {
	c.calls++ // before any synchronisation: see concurrency
	if c.inDone.Add(1) > 1 {
		c.overlapped.Store(true)
	}
	if c.firstDone.CompareAndSwap(false, true) {
		select {
		case <-c.another:
		case <-time.After(time.Second):
		}
	} else {
		select {
		case c.another <- struct{}{}:
		default:
		}
	}
	c.inDone.Add(-1)
	c.mu.Lock()
	c.running--
	c.mu.Unlock()
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
