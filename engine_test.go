package vcsync_test

import (
	"context"
	"errors"
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

// TestPushNoneStartsAfterCancel: remotes waiting for a free slot (-j 1)
// never start once the push is cancelled, even when a slot comes free at
// that moment; the one whose start cancelled it sends nothing either.
func TestPushNoneStartsAfterCancel(t *testing.T) {
	testserver.Env(t)
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	git(t, dir, "commit", "-q", "--allow-empty", "-m", "one")
	ran := filepath.Join(t.TempDir(), "ran")
	script := filepath.Join(t.TempDir(), "deploy.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$VCSYNC_REMOTE\" >>'"+ran+"'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b", "c", "d"} {
		git(t, dir, "config", "vcsync."+name+".backend", "command")
		git(t, dir, "config", "vcsync."+name+".command", script)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var starts []string
	rs, err := vcsync.Push(ctx, vcsync.PushOptions{Dir: dir, Jobs: 1, Retries: -1, Registry: all.Registry(),
		OnStart: func(name string) { starts = append(starts, name); cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Push = %v, want context.Canceled", err)
	}
	if len(starts) != 1 {
		t.Errorf("started %q after the cancellation, want one start", starts)
	}
	for _, r := range rs {
		if r.Status != backends.StatusFailed || r.Attempts != 0 {
			t.Errorf("%s: %s after %d attempts, want failed after none", r.Name, r.Status, r.Attempts)
		}
	}
	if out, err := os.ReadFile(ran); err == nil {
		t.Errorf("the program ran for %q after the cancellation", out)
	}
}
