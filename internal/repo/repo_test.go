package repo

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vcsync/vcsync/internal/testserver"
)

// gitRepo makes a real repository with files committed, sealed from the
// developer's git configuration.
func gitRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	testserver.Env(t)
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"commit", "-q", "-m", "init"}} {
		testserver.Git(t, dir, args...)
	}
	return dir
}

// TestHeadFile checks that the content at HEAD is right whether it is proven
// from the working file (prepend, append) or read from the blob (edit).
func TestHeadFile(t *testing.T) {
	old := strings.Repeat("2026-01-01  A  <a@example.org>\n\n\t* a.c: Old.\n\n", 50)
	dir := gitRepo(t, map[string]string{"ChangeLog": old})
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, wt string
		shared   bool // the result must share the working file's memory
	}{
		{"prepended", "2026-11-25  B  <b@example.org>\n\n\t* b.c: New.\n\n" + old, true},
		{"appended", old + "2026-11-25  B  <b@example.org>\n\n\t* b.c: New.\n", true},
		{"unchanged", old, true},
		{"edited in the middle", strings.Replace(old, "Old.", "Older.", 7), false},
		{"same size, other bytes", strings.Replace(old, "Old.", "Odd.", 1), false},
		{"shorter", old[:100], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wt := []byte(tt.wt)
			got, err := r.HeadFile("ChangeLog", wt)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(old, string(got)); diff != "" {
				t.Fatalf("HEAD content (-want +got):\n%s", diff)
			}
			shared := len(got) > 0 && bytes.Contains(wt, got) && (&wt[len(wt)-len(got)] == &got[0] || &wt[0] == &got[0])
			if shared != tt.shared {
				t.Errorf("shared with the working file = %v, want %v", shared, tt.shared)
			}
		})
	}
	if got, err := r.HeadFile("NoSuchFile", nil); err != nil || got != nil {
		t.Errorf("HeadFile(missing) = %q, %v; want nil, nil", got, err)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(t.TempDir()); err != ErrNotRepository {
		t.Errorf("Open(not a repository) = %v, want ErrNotRepository", err)
	}
	testserver.Env(t)
	dir := t.TempDir()
	testserver.Git(t, dir, "init", "-q")
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.HeadFile("ChangeLog", nil); err != ErrUnbornHead {
		t.Errorf("HeadFile on an unborn HEAD = %v, want ErrUnbornHead", err)
	}
}

// TestVerifyPath: what git's verify_path refuses, vcsync refuses to add.
func TestVerifyPath(t *testing.T) {
	dir := gitRepo(t, map[string]string{"sub/a": "a", "real/b": "b"})
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real", filepath.Join(dir, "inlink")); err != nil {
		t.Fatal(err)
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"sub/a", "new/file", "a.git/x", "x.gitignore", "link", ".github/x", "sub/.git-hooks"} {
		if err := r.VerifyPath(p); err != nil {
			t.Errorf("VerifyPath(%q) = %v, want nil", p, err)
		}
	}
	for p, want := range map[string]string{
		".git/config":        "inside a .git directory",
		".GIT/config":        "inside a .git directory",
		"sub/../.git/config": "inside a .git directory",
		"sub/.Git/hooks/x":   "inside a .git directory",
		".git./config":       "inside a .git directory",
		".git /config":       "inside a .git directory",
		"GIT~1/config":       "inside a .git directory",
		"../x":               "outside the working tree",
		"sub/../../x":        "outside the working tree",
		"/etc/passwd":        "outside the working tree",
		"link/passwd":        "beyond a symbolic link (link)",
		"inlink/b":           "beyond a symbolic link (inlink)",
	} {
		if err := r.VerifyPath(p); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("VerifyPath(%q) = %v, want %q", p, err, want)
		}
	}
}
