package cli

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
	"github.com/vcsync/vcsync/backends"
)

// TestRemoteDetail: an ok line says OLD..NEW in short ids, as git push
// does, then the remote's own revision where it has another, and how long
// the push took, in milliseconds under a second.
func TestRemoteDetail(t *testing.T) {
	const (
		oldID  = "1111111111111111111111111111111111111111"
		newID  = "2222222222222222222222222222222222222222"
		hgNode = "abcdefabcdefabcdefabcdefabcdefabcdefabcd"
	)
	ok := func(from, rev string, d time.Duration) vcsync.RemoteResult {
		return vcsync.RemoteResult{Status: backends.StatusOK, From: from, To: newID, Revision: rev, Duration: d}
	}
	tests := []struct {
		name string
		r    vcsync.RemoteResult
		want string
	}{
		{"git", ok(oldID, newID, 1250*time.Millisecond), "ok 111111111111..222222222222 (1.2s)"},
		{"git, first push", ok("", newID, 300*time.Millisecond), "ok 222222222222 (300ms)"},
		{"svn, fast", ok(oldID, "r12", 23*time.Millisecond), "ok 111111111111..222222222222 r12 (23ms)"},
		{"bzr", ok(oldID, "7", 2*time.Second), "ok 111111111111..222222222222 revno 7 (2.0s)"},
		{"hg", ok(oldID, hgNode, 999*time.Millisecond), "ok 111111111111..222222222222 abcdefabcdef (999ms)"},
		{"command, its own word", ok("", "deploy-42", time.Second), "ok 222222222222 deploy-42 (1.0s)"},
		{"failed", vcsync.RemoteResult{Status: backends.StatusFailed, Err: errors.New("no\nway"), Attempts: 2},
			"failed: no way (after 2 attempts)"},
		{"up to date", vcsync.RemoteResult{Status: backends.StatusUpToDate, To: newID, Revision: "r12"}, "up-to-date"},
	}
	for _, tt := range tests {
		if got := remoteDetail(tt.r); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestPushFlags checks push's flag parsing and validation without pushing:
// what the core is given (a flag not given takes the configuration's
// value: Retries -1, Timeout 0; --timeout 0 is none: -1), and that a value
// that means nothing is a usage error.
func TestPushFlags(t *testing.T) {
	tests := []struct {
		args          []string
		remotes       []string
		jobs, retries int
		timeout       time.Duration
		usage         bool
	}{
		{args: []string{"push"}, retries: -1},
		{args: []string{"push", "a", "b", "-j", "2", "--retries", "0", "--timeout", "30s"}, remotes: []string{"a", "b"}, jobs: 2, timeout: 30 * time.Second},
		{args: []string{"push", "--timeout", "0"}, retries: -1, timeout: -1},
		{args: []string{"push", "--jobs", "0"}, usage: true},
		{args: []string{"push", "--retries", "-1"}, usage: true},
		{args: []string{"push", "--timeout", "-1s"}, usage: true},
	}
	for _, tt := range tests {
		var got *PushOptions
		var g *GlobalOptions
		err := parseOnly(t, tt.args, []string{"push"}, func(gl *GlobalOptions) *cobra.Command {
			g = gl
			return NewCmdPush(gl, func(_ *cobra.Command, o *PushOptions) error { got = o; return nil })
		})
		if tt.usage {
			if !isUsage(err) || got != nil {
				t.Errorf("%v: %v (ran: %v), want a usage error and no run", tt.args, err, got != nil)
			}
			continue
		}
		if err != nil || got == nil {
			t.Fatalf("%v: %v (ran: %v)", tt.args, err, got != nil)
		}
		o := got.options(g, got.Remotes)
		if o.Jobs != tt.jobs || o.Retries != tt.retries || o.Timeout != tt.timeout || !slices.Equal(o.Remotes, tt.remotes) {
			t.Errorf("%v: jobs, retries, timeout, remotes = %d, %d, %v, %q; want %d, %d, %v, %q",
				tt.args, o.Jobs, o.Retries, o.Timeout, o.Remotes, tt.jobs, tt.retries, tt.timeout, tt.remotes)
		}
	}
}
