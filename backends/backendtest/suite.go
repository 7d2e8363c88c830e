// Package backendtest is the conformance suite that every backend passes
// against a real remote, as every restic backend runs restic's
// internal/backend/test suite: one set of cases states the contract of
// backends.Backend (idempotent pushes, nothing sent twice, a diverged remote
// rejected and never forced, classified errors), and each backend's own test
// runs it against a real server of its kind (see internal/testserver).
//
// It is for tests only. It imports backends and internal/testserver; it must
// not import the core (package vcsync), internal/cli, nor any backend.
package backendtest

import (
	"context"
	"testing"
	"time"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/testserver"
)

// Fixture is one fresh, empty remote of the backend under test.
type Fixture struct {
	Remote backends.Remote // how to reach it
	// Holds returns the local commit id the remote's branch holds ("" if
	// none), read from the remote itself: for git, the remote ref; for
	// svn, the vcsync:commit property of the branch's last revision.
	Holds func(t testing.TB) string
	// Count returns the number of commits on the remote branch: it proves
	// that nothing is sent twice.
	Count func(t testing.TB) int
	// Diverge makes someone else commit to the remote's branch.
	Diverge func(t testing.TB)
	// Unreachable is a remote of this kind that cannot be reached (a
	// closed port); nil skips the cases that need one.
	Unreachable *backends.Remote
	// BadAuth is the remote reached with wrong credentials; nil when the
	// transport has none.
	BadAuth *backends.Remote
}

// Suite is the conformance suite for one backend.
type Suite struct {
	// New builds the backend under test, as the registry would.
	New func(backends.Remote) (backends.Backend, error)
	// NewFixture makes a fresh, empty remote. Run has already sealed the
	// environment with testserver.Env, so the fixture may read HOME; it
	// may start servers, which must stop by t.Cleanup.
	NewFixture func(t testing.TB) Fixture
}

// pushTimeout bounds an ordinary push: a backend that hangs fails its case
// with a clear message instead of running into go test's own timeout.
const pushTimeout = 2 * time.Minute

// failFast bounds a push that must fail (a closed port, refused
// credentials): a backend that waits for a prompt or retries forever fails.
const failFast = 20 * time.Second

// Run runs every case as a subtest, each with a fresh local repository, a
// fresh fixture and a fresh backend. The subtests use t.Setenv, so neither
// they nor the caller may be parallel.
func (s Suite) Run(t *testing.T) {
	cases := []struct {
		name string
		run  func(*testing.T, *harness)
	}{
		{"FirstPush", firstPush},
		{"Incremental", incremental},
		{"NothingToPush", nothingToPush},
		{"Idempotent", idempotent},
		{"Diverged", diverged},
		{"Unreachable", unreachable},
		{"AuthRefused", authRefused},
		{"Check", check},
		{"DryRun", dryRun},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, s.setup(t)) })
	}
}

// harness is what one case works with.
type harness struct {
	suite Suite
	fx    Fixture
	b     backends.Backend // built from fx.Remote
	local *localRepo
}

// setup seals the environment, then makes the fixture, the local
// repository and the backend, in that order, so that a fixture that sets
// HOME or GIT_* for its server does so before any of them is used.
func (s Suite) setup(t *testing.T) *harness {
	t.Helper()
	testserver.Require(t, "git")
	testserver.Env(t)
	h := &harness{suite: s, fx: s.NewFixture(t)}
	h.local = newLocalRepo(t)
	h.b = h.backend(t, h.fx.Remote)
	return h
}

// backend builds a backend for r, as a new run of vcsync would.
func (h *harness) backend(t *testing.T, r backends.Remote) backends.Backend {
	t.Helper()
	b, err := h.suite.New(r)
	if err != nil {
		t.Fatalf("New(remote %s, kind %s): %v", r.Name, r.Kind, err)
	}
	return b
}

// push pushes r with b, failing the case if the push outlives timeout.
func (h *harness) push(t *testing.T, b backends.Backend, r backends.Range, timeout time.Duration) (backends.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	res, err := b.Push(ctx, h.local.Local(), r)
	if ctx.Err() != nil {
		t.Fatalf("Push(%s) still running after %v (it must end by itself): %v", rangeString(r), timeout, err)
	}
	return res, err
}

// mustPush pushes r with b and checks that it succeeds with status want and
// that the remote, asked directly, now holds r.To.
func (h *harness) mustPush(t *testing.T, b backends.Backend, r backends.Range, want backends.Status) {
	t.Helper()
	res, err := h.push(t, b, r, pushTimeout)
	if err != nil {
		t.Fatalf("Push(%s): %v (class %v)", rangeString(r), err, backends.ClassOf(err))
	}
	if res.Status != want || res.Holds != r.To {
		t.Fatalf("Push(%s) = status %q, Holds %s; want %q, %s", rangeString(r), res.Status, short(res.Holds), want, short(r.To))
	}
	h.wantHolds(t, r.To)
}

// wantHolds checks what the remote's branch holds, asking the remote.
func (h *harness) wantHolds(t *testing.T, want string) {
	t.Helper()
	if got := h.fx.Holds(t); got != want {
		t.Fatalf("the remote holds %s, want %s", short(got), short(want))
	}
}

// wantCount checks the number of commits on the remote's branch.
func (h *harness) wantCount(t *testing.T, want int, why string) {
	t.Helper()
	if got := h.fx.Count(t); got != want {
		t.Fatalf("the remote has %d commits, want %d: %s", got, want, why)
	}
}

// rangeString shows a range as FROM..TO, with short ids.
func rangeString(r backends.Range) string {
	return short(r.From) + ".." + short(r.To)
}

// short abbreviates a commit id for messages; "" stays visible.
func short(id string) string {
	if id == "" {
		return `""`
	}
	return id[:min(len(id), 12)]
}
