package git

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/testserver"
)

// TestFollowTagsNewCommit: with FollowTags, an annotated tag on a new
// commit goes with the push, as a tag object, and so does one made on a
// commit the remote already had; a lightweight one does not.
func TestFollowTagsNewCommit(t *testing.T) {
	testserver.Env(t)
	dir := newEmpty(t)
	bare := newBare(t)
	write(t, dir, map[string]string{"f": "0\n"})
	pushOK(t, bare, dir, commitAll(t, dir, "0"), true)
	testserver.Git(t, dir, "tag", "-a", "-m", "old", "v0")
	write(t, dir, map[string]string{"f": "1\n"})
	commitAll(t, dir, "1")
	testserver.Git(t, dir, "tag", "-a", "-m", "release 1", "v1")
	write(t, dir, map[string]string{"f": "2\n"})
	head := commitAll(t, dir, "2")
	testserver.Git(t, dir, "tag", "light")
	pushOK(t, bare, dir, head, true)
	if got := testserver.Git(t, bare, "tag", "--list"); got != "v0\nv1" {
		t.Errorf("remote tags = %q, want v0 and v1", got)
	}
	if got, want := testserver.Git(t, bare, "rev-parse", "refs/tags/v1"), testserver.Git(t, dir, "rev-parse", "refs/tags/v1"); got != want {
		t.Errorf("remote v1 = %s, want the tag object %s", got, want)
	}
	if got := testserver.Git(t, bare, "cat-file", "-t", "v1"); got != "tag" {
		t.Errorf("remote v1 is a %s, want a tag", got)
	}
}

// TestFollowTagsNoNewCommit: a tag made after its commit was pushed goes
// with a push that has no commit to send (ok, not up to date), once: the
// next push is up to date. A tag on a commit outside the pushed history
// stays behind.
func TestFollowTagsNoNewCommit(t *testing.T) {
	testserver.Env(t)
	dir := newEmpty(t)
	bare := newBare(t)
	write(t, dir, map[string]string{"f": "0\n"})
	first := commitAll(t, dir, "0")
	write(t, dir, map[string]string{"f": "1\n"})
	head := commitAll(t, dir, "1")
	pushOK(t, bare, dir, head, true)
	testserver.Git(t, dir, "tag", "-a", "-m", "release 0", "v0", first)
	testserver.Git(t, dir, "checkout", "-q", "-b", "side", first)
	write(t, dir, map[string]string{"f": "side\n"})
	side := commitAll(t, dir, "side")
	testserver.Git(t, dir, "tag", "-a", "-m", "side", "vside", side)
	testserver.Git(t, dir, "checkout", "-q", "main")
	pushOK(t, bare, dir, head, true)
	if got := testserver.Git(t, bare, "tag", "--list"); got != "v0" {
		t.Errorf("remote tags = %q, want v0", got)
	}
	res, err := push(t, bare, dir, backends.Local{Branch: "main"}, backends.Range{To: head, FollowTags: true})
	if err != nil || res.Status != backends.StatusUpToDate {
		t.Errorf("second push = %+v, %v; want up to date", res, err)
	}
}

// TestFollowTagsNeverMovesRemoteTag: a tag the remote has is left where it
// is, even when the local tag of that name now tags a new commit; the
// branch is pushed all the same.
func TestFollowTagsNeverMovesRemoteTag(t *testing.T) {
	testserver.Env(t)
	dir := newEmpty(t)
	bare := newBare(t)
	write(t, dir, map[string]string{"f": "0\n"})
	commitAll(t, dir, "0")
	testserver.Git(t, dir, "tag", "-a", "-m", "first v2", "v2")
	pushOK(t, bare, dir, testserver.Git(t, dir, "rev-parse", "HEAD"), true)
	theirs := testserver.Git(t, bare, "rev-parse", "refs/tags/v2")
	if theirs != testserver.Git(t, dir, "rev-parse", "refs/tags/v2") {
		t.Fatal("the first push did not take v2 along")
	}
	write(t, dir, map[string]string{"f": "1\n"})
	head := commitAll(t, dir, "1")
	testserver.Git(t, dir, "tag", "-f", "-a", "-m", "moved v2", "v2")
	pushOK(t, bare, dir, head, true)
	if got := testserver.Git(t, bare, "rev-parse", "refs/tags/v2"); got != theirs {
		t.Errorf("the remote's v2 moved to %s, want it left at %s", got, theirs)
	}
}

// TestHookRefusal: a remote that refuses the ref (a pre-receive hook) gives
// a Fatal error with its reason, and keeps what it had.
func TestHookRefusal(t *testing.T) {
	testserver.Env(t)
	dir, head := newLocal(t, 1)
	bare := newBare(t)
	pushOK(t, bare, dir, head, false)
	hook := filepath.Join(bare, "hooks", "pre-receive")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho 'no pushes today' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := push(t, bare, dir, backends.Local{Branch: "main"}, backends.Range{To: commits(t, dir, 1)})
	if backends.ClassOf(err) != backends.Fatal || !strings.Contains(err.Error(), "hook declined") {
		t.Fatalf("Push to a refusing remote = %v (class %v), want Fatal, saying the hook declined", err, backends.ClassOf(err))
	}
	if got := holds(t, bare, "main"); got != head {
		t.Errorf("the remote holds %s, want %s still", got, head)
	}
}

// TestReportError classifies the remote's report-status.
func TestReportError(t *testing.T) {
	b := &backend{remote: backends.Remote{Name: "m"}}
	report := func(unpack string, statuses ...string) *packp.ReportStatus {
		r := &packp.ReportStatus{UnpackStatus: unpack}
		for i, s := range statuses {
			r.CommandStatuses = append(r.CommandStatuses, &packp.CommandStatus{ReferenceName: plumbing.ReferenceName("refs/heads/b" + strconv.Itoa(i)), Status: s})
		}
		return r
	}
	for _, c := range []struct {
		r    *packp.ReportStatus
		want backends.Class // -1: no error
	}{
		{report("ok", "ok", "ok"), -1},
		{report("unpack-objects abnormal exit", "ok"), backends.Fatal},
		{report("ok", "atomic push failure", "non-fast-forward"), backends.Rejected},
		{report("ok", "fetch first"), backends.Rejected},
		{report("ok", "failed to update ref"), backends.Transient},
		{report("ok", "pre-receive hook declined", "atomic push failure"), backends.Fatal},
	} {
		err := b.reportError(c.r)
		switch {
		case c.want == -1 && err != nil:
			t.Errorf("reportError(%+v) = %v, want nil", c.r, err)
		case c.want != -1 && (err == nil || backends.ClassOf(err) != c.want):
			t.Errorf("reportError(%v, %v) = %v, want class %v", c.r.UnpackStatus, c.r.CommandStatuses[len(c.r.CommandStatuses)-1].Status, err, c.want)
		}
	}
}
