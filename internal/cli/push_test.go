package cli

import (
	"errors"
	"testing"
	"time"

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
