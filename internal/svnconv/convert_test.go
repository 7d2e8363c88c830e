package svnconv_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/svn"
	"github.com/vcsync/vcsync/internal/svnconv"
	"github.com/vcsync/vcsync/internal/testserver"
)

// history makes, with a plain svn working copy, every kind of change a
// colleague can commit: adds, edits, deletes, moves (copies with history),
// a copy from an older revision and one from a branch, a replace, the
// executable bit set and cleared, a symbolic link, svn:eol-style CRLF and
// native, an unexpanded keyword, an empty directory, a binary file, and
// names with spaces and non-ASCII letters.
const history = `set -e
svn mkdir -q -m branches "$REPO/branches"
svn co -q "$REPO/trunk" wc
cd wc
printf 'a\n' >a.c; mkdir -p d/e; printf 'b\n' >d/e/b.c; ln -s a.c link; mkdir empty
printf 'x\0y' >bin.dat; printf 'sp\n' >'sp ace é.txt'
svn add -q a.c d link empty bin.dat 'sp ace é.txt'; svn ci -q -m 'Add files.'
printf 'a2\n' >>a.c; svn ps -q svn:executable '*' a.c; svn ci -q -m 'Edit a.c, make it executable.'
svn mv -q d/e d/f; svn ci -q -m 'Move a directory.'
svn cp -q "$REPO/trunk/a.c@3" old.c; svn rm -q link; svn ci -q -m 'Copy from an older revision.
A second line.'
svn cp -q -m 'Branch.' "$REPO/trunk" "$REPO/branches/x"
svn up -q; svn cp -q "$REPO/branches/x/d" fromb; svn ci -q -m 'Copy from a branch.'
svn rm -q a.c; printf 'new\n' >a.c; svn add -q a.c; svn ci -q -m 'Replace a.c.'
printf 'l1\nl2\n' >crlf.txt; printf 'n1\nn2\n' >native.txt; printf '$Id$\n' >kw.c
svn add -q crlf.txt native.txt kw.c; svn ps -q svn:eol-style CRLF crlf.txt; svn ps -q svn:eol-style native native.txt
svn ps -q svn:keywords Id kw.c; svn pd -q svn:executable old.c; svn ci -q -m 'Line ends and keywords.'
printf 'l3\n' >>crlf.txt; svn ps -q svn:executable '*' crlf.txt; ln -s d/f again; svn add -q again; svn ci -q -m 'Edit the CRLF file.'
svn mkdir -q empty/sub; printf 'z\n' >empty/sub/z; svn add -q empty/sub/z; svn ci -q -m 'Fill the empty directory.'
`

func TestConvert(t *testing.T) {
	testserver.Require(t, "git", "svn", "svnrdump", "svnadmin", "svnmucc")
	testserver.Env(t)
	t.Setenv("LC_ALL", "C.UTF-8")
	repo := testserver.SvnRepo(t, filepath.Join(t.TempDir(), "repo"))
	work := t.TempDir()
	sh := exec.Command("sh", "-c", history)
	sh.Dir, sh.Env = work, append(os.Environ(), "REPO="+repo)
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("making the history: %v\n%s", err, out)
	}
	gitDir := filepath.Join(t.TempDir(), "g")
	testserver.Git(t, t.TempDir(), "init", "-q", gitDir)
	g, err := gogit.PlainOpen(gitDir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	b, err := svn.New(backends.Remote{Name: "svn", Kind: "svn", URL: repo + "/trunk"})
	if err != nil {
		t.Fatal(err)
	}
	rr := b.(backends.RevisionReader)
	l := backends.Local{Root: gitDir}
	info, err := rr.Repository(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	if info.Path != "trunk" || info.UUID == "" || info.Youngest < 10 {
		t.Fatalf("Repository = %+v", info)
	}
	c := &svnconv.Converter{Store: g.Storer, Source: svnconv.Bind(rr, l), Dir: info.Path, UUID: info.UUID,
		Authors: svnconv.Authors{"jrandom": {Name: "J. Random", Email: "jr@example.org"}}, Batch: 3}
	var got []svnconv.Commit
	err = c.Convert(ctx, svnconv.Base{}, info.Youngest, func(cm svnconv.Commit) error {
		got = append(got, cm)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	revs, err := rr.Revisions(ctx, l, 1, info.Youngest, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(revs) {
		t.Fatalf("%d commits for the %d revisions of trunk", len(got), len(revs))
	}
	for i, cm := range got {
		rev := revs[len(revs)-1-i]
		if cm.Rev != rev.Number {
			t.Fatalf("commit %d is of r%d, want r%d", i, cm.Rev, rev.Number)
		}
		commit, err := g.CommitObject(cm.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := commit.Tree(); err != nil {
			t.Errorf("r%d: the commit's tree is not stored: %v", rev.Number, err)
		}
		if want := exportTree(t, repo, rev.Number); commit.TreeHash.String() != want {
			t.Errorf("r%d: tree %s, svn export gives %s", rev.Number, commit.TreeHash, want)
		}
		checkMeta(t, commit, rev, info.UUID)
	}
	// Deterministic: converting again gives the same commits.
	again := &svnconv.Converter{Store: g.Storer, Source: svnconv.Bind(rr, l), Dir: info.Path, UUID: info.UUID, Authors: c.Authors}
	var last plumbing.Hash
	if err := again.Convert(ctx, svnconv.Base{}, info.Youngest, func(cm svnconv.Commit) error { last = cm.ID; return nil }); err != nil {
		t.Fatal(err)
	}
	if last != got[len(got)-1].ID {
		t.Errorf("a second conversion ends at %s, the first at %s", last, got[len(got)-1].ID)
	}
	// Incremental: from the middle, onto the commit of that revision.
	mid := got[len(got)/2]
	var inc []svnconv.Commit
	if err := again.Convert(ctx, svnconv.Base{Rev: mid.Rev, Commit: mid.ID}, info.Youngest, func(cm svnconv.Commit) error {
		inc = append(inc, cm)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(inc) == 0 || inc[len(inc)-1].ID != last {
		t.Errorf("converting from r%d ends at %v, want %s", mid.Rev, inc, last)
	}
}

// checkMeta checks a commit's author, committer, dates and message.
func checkMeta(t *testing.T, c *object.Commit, rev backends.Revision, uuid string) {
	t.Helper()
	user := rev.Author
	if user == "" {
		user = "(no author)"
	}
	want := user + " <" + user + "@" + uuid + ">"
	if got := c.Author.Name + " <" + c.Author.Email + ">"; got != want || c.Committer != c.Author {
		t.Errorf("r%d: author %s, committer %s; want %s for both", rev.Number, got, c.Committer.Name, want)
	}
	if !c.Author.When.Equal(rev.Date.Truncate(1e9)) {
		t.Errorf("r%d: date %s, svn:date %s", rev.Number, c.Author.When, rev.Date)
	}
	if strings.TrimSuffix(c.Message, "\n") != rev.Log {
		t.Errorf("r%d: message %q, svn:log %q", rev.Number, c.Message, rev.Log)
	}
}

// exportTree is git's tree of svn export of trunk at rev: what git add of
// the exported files writes.
func exportTree(t *testing.T, repo string, rev int64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "x")
	r := strconv.FormatInt(rev, 10)
	testserver.Svn(t, "svn", "export", "-q", "--ignore-keywords", "--native-eol", "LF", "-r", r, repo+"/trunk@"+r, dir)
	g := t.TempDir()
	testserver.Git(t, g, "init", "-q")
	testserver.Git(t, g, "--work-tree="+dir, "add", "-A", ".")
	return strings.TrimSpace(testserver.Git(t, g, "write-tree"))
}

// TestConvertRefusesDotGit: svn may hold a directory named .git, which in
// a git working tree would be the repository itself: the conversion
// stops, naming it, rather than write it.
func TestConvertRefusesDotGit(t *testing.T) {
	testserver.Require(t, "git", "svn", "svnrdump", "svnadmin", "svnmucc")
	testserver.Env(t)
	repo := testserver.SvnRepo(t, filepath.Join(t.TempDir(), "repo"))
	f := filepath.Join(t.TempDir(), "hook")
	if err := os.WriteFile(f, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	testserver.Svn(t, "svnmucc", "-m", "A .git.", "mkdir", repo+"/trunk/.GIT", "put", f, repo+"/trunk/.GIT/config")
	gitDir := t.TempDir()
	testserver.Git(t, gitDir, "init", "-q")
	g, err := gogit.PlainOpen(gitDir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := svn.New(backends.Remote{Name: "svn", Kind: "svn", URL: repo + "/trunk"})
	if err != nil {
		t.Fatal(err)
	}
	rr, l := b.(backends.RevisionReader), backends.Local{Root: gitDir}
	c := &svnconv.Converter{Store: g.Storer, Source: svnconv.Bind(rr, l), Dir: "trunk", UUID: "u"}
	err = c.Convert(context.Background(), svnconv.Base{}, 2, func(svnconv.Commit) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "r2: trunk/.GIT: a path named .git") {
		t.Fatalf("Convert = %v; want r2 refused for its .git", err)
	}
}
