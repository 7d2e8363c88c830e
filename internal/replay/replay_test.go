package replay_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/vcsync/vcsync/internal/replay"
	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/testserver"
)

// TestReplay replays one local commit onto an upstream one that changed
// the same files: the ChangeLog by the ChangeLog rule, another file by a
// line merge, and a conflict that stops with the commit and the file.
func TestReplay(t *testing.T) {
	testserver.Require(t, "git")
	testserver.Env(t)
	dir := t.TempDir()
	git := func(args ...string) string { return strings.TrimSpace(testserver.Git(t, dir, args...)) }
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q", "--initial-branch=main")
	write("ChangeLog", "2026-01-01  Old  <o@x>\n\n\t* a.c: Old.\n")
	write("a.c", "1\n2\n3\n4\n5\n")
	git("add", ".")
	git("commit", "-qm", "base")
	write("ChangeLog", "2026-12-01  Up  <u@x>\n\n\t* a.c: Up.\n\n2026-01-01  Old  <o@x>\n\n\t* a.c: Old.\n")
	write("a.c", "1 up\n2\n3\n4\n5\n")
	git("commit", "-qam", "upstream")
	up := git("rev-parse", "HEAD")
	git("checkout", "-q", "-b", "local", "HEAD~1")
	write("ChangeLog", "2026-12-02  Me  <m@x>\n\n\t* a.c: Mine.\n\n2026-01-01  Old  <o@x>\n\n\t* a.c: Old.\n")
	write("a.c", "1\n2\n3\n4\n5 mine\n")
	git("commit", "-qam", "mine")
	write("a.c", "1 mine too\n2\n3\n4\n5 mine\n")
	git("commit", "-qam", "conflicting")
	r, err := repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	commit := func(rev string) *object.Commit {
		c, err := object.GetCommit(r.Storer(), plumbing.NewHash(git("rev-parse", rev)))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	rp := &replay.Replayer{Repo: r, Committer: object.Signature{Name: "R", Email: "r@x"}}
	ctx := context.Background()
	ids, err := rp.Replay(ctx, []*object.Commit{commit("local~1")}, plumbing.NewHash(up))
	if err != nil {
		t.Fatal(err)
	}
	got := commit(ids[0].String())
	orig := commit("local~1")
	if got.Message != orig.Message || got.Author.Name != orig.Author.Name || !got.Author.When.Equal(orig.Author.When) ||
		got.Committer.Name != "R" || got.ParentHashes[0].String() != up {
		t.Errorf("replayed commit: %+v; want %q by %s on %s, committed by R", got, orig.Message, orig.Author.Name, up)
	}
	for name, want := range map[string]string{
		"ChangeLog": "2026-12-02  Me  <m@x>\n\n\t* a.c: Mine.\n\n2026-12-01  Up  <u@x>\n\n\t* a.c: Up.\n\n2026-01-01  Old  <o@x>\n\n\t* a.c: Old.\n",
		"a.c":       "1 up\n2\n3\n4\n5 mine\n",
	} {
		f, err := got.File(name)
		if err != nil {
			t.Fatal(err)
		}
		if s, _ := f.Contents(); s != want {
			t.Errorf("%s = %q, want %q", name, s, want)
		}
	}
	_, err = rp.Replay(ctx, []*object.Commit{commit("local~1"), commit("local")}, plumbing.NewHash(up))
	var ce *replay.ConflictError
	if !errors.As(err, &ce) || ce.Path != "a.c" || ce.Commit != git("rev-parse", "local") {
		t.Errorf("a conflicting commit: %v; want a ConflictError naming it and a.c", err)
	}
}
