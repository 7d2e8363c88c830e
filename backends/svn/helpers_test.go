package svn

import (
	"archive/tar"
	"cmp"
	"context"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/testserver"
)

// world is one test's local git repository and Subversion repository.
type world struct {
	git   string // the local repository's working tree
	repo  string // the svn repository's file:// URL
	trunk string // repo + "/trunk", the remote directory
}

// newWorld seals the environment and makes an empty git repository and an
// svn repository with an empty trunk.
func newWorld(t *testing.T) *world {
	t.Helper()
	testserver.Require(t, "git", "svn", "svnmucc", "svnadmin")
	testserver.Env(t)
	// svn export of a non-ASCII name fails in the C locale.
	t.Setenv("LC_ALL", "C.UTF-8")
	w := &world{git: t.TempDir()}
	w.repo = testserver.SvnRepo(t, filepath.Join(t.TempDir(), "repo"))
	w.trunk = w.repo + "/trunk"
	testserver.Git(t, w.git, "init", "-q", "--initial-branch=main")
	return w
}

// write writes files into the working tree: name -> content. A content
// "->TARGET" makes a symbolic link; a name ending in "*" an executable;
// a content "" removes the file.
func (w *world) write(t *testing.T, files map[string]string) {
	t.Helper()
	// Removals first, so that a file can become a directory in one call.
	names := slices.Sorted(maps.Keys(files))
	slices.SortStableFunc(names, func(a, b string) int {
		return cmp.Compare(min(len(files[a]), 1), min(len(files[b]), 1))
	})
	for _, name := range names {
		content := files[name]
		mode := os.FileMode(0o644)
		if strings.HasSuffix(name, "*") {
			name, mode = strings.TrimSuffix(name, "*"), 0o755
		}
		p := filepath.Join(w.git, filepath.FromSlash(name))
		if err := os.RemoveAll(p); err != nil {
			t.Fatal(err)
		}
		if content == "" {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		if target, ok := strings.CutPrefix(content, "->"); ok {
			err = os.Symlink(target, p)
		} else {
			err = os.WriteFile(p, []byte(content), mode)
			if err == nil {
				err = os.Chmod(p, mode) // WriteFile keeps an existing file's mode
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// commit commits everything in the working tree and returns HEAD.
func (w *world) commit(t *testing.T, msg string) string {
	t.Helper()
	testserver.Git(t, w.git, "add", "-A")
	testserver.Git(t, w.git, "commit", "-q", "--allow-empty", "-m", msg)
	return testserver.Git(t, w.git, "rev-parse", "HEAD")
}

// remote is the backend's Remote for url, with options as key=value.
func remote(url string, options ...string) backends.Remote {
	r := backends.Remote{Name: "svn", Kind: "svn", URL: url, Options: map[string]string{}}
	for _, o := range options {
		k, v, _ := strings.Cut(o, "=")
		r.Options[k] = v
	}
	return r
}

// push pushes to with a new backend for r, as a new run of vcsync would.
func (w *world) push(t *testing.T, r backends.Remote, rng backends.Range) (backends.Result, error) {
	t.Helper()
	b, err := New(r)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	return b.Push(ctx, backends.Local{Root: w.git, Branch: "main"}, rng)
}

// mustPush pushes and checks the status and what the remote holds.
func (w *world) mustPush(t *testing.T, r backends.Remote, to string, want backends.Status) backends.Result {
	t.Helper()
	res, err := w.push(t, r, backends.Range{To: to})
	if err != nil {
		t.Fatalf("Push(%s): %v (class %v)", kit.Short(to), err, backends.ClassOf(err))
	}
	if res.Status != want || res.Holds != to {
		t.Fatalf("Push(%s) = %q holding %s; want %q", kit.Short(to), res.Status, kit.Short(res.Holds), want)
	}
	if got := holds(t, r.URL); got != to && want == backends.StatusOK {
		t.Fatalf("the directory's last revision holds %s, want %s", kit.Short(got), kit.Short(to))
	}
	return res
}

// node is a file, link or directory as the tests compare them.
type node struct {
	Kind    string // "dir", "file", "exec", "link"
	Content string // a file's content, a link's target
}

// exported returns the directory's content at HEAD, through svn export.
func (w *world) exported(t *testing.T) map[string]node {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "export")
	testserver.Svn(t, "svn", "export", "--quiet", "--", w.trunk, dir)
	got := map[string]node{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		n := node{Kind: "file"}
		switch info, _ := d.Info(); {
		case d.IsDir():
			n.Kind = "dir"
		case d.Type()&fs.ModeSymlink != 0:
			n.Kind = "link"
			n.Content, err = os.Readlink(p)
		default:
			if info.Mode()&0o100 != 0 {
				n.Kind = "exec"
			}
			var b []byte
			b, err = os.ReadFile(p)
			n.Content = string(b)
		}
		got[filepath.ToSlash(rel)] = n
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// archived returns the tree of a local commit, through git archive.
func (w *world) archived(t *testing.T, commit string) map[string]node {
	t.Helper()
	file := filepath.Join(t.TempDir(), "tree.tar")
	testserver.Git(t, w.git, "archive", "--format=tar", "-o", file, commit)
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string]node{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		n := node{Kind: "file"}
		switch h.Typeflag {
		case tar.TypeDir:
			n.Kind = "dir"
		case tar.TypeSymlink:
			n.Kind, n.Content = "link", h.Linkname
		case tar.TypeXGlobalHeader:
			continue
		default:
			if h.Mode&0o100 != 0 {
				n.Kind = "exec"
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			n.Content = string(b)
		}
		got[strings.TrimSuffix(h.Name, "/")] = n
	}
}

// wantTree checks that the directory holds exactly commit's tree.
func (w *world) wantTree(t *testing.T, commit string) {
	t.Helper()
	if diff := gocmp.Diff(w.archived(t, commit), w.exported(t)); diff != "" {
		t.Fatalf("the directory differs from %s (-git +svn):\n%s", kit.Short(commit), diff)
	}
}

// svn runs svn with args and returns its output.
func svn(t *testing.T, args ...string) string {
	t.Helper()
	return testserver.Svn(t, "svn", args...)
}

// gitOut runs git in the world's working tree and returns its output.
func gitOut(t *testing.T, w *world, args ...string) string {
	t.Helper()
	return testserver.Git(t, w.git, args...)
}
