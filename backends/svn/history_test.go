package svn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/testserver"
)

// TestMerge: a merge commit is one revision, its diff against the first
// parent; the side branch's commits are not sent on their own.
func TestMerge(t *testing.T) {
	w := newWorld(t)
	r := remote(w.trunk)
	w.write(t, map[string]string{"main.txt": "1\n", "shared.txt": "base\n"})
	base := w.commit(t, "Base.")
	w.mustPush(t, r, base, backends.StatusOK)

	gitOut(t, w, "checkout", "-q", "-b", "side")
	w.write(t, map[string]string{"side.txt": "side\n"})
	w.commit(t, "Side 1.")
	w.write(t, map[string]string{"shared.txt": "base\nside\n"})
	w.commit(t, "Side 2.")
	gitOut(t, w, "checkout", "-q", "main")
	w.write(t, map[string]string{"main.txt": "2\n"})
	w.commit(t, "Main 2.")
	gitOut(t, w, "merge", "-q", "--no-ff", "-m", "Merge side.", "side")
	merge := testHead(t, w)

	w.mustPush(t, r, merge, backends.StatusOK)
	w.wantTree(t, merge)
	if got := count(t, w.trunk); got != 3 {
		t.Fatalf("%d revisions, want 3: Base, Main 2 and the merge", got)
	}
	log := svn(t, "log", "-v", "-r", "HEAD", "--", w.trunk)
	for _, want := range []string{"Merge side.", "A /trunk/side.txt", "M /trunk/shared.txt"} {
		if !strings.Contains(log, want) {
			t.Errorf("the merge's revision lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "main.txt") {
		t.Errorf("the merge's revision holds the first parent's change:\n%s", log)
	}
}

// TestFromSideBranch: the directory holds a commit of a side branch (pushed
// from it); the merge that brings it into main is sent as its diff against
// that commit.
func TestFromSideBranch(t *testing.T) {
	w := newWorld(t)
	r := remote(w.trunk)
	w.write(t, map[string]string{"a.txt": "a\n"})
	w.commit(t, "Base.")
	gitOut(t, w, "checkout", "-q", "-b", "side")
	w.write(t, map[string]string{"side.txt": "side\n"})
	side := w.commit(t, "Side.")
	w.mustPush(t, r, side, backends.StatusOK)
	gitOut(t, w, "checkout", "-q", "main")
	w.write(t, map[string]string{"a.txt": "a2\n"})
	w.commit(t, "Main.")
	gitOut(t, w, "merge", "-q", "--no-ff", "-m", "Merge side.", "side")
	merge := testHead(t, w)
	w.mustPush(t, r, merge, backends.StatusOK)
	w.wantTree(t, merge)
	if got := count(t, w.trunk); got != 2 {
		t.Fatalf("%d revisions, want 2: the side commit, then the merge", got)
	}
}

// TestResume: a run killed after its svn commits and before its own
// bookkeeping comes back knowing nothing (Range.From ""); the repository's
// vcsync:commit tells it what was sent, and nothing is sent twice. The
// "kill" is a pre-commit hook that refuses the third revision, after two
// have landed.
func TestResume(t *testing.T) {
	w := newWorld(t)
	r := remote(w.trunk, "history=true")
	var commits []string
	for _, msg := range []string{"One.", "Two.", "Three BOOM.", "Four."} {
		w.write(t, map[string]string{"f.txt": msg + "\n"})
		commits = append(commits, w.commit(t, msg))
	}
	hook := filepath.Join(strings.TrimPrefix(w.repo, "file://"), "hooks", "pre-commit")
	script := "#!/bin/sh\nsvnlook log -t \"$2\" \"$1\" | grep -q BOOM && { echo killed >&2; exit 1; }\nexit 0\n"
	if err := os.WriteFile(hook, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	head := commits[3]
	_, err := w.push(t, r, backends.Range{To: head})
	if err == nil {
		t.Fatal("the hook did not stop the push")
	}
	if !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the error does not show svn's: %v", err)
	}
	if got := holds(t, w.trunk); got != commits[1] {
		t.Fatalf("after the failed push the directory holds %s, want %s", kit.Short(got), kit.Short(commits[1]))
	}
	if err := os.Remove(hook); err != nil {
		t.Fatal(err)
	}

	// The state was lost: From is "", and the repository says what it has.
	w.mustPush(t, r, commits[1], backends.StatusUpToDate)
	w.mustPush(t, r, head, backends.StatusOK)
	if got := count(t, w.trunk); got != 4 {
		t.Fatalf("%d revisions, want 4: each commit exactly once", got)
	}
	w.mustPush(t, r, head, backends.StatusUpToDate)
	if got := count(t, w.trunk); got != 4 {
		t.Fatalf("%d revisions after pushing again, want 4", got)
	}
}

// TestLocalBehind: the directory holds a commit that has ours and more
// (pushed from another clone): rejected, nothing sent.
func TestLocalBehind(t *testing.T) {
	w := newWorld(t)
	r := remote(w.trunk)
	w.write(t, map[string]string{"f": "1\n"})
	old := w.commit(t, "One.")
	w.write(t, map[string]string{"f": "2\n"})
	head := w.commit(t, "Two.")
	w.mustPush(t, r, head, backends.StatusOK)
	_, err := w.push(t, r, backends.Range{To: old})
	if backends.ClassOf(err) != backends.Rejected || !strings.Contains(err.Error(), "commits on top") {
		t.Fatalf("pushing an older commit: %v (class %v), want a rejection", err, backends.ClassOf(err))
	}
	if got := holds(t, w.trunk); got != head {
		t.Fatalf("the directory holds %s, want %s", kit.Short(got), kit.Short(head))
	}
}

// TestSince: a directory with content vcsync never pushed is refused, and
// accepted with since naming the commit whose tree it holds, which then
// sends only what follows. A since whose tree differs is refused.
func TestSince(t *testing.T) {
	w := newWorld(t)
	w.write(t, map[string]string{"a.txt": "a\n", "bin/run*": "#!/bin/sh\n", "l": "->a.txt"})
	imported := w.commit(t, "Imported.")
	w.write(t, map[string]string{"a.txt": "a2\n"})
	later := w.commit(t, "Later.")
	w.write(t, map[string]string{"b.txt": "b\n"})
	head := w.commit(t, "Head.")

	// Someone imported the tree of "imported" by hand, with svn's own tools.
	tree := filepath.Join(t.TempDir(), "tree")
	gitOut(t, w, "worktree", "add", "-q", "--detach", tree, imported)
	os.RemoveAll(filepath.Join(tree, ".git"))
	testserver.Svn(t, "svn", "import", "--non-interactive", "--no-ignore", "-m", "Import.", "--", tree, w.trunk)
	before := svn(t, "info", "--show-item", "revision", "--", w.repo)

	_, err := w.push(t, remote(w.trunk), backends.Range{To: head})
	if err == nil || !strings.Contains(err.Error(), "--since") {
		t.Fatalf("push to a directory vcsync never pushed to: %v; want a refusal that names --since", err)
	}
	_, err = w.push(t, remote(w.trunk, "since="+later), backends.Range{To: head})
	if backends.ClassOf(err) != backends.Rejected || !strings.Contains(err.Error(), "a.txt: the content differs") {
		t.Fatalf("push since a commit whose tree differs: %v (class %v); want a rejection naming a.txt", err, backends.ClassOf(err))
	}
	if got := svn(t, "info", "--show-item", "revision", "--", w.repo); got != before {
		t.Fatalf("a refused push made revisions: r%s, was r%s", got, before)
	}

	w.mustPush(t, remote(w.trunk, "since="+imported), head, backends.StatusOK)
	w.wantTree(t, head)
	if got := count(t, w.trunk); got != 2 {
		t.Fatalf("%d revisions of vcsync's, want 2: Later and Head", got)
	}
	w.mustPush(t, remote(w.trunk), head, backends.StatusUpToDate)
}

// TestProgressCommits: with Local.Progress, a push of the history says
// each commit as it sends it, N of M, with the revision it follows.
func TestProgressCommits(t *testing.T) {
	w := newWorld(t)
	var head string
	for i := range 3 {
		w.write(t, map[string]string{"f.txt": strings.Repeat("x\n", i+1)})
		head = w.commit(t, "Change.")
	}
	b, err := New(remote(w.trunk, "history=true"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	l := backends.Local{Root: w.git, Branch: "main", Progress: func(s string) { got = append(got, s) }}
	if res, err := b.Push(t.Context(), l, backends.Range{To: head}); err != nil || res.Status != backends.StatusOK {
		t.Fatalf("Push = %+v, %v; want ok", res, err)
	}
	want := []string{"commit 1 of 3 (after r1)", "commit 2 of 3 (after r2)", "commit 3 of 3 (after r3)"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("progress = %q, want %q", got, want)
	}
}
