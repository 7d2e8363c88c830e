package gitsvn

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/testserver"
)

// TestPush: a first push sends each commit as one revision with its
// message, and HEAD becomes the rewritten commits; pushing again sends
// nothing; a later push sends only the new commits, empty ones included.
func TestPush(t *testing.T) {
	w := newWorld(t)
	first := w.commit(t, "a.txt", "Change a")
	second := w.commit(t, "c.txt", "Add c\n\n* c.txt: New file.")
	tree := runOK(t, w.clone, "git", "rev-parse", "HEAD^{tree}")
	res := w.mustPush(t, backends.StatusOK, "r4")
	w.wantRewritten(t, res, map[string]int{first: 3, second: 4})
	want := []string{"Create trunk", "Add a and b", "Change a", "Add c\n\n* c.txt: New file."}
	if diff := cmp.Diff(want, w.svnLog(t)); diff != "" {
		t.Errorf("svn log (-want +got):\n%s", diff)
	}
	if got := runOK(t, w.clone, "git", "rev-parse", "HEAD^{tree}"); got != tree {
		t.Errorf("the rewritten commits changed the tree")
	}
	w.wantClean(t, res.Holds)

	t.Run("NothingToPush", func(t *testing.T) {
		res := w.mustPush(t, backends.StatusUpToDate, "r4")
		if res.Rewritten != nil {
			t.Errorf("Rewritten = %v, want nil", res.Rewritten)
		}
		if n := len(w.svnLog(t)); n != 4 {
			t.Errorf("Subversion has %d revisions, want 4", n)
		}
	})
	t.Run("Incremental", func(t *testing.T) {
		one := w.commit(t, "b.txt", "Change b")
		two := w.commit(t, "b.txt", "Change b again")
		empty := w.commit(t, "", "Nothing")
		res := w.mustPush(t, backends.StatusOK, "r6")
		// The empty commit, which dcommit drops, maps to the one before.
		w.wantRewritten(t, res, map[string]int{one: 5, two: 6, empty: 6})
		if got := w.svnLog(t)[4:]; !cmp.Equal(got, []string{"Change b", "Change b again"}) {
			t.Errorf("svn log ends with %q", got)
		}
		w.wantClean(t, res.Holds)
	})
	t.Run("EmptyInTheMiddle", func(t *testing.T) {
		w.commit(t, "b.txt", "Change b")
		w.commit(t, "", "Nothing")
		head := w.commit(t, "b.txt", "Change b again")
		_, err := w.push(t, "")
		if err == nil || backends.ClassOf(err) != backends.Fatal || !strings.Contains(err.Error(), `("Nothing") changes nothing`) {
			t.Fatalf("Push with an empty commit in the middle: %v (class %v); want a Fatal error naming it", err, backends.ClassOf(err))
		}
		if n := len(w.svnLog(t)); n != 6 {
			t.Errorf("Subversion has %d revisions, want 6: nothing sent", n)
		}
		w.wantClean(t, head)
	})
}

// TestTheirsElsewhere: someone else committed to another file; dcommit
// sends ours on top, and HEAD gets their change.
func TestTheirsElsewhere(t *testing.T) {
	w := newWorld(t)
	w.svnCommit(t, map[string]string{"theirs.txt": "theirs\n"}, "Their change")
	ours := w.commit(t, "a.txt", "Our change")
	res := w.mustPush(t, backends.StatusOK, "r4")
	w.wantRewritten(t, res, map[string]int{ours: 4})
	if got := w.svnLog(t)[2:]; !cmp.Equal(got, []string{"Their change", "Our change"}) {
		t.Errorf("svn log ends with %q", got)
	}
	runOK(t, w.clone, "git", "cat-file", "-e", "HEAD:theirs.txt")
	w.wantClean(t, res.Holds)
}

// TestTheirsConflict: someone else changed the file we change: rejected,
// nothing sent, HEAD and the working tree as they were.
func TestTheirsConflict(t *testing.T) {
	w := newWorld(t)
	w.svnCommit(t, map[string]string{"a.txt": "their a\n"}, "Their change")
	head := w.commit(t, "a.txt", "Our change")
	res, err := w.push(t, "")
	if backends.ClassOf(err) != backends.Rejected {
		t.Fatalf("Push = %+v, %v (class %v); want a Rejected error", res, err, backends.ClassOf(err))
	}
	if !strings.Contains(err.Error(), "out of date") || !strings.Contains(err.Error(), "git svn rebase") {
		t.Errorf("the error does not say what happened and what to do: %v", err)
	}
	if n := len(w.svnLog(t)); n != 3 {
		t.Errorf("Subversion has %d revisions, want 3", n)
	}
	w.wantClean(t, head)
}

// TestConflictAfterPartial: our first commit goes in, but the second
// conflicts with someone else's in dcommit's rebase: rejected, the rebase
// aborted, and the error says what Subversion received.
func TestConflictAfterPartial(t *testing.T) {
	w := newWorld(t)
	w.svnCommit(t, map[string]string{"b.txt": "their b\n"}, "Their change")
	w.commit(t, "a.txt", "Our a")
	head := w.commit(t, "b.txt", "Our b")
	res, err := w.push(t, "")
	if backends.ClassOf(err) != backends.Rejected {
		t.Fatalf("Push = %+v, %v (class %v); want a Rejected error", res, err, backends.ClassOf(err))
	}
	for _, want := range []string{"Subversion received r4", "aborted"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q: %v", want, err)
		}
	}
	if got := w.svnLog(t)[2:]; !cmp.Equal(got, []string{"Their change", "Our a"}) {
		t.Errorf("svn log ends with %q", got)
	}
	w.wantClean(t, head)
}

// TestDirtyTree: uncommitted changes to a tracked file are refused before
// anything is sent, and left as they are.
func TestDirtyTree(t *testing.T) {
	w := newWorld(t)
	head := w.commit(t, "a.txt", "Our change")
	appendFile(t, w.clone+"/b.txt", "uncommitted\n")
	_, err := w.push(t, "")
	if err == nil || backends.ClassOf(err) != backends.Fatal || !strings.Contains(err.Error(), "b.txt") {
		t.Fatalf("Push with b.txt modified: %v (class %v); want a Fatal error naming b.txt", err, backends.ClassOf(err))
	}
	if n := len(w.svnLog(t)); n != 2 {
		t.Errorf("Subversion has %d revisions, want 2", n)
	}
	if st := runOK(t, w.clone, "git", "status", "--porcelain"); st != "M b.txt" {
		t.Errorf("git status = %q, want b.txt still modified", st)
	}
	if w.head(t) != head {
		t.Error("HEAD moved")
	}
}

// TestUnreachable: a Subversion server that cannot be reached is a
// transient error, and changes nothing.
func TestUnreachable(t *testing.T) {
	w := newWorld(t)
	port := strconv.Itoa(testserver.FreePort(t))
	runOK(t, w.clone, "git", "config", "svn-remote.svn.pushurl", "svn://127.0.0.1:"+port+"/trunk")
	head := w.commit(t, "a.txt", "Our change")
	_, err := w.push(t, "")
	if backends.ClassOf(err) != backends.Transient {
		t.Fatalf("Push to a closed port: %v (class %v); want a Transient error", err, backends.ClassOf(err))
	}
	w.wantClean(t, head)
}

// TestRefuses: Push refuses, sending nothing, a HEAD that is not the
// commit to push, a remote URL that is not the clone's, and a repository
// that is not a git svn clone.
func TestRefuses(t *testing.T) {
	w := newWorld(t)
	head := w.commit(t, "a.txt", "Our change")
	for _, url := range []string{"file:///elsewhere/trunk", w.trunk + "x"} {
		if _, err := w.push(t, url); err == nil || !strings.Contains(err.Error(), "not this clone's Subversion URL") {
			t.Errorf("Push with url %s: %v; want it refused", url, err)
		}
	}
	b, _ := New(backends.Remote{Name: "svn"})
	l := backends.Local{Root: w.clone}
	if _, err := b.Push(t.Context(), l, backends.Range{To: strings.Repeat("1", 40)}); err == nil || !strings.Contains(err.Error(), "HEAD is") {
		t.Errorf("Push of a commit that is not HEAD: %v", err)
	}
	plain := t.TempDir()
	runOK(t, plain, "git", "init", "-q")
	runOK(t, plain, "git", "commit", "-q", "--allow-empty", "-m", "x")
	l.Root = plain
	if _, err := b.Push(t.Context(), l, backends.Range{To: runOK(t, plain, "git", "rev-parse", "HEAD")}); err == nil || !strings.Contains(err.Error(), "not a branch of a git svn clone") {
		t.Errorf("Push from a plain git repository: %v", err)
	}
	if n := len(w.svnLog(t)); n != 2 {
		t.Errorf("Subversion has %d revisions, want 2", n)
	}
	w.wantClean(t, head)
	// The clone's URL, spelt with a user and a trailing slash, is its own.
	if _, err := w.push(t, strings.Replace(w.trunk, "file://", "file://someone@", 1)+"/"); err != nil {
		t.Errorf("Push with the clone's own URL: %v", err)
	}
	if _, err := New(backends.Remote{Name: "svn", URL: "-oProxyCommand=x"}); err == nil {
		t.Error("New accepted a URL beginning with '-'")
	}
}
