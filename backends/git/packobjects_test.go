package git

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/testserver"
)

// withoutGit makes the pushes of t take go-git's encoder, as on a machine
// without git.
func withoutGit(t testing.TB) {
	saved := gitInstalled
	t.Cleanup(func() { gitInstalled = saved })
	gitInstalled = func() bool { return false }
}

// lines collects what a push reports as Local.Progress.
type lines struct {
	mu  sync.Mutex
	got []string
}

func (l *lines) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, s)
}

func (l *lines) has(prefix string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.ContainsFunc(l.got, func(s string) bool { return strings.HasPrefix(s, prefix) })
}

// TestLargePushRunsPackObjects: a first push, and a push of more than
// smallChain commits, go through git pack-objects (-v shows it, thin, with
// ofs-deltas and quiet without Progress); the remote ends whole and
// fsck-clean, with the annotated tags of FollowTags, a tag of an old commit
// that the remote had excepted. A push of one commit does not run it.
func TestLargePushRunsPackObjects(t *testing.T) {
	testserver.Env(t)
	dir := newEmpty(t)
	bare := newBare(t)
	var echo bytes.Buffer
	runner := &run.Runner{Verbose: &echo}
	pushWith := func(to string) {
		t.Helper()
		echo.Reset()
		res, err := push(t, bare, dir, backends.Local{Branch: "main", Runner: runner}, backends.Range{To: to, FollowTags: true})
		if err != nil || res.Status != backends.StatusOK {
			t.Fatalf("Push(%s) = %+v, %v; want ok", short8(to), res, err)
		}
		if got := holds(t, bare, "main"); got != to {
			t.Fatalf("the remote holds %q, want %s", got, to)
		}
		fsck(t, bare)
	}
	write(t, dir, map[string]string{"f": "0\n", "d/g": "g\n"})
	commitAll(t, dir, "0")
	testserver.Git(t, dir, "tag", "-a", "-m", "first", "v0")
	pushWith(commitAll(t, dir, "1"))
	if !strings.Contains(echo.String(), "git pack-objects --stdout --revs --thin --delta-base-offset -q") {
		t.Fatalf("a first push did not run git pack-objects thin, with ofs-deltas, quietly; -v said:\n%s", echo.String())
	}
	if got := testserver.Git(t, bare, "tag", "--list"); got != "v0" {
		t.Errorf("remote tags after the first push = %q, want v0", got)
	}
	var head string
	for i := range smallChain + 1 {
		write(t, dir, map[string]string{"f": strconv.Itoa(i) + "\n", "d/h" + strconv.Itoa(i%7): strconv.Itoa(i) + "\n"})
		head = commitAll(t, dir, strconv.Itoa(i))
		if i == 3 {
			testserver.Git(t, dir, "tag", "-a", "-m", "three", "v3")
		}
	}
	pushWith(head)
	if !strings.Contains(echo.String(), "git pack-objects") {
		t.Fatalf("a push of %d commits did not run git pack-objects; -v said:\n%s", smallChain+1, echo.String())
	}
	if got := testserver.Git(t, bare, "tag", "--list"); got != "v0\nv3" {
		t.Errorf("remote tags = %q, want v0 and v3", got)
	}
	write(t, dir, map[string]string{"f": "one more\n"})
	pushWith(commitAll(t, dir, "one more"))
	if strings.Contains(echo.String(), "pack-objects") {
		t.Errorf("a push of one commit ran git pack-objects; -v said:\n%s", echo.String())
	}
}

// TestLargePushProgress: with Local.Progress, a first push reports git's
// own progress lines, objects counted and written with bytes.
func TestLargePushProgress(t *testing.T) {
	testserver.Env(t)
	dir, head := newLocal(t, 30)
	bare := newBare(t)
	var got lines
	res, err := push(t, bare, dir, backends.Local{Branch: "main", Progress: got.add}, backends.Range{To: head})
	if err != nil || res.Status != backends.StatusOK {
		t.Fatalf("Push = %+v, %v; want ok", res, err)
	}
	for _, want := range []string{"Enumerating objects: ", "Writing objects: 100% ("} {
		if !got.has(want) {
			t.Errorf("progress lacks %q; got:\n%s", want, strings.Join(got.got, "\n"))
		}
	}
}

// TestLargePushWithoutGit: where git is not installed, a first push with
// FollowTags goes through go-git's encoder, whole and fsck-clean.
func TestLargePushWithoutGit(t *testing.T) {
	testserver.Env(t)
	withoutGit(t)
	dir := newEmpty(t)
	bare := newBare(t)
	var echo bytes.Buffer
	write(t, dir, map[string]string{"f": "0\n"})
	commitAll(t, dir, "0")
	testserver.Git(t, dir, "tag", "-a", "-m", "first", "v0")
	head := commitAll(t, dir, "1")
	res, err := push(t, bare, dir, backends.Local{Branch: "main", Runner: &run.Runner{Verbose: &echo}}, backends.Range{To: head, FollowTags: true})
	if err != nil || res.Status != backends.StatusOK {
		t.Fatalf("Push = %+v, %v; want ok", res, err)
	}
	fsck(t, bare)
	if strings.Contains(echo.String(), "pack-objects") {
		t.Errorf("without git, a push ran pack-objects; -v said:\n%s", echo.String())
	}
	if got := testserver.Git(t, bare, "tag", "--list"); got != "v0" {
		t.Errorf("remote tags = %q, want v0", got)
	}
}

// TestProgressLines: progress output is cut at \r and \n, empty lines
// dropped, a line split across writes joined.
func TestProgressLines(t *testing.T) {
	var got lines
	p := &progressLines{report: got.add, prefix: "remote: "}
	for _, w := range []string{"Counting objects:  50% (1/2)\rCounting", " objects: 100% (2/2), done.\n\r\n", "Writing"} {
		p.Write([]byte(w))
	}
	want := []string{"remote: Counting objects:  50% (1/2)", "remote: Counting objects: 100% (2/2), done."}
	if !slices.Equal(got.got, want) {
		t.Errorf("lines = %q, want %q", got.got, want)
	}
}

// TestLargePushBrokenRepository: git pack-objects failing (a blob is
// missing from the local repository) is a Fatal error that says so and
// names git's complaint; the remote gets no branch, and no pack-objects is
// left behind to block the push.
func TestLargePushBrokenRepository(t *testing.T) {
	testserver.Env(t)
	dir := newEmpty(t)
	bare := newBare(t)
	write(t, dir, map[string]string{"f": "precious\n"})
	head := commitAll(t, dir, "0")
	blob := testserver.Git(t, dir, "rev-parse", "HEAD:f")
	if err := os.Remove(filepath.Join(dir, ".git", "objects", blob[:2], blob[2:])); err != nil {
		t.Fatal(err)
	}
	_, err := push(t, bare, dir, backends.Local{Branch: "main"}, backends.Range{To: head})
	if err == nil || backends.ClassOf(err) != backends.Fatal || !strings.Contains(err.Error(), "pack-objects") {
		t.Fatalf("Push = %v; want a Fatal error that names pack-objects", err)
	}
	t.Log(err)
	if got := holds(t, bare, "main"); got != "" {
		t.Errorf("the remote's main is %q after a failed push, want none", got)
	}
}
