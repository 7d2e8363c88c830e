package backendtest

import (
	"bytes"
	"context"
	"testing"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// firstPush: an empty remote receives the whole branch.
func firstPush(t *testing.T, h *harness) {
	head := h.local.commit(t, 3)
	h.mustPush(t, h.b, backends.Range{To: head}, backends.StatusOK)
	h.wantCount(t, h.local.n, "the remote must hold every local commit")
}

// incremental: a second push sends only the new commits.
func incremental(t *testing.T, h *harness) {
	first := h.local.commit(t, 3)
	h.mustPush(t, h.b, backends.Range{To: first}, backends.StatusOK)
	before := h.fx.Count(t)
	head := h.local.commit(t, 2)
	h.mustPush(t, h.b, backends.Range{From: first, To: head}, backends.StatusOK)
	h.wantCount(t, before+2, "two new commits, each sent once")
}

// dryRun: with a dry Runner (--dry-run), a push with commits to send ends
// ok, says what the remote held (From), prints what it would run, and
// changes nothing on the remote; a later real push sends them.
func dryRun(t *testing.T, h *harness) {
	first := h.local.commit(t, 2)
	h.mustPush(t, h.b, backends.Range{To: first}, backends.StatusOK)
	before := h.fx.Count(t)
	head := h.local.commit(t, 2)
	var printed bytes.Buffer
	l := h.local.Local()
	l.Runner = (*run.Runner)(nil).To(&printed)
	ctx, cancel := context.WithTimeout(t.Context(), pushTimeout)
	defer cancel()
	res, err := h.b.Push(ctx, l, backends.Range{From: first, To: head})
	if err != nil || res.Status != backends.StatusOK || res.From != first {
		t.Fatalf("dry Push = status %q, From %s, %v; want ok from %s", res.Status, short(res.From), err, short(first))
	}
	if printed.Len() == 0 {
		t.Error("a dry run printed no command")
	}
	h.wantHolds(t, first)
	h.wantCount(t, before, "a dry run sends nothing")
	h.mustPush(t, h.backend(t, h.fx.Remote), backends.Range{From: first, To: head}, backends.StatusOK)
	h.wantCount(t, before+2, "the real push sends the two commits")
}

// nothingToPush: pushing what the remote holds sends nothing.
func nothingToPush(t *testing.T, h *harness) {
	head := h.local.commit(t, 3)
	h.mustPush(t, h.b, backends.Range{To: head}, backends.StatusOK)
	before := h.fx.Count(t)
	h.mustPush(t, h.b, backends.Range{From: head, To: head}, backends.StatusUpToDate)
	h.wantCount(t, before, "nothing was new")
}

// idempotent: a new run that lost its bookkeeping (killed between the push
// and writing its state, so From is unknown) asks the remote, and sends
// nothing twice: not what the remote has, nor, with new commits, the old
// ones along with them.
func idempotent(t *testing.T, h *harness) {
	head := h.local.commit(t, 3)
	h.mustPush(t, h.b, backends.Range{To: head}, backends.StatusOK)
	before := h.fx.Count(t)
	again := h.backend(t, h.fx.Remote)
	h.mustPush(t, again, backends.Range{To: head}, backends.StatusUpToDate)
	h.wantCount(t, before, "the remote already had every commit")

	head = h.local.commit(t, 2)
	again = h.backend(t, h.fx.Remote)
	h.mustPush(t, again, backends.Range{To: head}, backends.StatusOK)
	h.wantCount(t, before+2, "only the two new commits were missing")
}

// diverged: a remote that has commits we lack is rejected, and left as it
// is: never forced.
func diverged(t *testing.T, h *harness) {
	first := h.local.commit(t, 2)
	h.mustPush(t, h.b, backends.Range{To: first}, backends.StatusOK)
	before := h.fx.Count(t)
	h.fx.Diverge(t)
	theirs, count := h.fx.Holds(t), h.fx.Count(t)
	if theirs == first && count == before {
		t.Fatal("the fixture's Diverge changed nothing on the remote")
	}
	head := h.local.commit(t, 1)
	r := backends.Range{From: first, To: head}
	res, err := h.push(t, h.b, r, pushTimeout)
	if err == nil {
		t.Fatalf("Push(%s) into a diverged remote = status %q, no error; want an error of class %v", rangeString(r), res.Status, backends.Rejected)
	}
	if c := backends.ClassOf(err); c != backends.Rejected {
		t.Fatalf("Push(%s) into a diverged remote: error of class %v, want %v: %v", rangeString(r), c, backends.Rejected, err)
	}
	h.wantHolds(t, theirs)
	h.wantCount(t, count, "a rejected push must change nothing")
}

// unreachable: a remote that cannot be reached fails fast, with an error
// worth retrying; and Check does not fail for it, since the local commit
// must still be made.
func unreachable(t *testing.T, h *harness) {
	if h.fx.Unreachable == nil {
		t.Skip("the fixture has no unreachable remote")
	}
	b := h.backend(t, *h.fx.Unreachable)
	r := backends.Range{To: h.local.commit(t, 1)}
	res, err := h.push(t, b, r, failFast)
	if err == nil {
		t.Fatalf("Push(%s) to an unreachable remote = status %q, no error", rangeString(r), res.Status)
	}
	if c := backends.ClassOf(err); c != backends.Transient {
		t.Fatalf("Push(%s) to an unreachable remote: error of class %v, want %v: %v", rangeString(r), c, backends.Transient, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), failFast)
	defer cancel()
	if err := b.Check(ctx, h.local.Local()); err != nil {
		t.Fatalf("Check of an unreachable remote: %v; want nil: a remote that is down is the push's error, not Check's", err)
	}
}

// authRefused: wrong credentials give an error of class Auth, without
// waiting for a prompt, and the remote is left as it was.
func authRefused(t *testing.T, h *harness) {
	if h.fx.BadAuth == nil {
		t.Skip("the fixture's transport has no credentials")
	}
	before, count := h.fx.Holds(t), h.fx.Count(t)
	b := h.backend(t, *h.fx.BadAuth)
	r := backends.Range{To: h.local.commit(t, 1)}
	res, err := h.push(t, b, r, failFast)
	if err == nil {
		t.Fatalf("Push(%s) with wrong credentials = status %q, no error", rangeString(r), res.Status)
	}
	if c := backends.ClassOf(err); c != backends.Auth {
		t.Fatalf("Push(%s) with wrong credentials: error of class %v, want %v: %v", rangeString(r), c, backends.Auth, err)
	}
	h.wantHolds(t, before)
	h.wantCount(t, count, "a refused push must change nothing")
}

// check: Check passes for a remote that is set up right.
func check(t *testing.T, h *harness) {
	ctx, cancel := context.WithTimeout(t.Context(), pushTimeout)
	defer cancel()
	if err := h.b.Check(ctx, h.local.Local()); err != nil {
		t.Fatalf("Check: %v", err)
	}
}
