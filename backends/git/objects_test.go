package git

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/testserver"
)

// The tests of what a push sends. Every one ends with git fsck --strict on
// the remote: an object left out of a pack corrupts the remote, which only
// fsck (or a later clone) would notice.

// newEmpty makes a repository on main with no commit yet.
func newEmpty(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	testserver.Git(t, dir, "init", "-q", "--initial-branch=main")
	return dir
}

// write writes files under dir: name -> content, made executable if the
// name ends in "*" (the star is not part of the name).
func write(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		perm := os.FileMode(0o644)
		if exec, ok := strings.CutSuffix(name, "*"); ok {
			name, perm = exec, 0o755
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), perm); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, perm); err != nil { // WriteFile keeps an existing file's mode
			t.Fatal(err)
		}
	}
}

// commitAll commits the whole working tree and returns HEAD.
func commitAll(t testing.TB, dir, msg string) string {
	t.Helper()
	testserver.Git(t, dir, "add", "-A")
	testserver.Git(t, dir, "commit", "-q", "--allow-empty", "-m", msg)
	return testserver.Git(t, dir, "rev-parse", "HEAD")
}

// pushOK pushes to from dir's main to bare, which must then hold it and be
// sound.
func pushOK(t testing.TB, bare, dir, to string, tags bool) {
	t.Helper()
	res, err := push(t, bare, dir, backends.Local{Branch: "main"}, backends.Range{To: to, FollowTags: tags})
	if err != nil || res.Status != backends.StatusOK {
		t.Fatalf("Push(%s) = %+v, %v; want ok", short8(to), res, err)
	}
	if got := holds(t, bare, "main"); got != to {
		t.Fatalf("the remote holds %q, want %s", got, to)
	}
	fsck(t, bare)
}

// fsck fails the test unless git fsck --strict finds the remote sound:
// every object reachable from its refs present and well formed.
func fsck(t testing.TB, bare string) {
	t.Helper()
	testserver.Git(t, bare, "fsck", "--strict", "--no-progress", "--no-dangling")
}

func short8(id string) string { return id[:min(8, len(id))] }

// keptPacks makes the remote keep every pack it receives as it came
// (receive.unpackLimit 1), so that a test can read what a push sent.
func keptPacks(t testing.TB, bare string) {
	testserver.Git(t, bare, "config", "receive.unpackLimit", "1")
}

// newPackObjects returns the ids of the objects in the packs of bare that
// are not in before (a list of .idx files), and the .idx files now.
func newPackObjects(t testing.TB, bare string, before []string) (ids, now []string) {
	t.Helper()
	now, _ = filepath.Glob(filepath.Join(bare, "objects", "pack", "*.idx"))
	for _, idx := range now {
		if slices.Contains(before, idx) {
			continue
		}
		for line := range strings.Lines(testserver.Git(t, bare, "verify-pack", "-v", idx)) {
			if f := strings.Fields(line); len(f) > 1 && len(f[0]) == 40 {
				ids = append(ids, f[0])
			}
		}
	}
	slices.Sort(ids)
	return ids, now
}

// revListObjects returns what git itself would send for old..to.
func revListObjects(t testing.TB, dir, old, to string) []string {
	var ids []string
	for line := range strings.Lines(testserver.Git(t, dir, "rev-list", "--objects", old+".."+to)) {
		ids = append(ids, strings.Fields(line)[0])
	}
	slices.Sort(ids)
	return ids
}

// TestIncrementalSendsOnlyNew: after a first push of a long history, a push
// of a few more commits sends exactly what git would, the new commits with
// their changed trees and blobs, and nothing of the history the remote has.
func TestIncrementalSendsOnlyNew(t *testing.T) {
	testserver.Env(t)
	dir := newEmpty(t)
	edit := func(i int) {
		write(t, dir, map[string]string{
			"d" + strconv.Itoa(i%4) + "/f" + strconv.Itoa(i%5):   "version " + strconv.Itoa(i) + "\n",
			"new/" + strconv.Itoa(i/10) + "/g" + strconv.Itoa(i): "file " + strconv.Itoa(i) + "\n",
		})
	}
	var head string
	for i := range 60 {
		edit(i)
		head = commitAll(t, dir, "change "+strconv.Itoa(i))
	}
	bare := newBare(t)
	keptPacks(t, bare)
	pushOK(t, bare, dir, head, false)
	_, packs := newPackObjects(t, bare, nil)

	old := head
	for i := 60; i < 66; i++ {
		edit(i)
		head = commitAll(t, dir, "change "+strconv.Itoa(i))
	}
	pushOK(t, bare, dir, head, false)
	got, _ := newPackObjects(t, bare, packs)
	want := revListObjects(t, dir, old, head)
	if !slices.Equal(got, want) {
		t.Errorf("the incremental push sent %d objects, want the %d of git rev-list --objects %s..%s:\ngot  %v\nwant %v",
			len(got), len(want), short8(old), short8(head), got, want)
	}
}

// TestIncrementalTrickyChanges pushes, one or two commits at a time, the
// changes where a diff by path could miss an object: deletions, renames,
// new directories, an executable bit alone, symlinks, a file becoming a
// directory and back, a copied directory, and a tree seen before.
func TestIncrementalTrickyChanges(t *testing.T) {
	testserver.Env(t)
	dir := newEmpty(t)
	bare := newBare(t)
	rm := func(names ...string) { testserver.Git(t, dir, append([]string{"rm", "-rq"}, names...)...) }
	symlink := func(target, name string) {
		os.Remove(filepath.Join(dir, name))
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	var early string
	steps := []struct {
		name string
		do   func()
	}{
		{"first", func() {
			write(t, dir, map[string]string{"a/1": "one\n", "a/2": "two\n", "a/3": "three\n", "b/c/x": "x\n", "top": "top\n"})
		}},
		{"delete", func() { rm("a/1") }},
		{"rename", func() { testserver.Git(t, dir, "mv", "b/c/x", "b/y") }},
		{"new directories", func() {
			write(t, dir, map[string]string{"d/e/f/deep": "deep\n", "d/e/g": "g\n"})
			early = testserver.Git(t, dir, "write-tree")
		}},
		{"executable bit", func() { write(t, dir, map[string]string{"a/2*": "two\n"}) }},
		{"symlink", func() { symlink("a/2", "link") }},
		{"retarget, file to directory", func() {
			symlink("b/y", "link")
			rm("a/3")
			write(t, dir, map[string]string{"a/3/inner": "inner\n"})
		}},
		{"directory to file, copied directory", func() {
			rm("d/e")
			write(t, dir, map[string]string{"d/e": "now a file\n", "b2/y": "x\n"})
		}},
		{"a tree seen before", func() {
			testserver.Git(t, dir, "read-tree", "-u", "--reset", early)
		}},
	}
	for _, s := range steps {
		s.do()
		pushOK(t, bare, dir, commitAll(t, dir, s.name), false)
	}
	// Two commits in one push: an addition, then its removal.
	write(t, dir, map[string]string{"tmp/t": "temporary\n"})
	commitAll(t, dir, "add")
	rm("tmp")
	pushOK(t, bare, dir, commitAll(t, dir, "remove"), false)
}

// TestMergePush: a merge in the pushed range takes go-git's revlist
// instead of the walk by parents, and lands whole, with both sides' files.
func TestMergePush(t *testing.T) {
	testserver.Env(t)
	dir := newEmpty(t)
	bare := newBare(t)
	write(t, dir, map[string]string{"base": "base\n"})
	pushOK(t, bare, dir, commitAll(t, dir, "base"), false)
	testserver.Git(t, dir, "checkout", "-q", "-b", "side")
	write(t, dir, map[string]string{"side/s1": "side 1\n"})
	commitAll(t, dir, "side 1")
	write(t, dir, map[string]string{"side/s2": "side 2\n", "base": "changed on the side\n"})
	commitAll(t, dir, "side 2")
	testserver.Git(t, dir, "checkout", "-q", "main")
	write(t, dir, map[string]string{"main/m": "main\n"})
	commitAll(t, dir, "main 1")
	testserver.Git(t, dir, "merge", "-q", "--no-edit", "side")
	write(t, dir, map[string]string{"after": "after the merge\n"})
	head := commitAll(t, dir, "after")
	pushOK(t, bare, dir, head, false)
	if got := testserver.Git(t, bare, "rev-list", "--count", "main"); got != "6" {
		t.Errorf("the remote's main has %s commits, want 6", got)
	}
}

// TestLongWalkFallsBack: where git is not installed, past maxWalk commits
// back to the remote's tip, a push stops walking the chain and sends what
// go-git's revlist finds: the
// fallback runs (counted), and the remote ends whole (pushOK's fsck). A
// push of one commit, within maxWalk, does not fall back.
func TestLongWalkFallsBack(t *testing.T) {
	testserver.Env(t)
	withoutGit(t)
	defer func(n int) { maxWalk = n }(maxWalk)
	maxWalk = 2
	walks := 0
	saved := fullWalk
	defer func() { fullWalk = saved }()
	fullWalk = func(s storer.EncodedObjectStorer, to plumbing.Hash, remote map[string]plumbing.Hash) ([]plumbing.Hash, error) {
		walks++
		return allObjects(s, to, remote)
	}
	dir := newEmpty(t)
	bare := newBare(t)
	write(t, dir, map[string]string{"f": "0\n"})
	pushOK(t, bare, dir, commitAll(t, dir, "0"), false)
	if walks != 1 {
		t.Fatalf("a first push walked the whole history %d times, want 1", walks)
	}
	var head string
	for i := range 5 {
		write(t, dir, map[string]string{"f": strconv.Itoa(i) + "\n", "dir/g" + strconv.Itoa(i): "g\n"})
		head = commitAll(t, dir, strconv.Itoa(i))
	}
	pushOK(t, bare, dir, head, false)
	if walks != 2 {
		t.Errorf("5 commits past a walk of at most %d: fell back %d times, want once", maxWalk, walks-1)
	}
	before := walks
	write(t, dir, map[string]string{"f": "one more\n"})
	pushOK(t, bare, dir, commitAll(t, dir, "one more"), false)
	if walks != before {
		t.Errorf("1 commit, within the walk: fell back anyway")
	}
}
