package cli

import (
	"errors"
	"testing"
	"time"

	"github.com/vcsync/vcsync"
	"github.com/vcsync/vcsync/internal/state"
)

// A last push's failure is shown while the remote still gives its reason,
// and not once it was fixed (issue 17: a rejection repeated after vcsync
// pull fixed it).
func TestStatusDetailLastPush(t *testing.T) {
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	rejected := &state.Last{Status: "rejected", Time: now.Add(-time.Minute), Error: "diverged: r3 was committed by someone else"}
	failed := &state.Last{Status: "failed", Time: now.Add(-time.Minute), Error: "timed out"}
	for _, tc := range []struct {
		name string
		s    vcsync.RemoteStatus
		want string
	}{
		{"rejection fixed by pull", vcsync.RemoteStatus{State: vcsync.StateLacks, Missing: 1, Last: rejected},
			"lacks 1 commit(s)"},
		{"rejection fixed by hand", vcsync.RemoteStatus{State: vcsync.StateUpToDate, Last: rejected},
			"up to date"},
		{"still diverged", vcsync.RemoteStatus{State: vcsync.StateDiverged, Missing: 1, Foreign: 2, Pull: true, Last: rejected,
			RemoteInfo: vcsync.RemoteInfo{Backend: "svn"}},
			"diverged: has 2 revision(s) you lack, lacks 1 commit(s): run vcsync pull; last push rejected 1m ago"},
		{"failure that still matters", vcsync.RemoteStatus{State: vcsync.StateLacks, Missing: 1, Last: failed},
			"lacks 1 commit(s); last push failed 1m ago: timed out"},
		{"failure fixed", vcsync.RemoteStatus{State: vcsync.StateUpToDate, Last: failed},
			"up to date"},
		{"unreachable", vcsync.RemoteStatus{State: vcsync.StateUnreachable, Err: errors.New("remote x: connection refused"),
			RemoteInfo: vcsync.RemoteInfo{Name: "x"}, Last: failed},
			"cannot ask it: connection refused; last push failed 1m ago: timed out"},
	} {
		if got := statusDetail(tc.s, now); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}
