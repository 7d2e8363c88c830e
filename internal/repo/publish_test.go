package repo

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// publishOne commits a new content of a.c with Publish and returns the old
// and the new HEAD.
func publishOne(t *testing.T, dir string) (old, commit plumbing.Hash) {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.c"), []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	head, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	states, err := r.Snapshot(context.Background(), []string{"a.c"})
	if err != nil {
		t.Fatal(err)
	}
	tree, err := r.WriteTree(states)
	if err != nil {
		t.Fatal(err)
	}
	sig := object.Signature{Name: "T", Email: "t@example.org"}
	id, err := r.WriteCommit(&object.Commit{Author: sig, Committer: sig, Message: "change\n", TreeHash: tree, ParentHashes: []plumbing.Hash{head.Hash}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Publish(context.Background(), id, head.Hash, "change", states); err != nil {
		t.Fatal(err)
	}
	return head.Hash, id
}

func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestRecoverIndex: the state of a vcsync killed between moving HEAD and
// renaming index.lock (HEAD new, the new index in index.lock, the old
// index in place) is finished; anything else in index.lock is not touched.
func TestRecoverIndex(t *testing.T) {
	dir := gitRepo(t, map[string]string{"a.c": "a\n", "b.c": "b\n"})
	old, _ := publishOne(t, dir)
	if got := gitIn(t, dir, "status", "--porcelain", "--untracked-files=no"); got != "" {
		t.Fatalf("after Publish, git status = %q", got)
	}
	idx := filepath.Join(dir, ".git", "index")
	lock := idx + ".lock"
	newIndex, err := os.ReadFile(idx)
	if err != nil {
		t.Fatal(err)
	}
	// The kill: index.lock holds the new index, the index is the old one.
	gitIn(t, dir, "read-tree", old.String())
	os.WriteFile(lock, newIndex, 0o644)
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := r.RecoverIndex(context.Background(), true); !ok || err != nil {
		t.Fatalf("RecoverIndex(dry run) = %v, %v; want true", ok, err)
	}
	if _, err := os.Stat(lock); err != nil {
		t.Fatal("a dry run touched index.lock")
	}
	if ok, err := r.RecoverIndex(context.Background(), false); !ok || err != nil {
		t.Fatalf("RecoverIndex = %v, %v; want true", ok, err)
	}
	if got := gitIn(t, dir, "status", "--porcelain", "--untracked-files=no"); got != "" {
		t.Errorf("after RecoverIndex, git status = %q", got)
	}

	// A torn index.lock, an empty one, one of other content: not touched.
	for name, content := range map[string][]byte{"torn": newIndex[:len(newIndex)-5], "empty": nil, "old index": mustRead(t, idx)} {
		t.Run(name, func(t *testing.T) {
			if name == "old index" {
				gitIn(t, dir, "read-tree", old.String())
				content = mustRead(t, idx)
				gitIn(t, dir, "reset", "-q")
			}
			os.WriteFile(lock, content, 0o644)
			defer os.Remove(lock)
			ok, err := r.RecoverIndex(context.Background(), false)
			if ok || err == nil || !strings.Contains(err.Error(), "if none is running, remove the file") {
				t.Errorf("RecoverIndex = %v, %v; want an error naming the file", ok, err)
			}
			if b, _ := os.ReadFile(lock); string(b) != string(content) {
				t.Error("index.lock changed")
			}
		})
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
