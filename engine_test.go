package vcsync_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vcsync/vcsync"
	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/all"
	"github.com/vcsync/vcsync/internal/testserver"
)

// TestPushNoAttemptAfterCancel: a remote that fails transiently (a command
// that exits 75) waits out its backoff before the next attempt; a push
// cancelled during the backoff ends at once, and no attempt starts after
// the cancellation: the program ran once, and the result counts one
// attempt.
func TestPushNoAttemptAfterCancel(t *testing.T) {
	testserver.Env(t)
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	git(t, dir, "commit", "-q", "--allow-empty", "-m", "one")
	ran := filepath.Join(t.TempDir(), "ran")
	script := filepath.Join(t.TempDir(), "flaky.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho x >>'"+ran+"'\nexit 75\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "config", "vcsync.flaky.backend", "command")
	git(t, dir, "config", "vcsync.flaky.command", script)

	// The deadline falls in the hour of backoff after the first attempt
	// (or, on a slow machine, in the first attempt itself).
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	rs, _ := vcsync.Push(ctx, vcsync.PushOptions{Dir: dir, Retries: 3, Backoff: time.Hour, Registry: all.Registry()})
	if d := time.Since(start); d > time.Minute {
		t.Errorf("the cancelled push took %v: it waited out the backoff", d)
	}
	if len(rs) != 1 || rs[0].Status != backends.StatusFailed || rs[0].Attempts != 1 {
		t.Fatalf("results = %+v; want flaky failed after 1 attempt", rs)
	}
	out, err := os.ReadFile(ran)
	if err != nil || strings.Count(string(out), "x") != 1 {
		t.Errorf("the program ran %d times (%v), want once", strings.Count(string(out), "x"), err)
	}
}
