package gitsvn

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vcsync/vcsync/backends"
)

// interrupt leaves the clone as a dcommit of HEAD interrupted after n
// commits does: Subversion has them, fetched into refs/remotes/git-svn,
// and the branch is still the original commits. It dcommits the nth commit
// of HEAD's unsent ones (and those before it) from a detached HEAD, and
// checks the branch out again, as it was.
func (w *world) interrupt(t *testing.T, n, unsent int) {
	t.Helper()
	head := w.head(t)
	runOK(t, w.clone, "git", "checkout", "-q", "--detach", "HEAD~"+strconv.Itoa(unsent-n))
	runOK(t, w.clone, "git", "svn", "dcommit", "-q")
	runOK(t, w.clone, "git", "checkout", "-q", "main")
	if w.head(t) != head {
		t.Fatal("the branch moved")
	}
}

// TestResumeInterrupted: an interrupted dcommit sent the first of three
// commits (r3); a push sends the other two once each, HEAD onto r3, and
// maps each original commit to its revision's.
func TestResumeInterrupted(t *testing.T) {
	w := newWorld(t)
	first := w.commit(t, "a.txt", "Change a")
	second := w.commit(t, "b.txt", "Change b")
	third := w.commit(t, "c.txt", "Add c\n\nwith a body")
	tree := runOK(t, w.clone, "git", "rev-parse", "HEAD^{tree}")
	w.interrupt(t, 1, 3)
	res := w.mustPush(t, backends.StatusOK, "r5")
	w.wantRewritten(t, res, map[string]int{first: 3, second: 4, third: 5})
	want := []string{"Create trunk", "Add a and b", "Change a", "Change b", "Add c\n\nwith a body"}
	if diff := cmp.Diff(want, w.svnLog(t)); diff != "" {
		t.Errorf("svn log (-want +got):\n%s", diff)
	}
	if got := runOK(t, w.clone, "git", "rev-parse", "HEAD^{tree}"); got != tree {
		t.Errorf("the tree changed")
	}
	if got := runOK(t, w.clone, "git", "reflog", "-1", "--format=%gs", "main@{1}"); got != "vcsync: take in r3, sent by an interrupted git svn dcommit" {
		t.Errorf("the branch's reflog says %q", got)
	}
	w.wantClean(t, res.Holds)
	w.mustPush(t, backends.StatusUpToDate, "r5")
}

// TestResumeAllSent: an interrupted dcommit sent every commit; the push
// sends nothing and moves HEAD onto the revisions: up to date.
func TestResumeAllSent(t *testing.T) {
	w := newWorld(t)
	first := w.commit(t, "a.txt", "Change a")
	second := w.commit(t, "b.txt", "Change b")
	w.interrupt(t, 2, 2)
	res := w.mustPush(t, backends.StatusUpToDate, "r4")
	w.wantRewritten(t, res, map[string]int{first: 3, second: 4})
	if n := len(w.svnLog(t)); n != 4 {
		t.Errorf("Subversion has %d revisions, want 4", n)
	}
	if got := runOK(t, w.clone, "git", "rev-parse", "refs/remotes/git-svn"); got != res.Holds {
		t.Errorf("HEAD is %s, not refs/remotes/git-svn %s", res.Holds, got)
	}
	w.wantClean(t, res.Holds)
}

// TestResumeNotFetched: the revision of our first commit is in Subversion
// but was never fetched (dcommit killed right after the commit): the push
// fetches it, and sends only the second commit.
func TestResumeNotFetched(t *testing.T) {
	w := newWorld(t)
	first := w.commit(t, "a.txt", "Change a")
	second := w.commit(t, "b.txt", "Change b")
	// The same change, with the same message, as dcommit would have made.
	w.svnCommit(t, map[string]string{"a.txt": "a\nChange a\n"}, "Change a")
	res := w.mustPush(t, backends.StatusOK, "r4")
	w.wantRewritten(t, res, map[string]int{first: 3, second: 4})
	if diff := cmp.Diff([]string{"Create trunk", "Add a and b", "Change a", "Change b"}, w.svnLog(t)); diff != "" {
		t.Errorf("svn log (-want +got):\n%s", diff)
	}
	w.wantClean(t, res.Holds)
}

// TestResumeNotOurs: revisions of others are not taken for ours, even
// with our message (not our tree): dcommit sends ours on top, as always.
func TestResumeNotOurs(t *testing.T) {
	w := newWorld(t)
	ours := w.commit(t, "a.txt", "Change")
	w.svnCommit(t, map[string]string{"theirs.txt": "theirs\n"}, "Change")
	runOK(t, w.clone, "git", "svn", "fetch", "-q")
	res := w.mustPush(t, backends.StatusOK, "r4")
	w.wantRewritten(t, res, map[string]int{ours: 4})
	w.wantClean(t, res.Holds)
}

// TestResumeAfterTheirs: our first commit is in Subversion, after someone
// else's revision: the rest would have to be rebased onto theirs, which
// may conflict. Refused, naming git svn rebase, nothing sent or changed.
func TestResumeAfterTheirs(t *testing.T) {
	w := newWorld(t)
	w.commit(t, "a.txt", "Change a")
	head := w.commit(t, "b.txt", "Change b")
	w.svnCommit(t, map[string]string{"theirs.txt": "theirs\n"}, "Their change")
	w.svnCommit(t, map[string]string{"a.txt": "a\nChange a\n"}, "Change a")
	_, err := w.push(t, "")
	if err == nil || backends.ClassOf(err) != backends.Fatal {
		t.Fatalf("Push: %v (class %v); want a Fatal error", err, backends.ClassOf(err))
	}
	for _, want := range []string{`("Change a"), as r4`, "git svn rebase"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q: %v", want, err)
		}
	}
	if n := len(w.svnLog(t)); n != 4 {
		t.Errorf("Subversion has %d revisions, want 4", n)
	}
	w.wantClean(t, head)
}

// TestRecreate: a commit recreated on its own parent is the same commit,
// byte for byte: author, committer, encoding, second parent, message.
func TestRecreate(t *testing.T) {
	w := newWorld(t)
	base := w.head(t)
	runOK(t, w.clone, "git", "checkout", "-q", "-b", "side")
	side := w.commit(t, "c.txt", "Side")
	runOK(t, w.clone, "git", "checkout", "-q", "main")
	writeFile(t, filepath.Join(w.clone, "msg"), "Caf\xe9  \n\n\tindented body\n\n\n")
	t.Setenv("GIT_AUTHOR_NAME", "A. U. Thor")
	t.Setenv("GIT_AUTHOR_EMAIL", "author@example.org")
	t.Setenv("GIT_AUTHOR_DATE", "@1700000000 +0530")
	t.Setenv("GIT_COMMITTER_DATE", "@1700000100 -0200")
	runOK(t, w.clone, "git", "-c", "i18n.commitEncoding=ISO-8859-1", "merge", "-q", "--no-ff", "--cleanup=verbatim", "-F", "msg", "side")
	merge := w.head(t)
	if raw := runOK(t, w.clone, "git", "cat-file", "commit", merge); !strings.Contains(raw, "\nencoding ISO-8859-1\n") || !strings.Contains(raw, "parent "+side) {
		t.Fatalf("the test commit is not what it should be:\n%s", raw)
	}
	t.Setenv("GIT_AUTHOR_DATE", "@1800000000 +0000")
	t.Setenv("GIT_COMMITTER_DATE", "@1800000000 +0000")
	l := backends.Local{Root: w.clone}
	c := parseCommit(runOK(t, w.clone, "git", "log", "-1", format, merge))
	got, err := recreate(t.Context(), l, c, base)
	if err != nil {
		t.Fatal(err)
	}
	if got != merge {
		t.Errorf("recreated %s as %s:\n%s", merge, got, runOK(t, w.clone, "git", "cat-file", "commit", got))
	}
	os.Remove(filepath.Join(w.clone, "msg"))
}

func TestIdent(t *testing.T) {
	for in, want := range map[string][]string{
		"Jane Doe <jane@example.org> 1700000000 +0100": {"Jane Doe", "jane@example.org", "@1700000000 +0100"},
		"x <> 1 -0000":   {"x", "", "@1 -0000"},
		" <a@b> 1 +0000": nil,
		"Jane Doe":       nil,
		"<a@b> 1 +0000":  nil,
	} {
		name, email, date, ok := ident(in)
		var got []string
		if ok {
			got = []string{name, email, date}
		}
		if !cmp.Equal(got, want) {
			t.Errorf("ident(%q) = %q, want %q", in, got, want)
		}
	}
}
