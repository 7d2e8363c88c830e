package bzr

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/backendtest"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/testserver"
)

// TestConformance runs the backend conformance suite against a local
// Bazaar branch made with `brz init`, as a user makes one before the first
// push. The unreachable remote is bzr+ssh:// to a closed port.
func TestConformance(t *testing.T) {
	backendtest.Suite{New: New, NewFixture: func(t testing.TB) backendtest.Fixture {
		testserver.Require(t, "brz")
		branch := newBranch(t)
		return backendtest.Fixture{
			Remote:  backends.Remote{Name: "bzr-mirror", Kind: "bzr", URL: branch},
			Holds:   func(t testing.TB) string { return holds(t, branch, "") },
			Count:   func(t testing.TB) int { return count(t, branch) },
			Diverge: func(t testing.TB) { diverge(t, branch) },
			Unreachable: &backends.Remote{Name: "down", Kind: "bzr",
				URL: "bzr+ssh://127.0.0.1:" + strconv.Itoa(testserver.FreePort(t)) + branch},
		}
	}}.Run(t)
}

// TestFastImportFallback pushes the history that crashes Breezy 3.3's own
// push from git (a one-character top-level file name, modified later:
// "AttributeError: 'dict' object has no attribute 'split'"), first to an
// empty branch, then on top of revisions that `brz push` sent itself. Each
// time the fast-import fallback sends it, the branch still tells what it
// holds: a second push is up to date, a third sends only the new commit, a
// merge keeps both parents, and work of someone else on top is rejected.
func TestFastImportFallback(t *testing.T) {
	t.Run("EmptyBranch", func(t *testing.T) {
		f := newFallback(t, 0)
		f.merge(t, f.first) // a side branch forked from a revision that the fallback sent
		diverge(t, f.branch)
		commitFile(t, f.l.Root, "a", "Change a once more")
		_, err := push(t, f.l, f.branch)
		if backends.ClassOf(err) != backends.Rejected {
			t.Fatalf("push onto someone else's revision: %v (class %v), want class %v", err, backends.ClassOf(err), backends.Rejected)
		}
	})
	t.Run("OnNativeRevisions", func(t *testing.T) {
		f := newFallback(t, 2)
		f.merge(t, f.first) // forked from a revision that brz push sent
	})
}

// fallback is a branch that received the history that crashes brz.
type fallback struct {
	l      backends.Local
	branch string
	first  string // the first commit the branch received
	n      int    // the revisions on the branch
}

// newFallback pushes `before` ordinary commits, then the history that
// crashes brz, then one more commit, checking the branch at each step.
func newFallback(t *testing.T, before int) *fallback {
	testserver.Require(t, "brz", "git")
	testserver.Env(t)
	f := &fallback{l: backends.Local{Root: t.TempDir(), Branch: "main"}, branch: newBranch(t)}
	local := f.l.Root
	testserver.Git(t, local, "init", "-q", "--initial-branch=main")
	for i := range before {
		commitFile(t, local, "café.txt", "Change "+strconv.Itoa(i)) // brz push fails on it under LC_ALL=C
	}
	if before > 0 {
		mustPush(t, f.l, f.branch, backends.StatusOK)
		if revid := wantBranch(t, f.branch, local, before); !strings.HasPrefix(revid, gitRevPrefix) {
			t.Fatalf("a plain history went through fast-import (tip %s), want brz push", revid)
		}
	}
	commitFile(t, local, "a", "Add a")
	commitFile(t, local, "ünï.txt", "Add ünï") // git fast-export quotes it
	commitFile(t, local, "a", "Change a")
	f.first = testserver.Git(t, local, "rev-list", "--max-parents=0", "HEAD")
	mustPush(t, f.l, f.branch, backends.StatusOK)
	if revid := wantBranch(t, f.branch, local, before+3); strings.HasPrefix(revid, gitRevPrefix) {
		testserver.SkipOrFail(t, "this Breezy pushed the history itself (tip %s): the fallback is not exercised", revid)
	}
	mustPush(t, f.l, f.branch, backends.StatusUpToDate)

	commitFile(t, local, "a", "Change a again")
	mustPush(t, f.l, f.branch, backends.StatusOK)
	f.n = before + 4
	wantBranch(t, f.branch, local, f.n)
	for file, want := range map[string]string{"a": "Add a\nChange a\nChange a again", "ünï.txt": "Add ünï"} {
		if got := brz(t, f.branch, "cat", "-r", "-1", file); got != want {
			t.Errorf("the branch's file %s holds %q, want %q", file, got, want)
		}
	}
	return f
}

// merge merges a side branch forked at fork, which the branch holds, and
// pushes it: the side revision's parent must be fork's revision, however
// it was sent.
func (f *fallback) merge(t *testing.T, fork string) {
	t.Helper()
	local := f.l.Root
	testserver.Git(t, local, "checkout", "-q", "-b", "side", fork)
	commitFile(t, local, "side.txt", "Side change")
	testserver.Git(t, local, "checkout", "-q", "main")
	testserver.Git(t, local, "merge", "-q", "--no-ff", "-m", "Merge side", "side")
	mustPush(t, f.l, f.branch, backends.StatusOK)
	f.n++
	wantBranch(t, f.branch, local, f.n)
	parents := parentsOf(t, f.branch, "-1")
	if len(parents) != 2 {
		t.Fatalf("the merge revision has parents %q, want 2", parents)
	}
	forkRev := gitRevPrefix + fork
	m, err := readRevmap(filepath.Join(local, ".git"))
	if err != nil {
		t.Fatal(err)
	}
	if r := m.revision(fork, f.branch); r != "" {
		forkRev = r
	}
	if got := parentsOf(t, f.branch, "revid:"+parents[1]); len(got) != 1 || got[0] != forkRev {
		t.Errorf("the side revision's parents are %q, want [%s]", got, forkRev)
	}
}

// parentsOf returns the parent revision ids of revision rev of the branch.
func parentsOf(t *testing.T, branch, rev string) []string {
	t.Helper()
	var parents []string
	for line := range strings.Lines(brz(t, "", "log", "--show-ids", "-r", rev, "--", branch)) {
		if p, ok := strings.CutPrefix(strings.TrimSpace(line), "parent: "); ok {
			parents = append(parents, p)
		}
	}
	return parents
}

// mustPush pushes HEAD with a new backend and checks the status.
func mustPush(t *testing.T, l backends.Local, branch string, want backends.Status) {
	t.Helper()
	head := testserver.Git(t, l.Root, "rev-parse", "HEAD")
	res, err := push(t, l, branch)
	if err != nil || res.Status != want || res.Holds != head {
		t.Fatalf("Push(%s) = %+v, %v; want status %q", kit.Short(head), res, err, want)
	}
	if _, err := strconv.Atoi(res.Revision); err != nil {
		t.Errorf("Push(%s): Revision %q, want the branch's revno", kit.Short(head), res.Revision)
	}
}

// push pushes HEAD with a new backend, as a new run of vcsync would.
func push(t *testing.T, l backends.Local, branch string) (backends.Result, error) {
	t.Helper()
	b, err := New(backends.Remote{Name: "bzr-mirror", Kind: "bzr", URL: branch})
	if err != nil {
		t.Fatal(err)
	}
	return b.Push(t.Context(), l, backends.Range{To: testserver.Git(t, l.Root, "rev-parse", "HEAD")})
}

// wantBranch checks that the branch holds local's HEAD, read back through
// the revmap, in n revisions, and returns its tip's revision id.
func wantBranch(t *testing.T, branch, local string, n int) string {
	t.Helper()
	head := testserver.Git(t, local, "rev-parse", "HEAD")
	revno, revid := tipOf(t, branch)
	if got := holding(t, revid, filepath.Join(local, ".git")); got != head || revno != n {
		t.Errorf("the branch holds %s in %d revisions, want %s in %d", got, revno, head, n)
	}
	return revid
}

// commitFile appends the message to file, commits it and returns HEAD.
func commitFile(t *testing.T, dir, file, msg string) string {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, file), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(msg + "\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	testserver.Git(t, dir, "add", file)
	testserver.Git(t, dir, "commit", "-q", "-m", msg)
	return testserver.Git(t, dir, "rev-parse", "HEAD")
}

// newBranch makes an empty standalone branch, as `brz init` does for users.
func newBranch(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "trunk")
	brz(t, "", "init", "-q", "--", dir)
	return dir
}

// holds returns the commit the branch's tip holds: from a git-v1 revision
// id, or through the revmap of gitDir when it is not "". Any other
// revision (someone else's) is returned as its id; an empty branch as "".
func holds(t testing.TB, branch, gitDir string) string {
	t.Helper()
	_, revid := tipOf(t, branch)
	return holding(t, revid, gitDir)
}

// holding returns the commit that the revision revid holds, as holds does.
func holding(t testing.TB, revid, gitDir string) string {
	t.Helper()
	switch {
	case revid == "null:":
		return ""
	case strings.HasPrefix(revid, gitRevPrefix):
		return strings.TrimPrefix(revid, gitRevPrefix)
	case gitDir != "":
		m, err := readRevmap(gitDir)
		if err != nil {
			t.Fatal(err)
		}
		if id, ok := m.commit[revid]; ok {
			return id
		}
	}
	return revid
}

// tipOf returns the revno and the revision id of the branch's tip, from
// .bzr/branch/last-revision, where a standalone branch (format 7, what
// `brz init` makes) keeps what `brz revision-info` prints: the suite checks
// the tip after every push, and a brz start for each would double its time.
func tipOf(t testing.TB, branch string) (int, string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(branch, ".bzr", "branch", "last-revision"))
	if err != nil {
		t.Fatal(err)
	}
	revno, revid, _ := strings.Cut(strings.TrimSpace(string(data)), " ")
	n, err := strconv.Atoi(revno)
	if err != nil {
		t.Fatal(err)
	}
	return n, revid
}

// count returns the number of revisions on the branch's mainline (its
// revno): merged revisions are not counted.
func count(t testing.TB, branch string) int {
	t.Helper()
	n, _ := tipOf(t, branch)
	return n
}

// diverge commits to the branch as someone else, through a lightweight
// checkout.
func diverge(t testing.TB, branch string) {
	t.Helper()
	co := filepath.Join(t.TempDir(), "co")
	brz(t, "", "checkout", "-q", "--lightweight", "--", branch, co)
	if err := os.WriteFile(filepath.Join(co, "theirs.txt"), []byte("their change\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	brz(t, co, "add", "-q", "theirs.txt")
	brz(t, co, "commit", "-q", "-m", "their change")
}

// brz runs brz in dir as someone else and returns its trimmed stdout.
func brz(t testing.TB, dir string, args ...string) string {
	t.Helper()
	ctx := context.Background()
	out, err := (*run.Runner)(nil).Run(ctx, run.Cmd{Name: "brz", Args: args, Dir: dir,
		Env: append([]string{"BRZ_EMAIL=Someone Else <else@example.org>"}, env...)})
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// TestProgressStages: with Local.Progress, a first push says its stages as
// it enters them, in order.
func TestProgressStages(t *testing.T) {
	testserver.Require(t, "brz", "git")
	testserver.Env(t)
	dir := t.TempDir()
	testserver.Git(t, dir, "init", "-q", "--initial-branch=main")
	commitFile(t, dir, "a.txt", "one")
	var got []string
	l := backends.Local{Root: dir, Branch: "main", Progress: func(s string) { got = append(got, s) }}
	if res, err := push(t, l, newBranch(t)); err != nil || res.Status != backends.StatusOK {
		t.Fatalf("Push = %+v, %v; want ok", res, err)
	}
	if len(got) < 2 || got[0] != "reading the branch's tip" || !strings.HasPrefix(got[1], "sending the revisions (") {
		t.Errorf("progress = %q, want the tip read, then the revisions sent", got)
	}
}
