package gitsvn

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/testserver"
)

// The backend conformance suite pushes from a plain git repository, which
// git-svn cannot: these tests cover the same contract (first push,
// incremental, nothing to push, a diverged remote, classified errors) on a
// real `git svn clone` of an svnadmin repository over file://, checking the
// Subversion side with svn itself.

// world is a Subversion repository with a trunk, a git svn clone of it, and
// a Subversion working copy where someone else commits.
type world struct {
	trunk string // file:// URL of the trunk
	clone string // the git svn clone
	wc    string // someone else's svn checkout, made on first use
}

// newWorld makes a repository whose trunk holds a.txt and b.txt (r1, r2),
// and clones it with git svn.
func newWorld(t *testing.T) *world {
	t.Helper()
	testserver.Require(t, "git", "svn", "svnadmin")
	testserver.Env(t)
	if err := (&backend{}).installed(t.Context()); err != nil {
		testserver.SkipOrFail(t, "%v", err)
	}
	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	runOK(t, dir, "svnadmin", "create", repo)
	w := &world{trunk: "file://" + repo + "/trunk", clone: filepath.Join(dir, "clone")}
	runOK(t, dir, "svn", "mkdir", "-q", "-m", "Create trunk", w.trunk)
	w.svnCommit(t, map[string]string{"a.txt": "a\n", "b.txt": "b\n"}, "Add a and b")
	runOK(t, dir, "git", "svn", "clone", "-q", w.trunk, w.clone)
	return w
}

// runOK runs a program in dir and returns its trimmed stdout, failing the
// test with its stderr if it fails.
func runOK(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	var r *run.Runner
	out, err := r.Run(t.Context(), run.Cmd{Name: name, Args: args, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// svnCommit commits files to the trunk as someone else would, with svn.
func (w *world) svnCommit(t *testing.T, files map[string]string, msg string) {
	t.Helper()
	if w.wc == "" {
		w.wc = filepath.Join(filepath.Dir(w.clone), "wc")
		runOK(t, ".", "svn", "checkout", "-q", w.trunk, w.wc)
	}
	runOK(t, w.wc, "svn", "update", "-q")
	for name, content := range files {
		path := filepath.Join(w.wc, name)
		_, err := os.Stat(path)
		writeFile(t, path, content)
		if err != nil {
			runOK(t, w.wc, "svn", "add", "-q", name)
		}
	}
	runOK(t, w.wc, "svn", "commit", "-q", "-m", msg)
}

// commit appends to a file of the clone and commits it with git; an empty
// name makes an empty commit. It returns the new HEAD.
func (w *world) commit(t *testing.T, name, msg string) string {
	t.Helper()
	if name == "" {
		runOK(t, w.clone, "git", "commit", "-q", "--allow-empty", "-m", msg)
	} else {
		appendFile(t, filepath.Join(w.clone, name), msg+"\n")
		runOK(t, w.clone, "git", "add", "--", name)
		runOK(t, w.clone, "git", "commit", "-q", "-m", msg)
	}
	return w.head(t)
}

func (w *world) head(t *testing.T) string { return runOK(t, w.clone, "git", "rev-parse", "HEAD") }

// svnLog returns the trunk's log messages, oldest first.
func (w *world) svnLog(t *testing.T) []string {
	t.Helper()
	var log struct {
		Entries []struct {
			Msg string `xml:"msg"`
		} `xml:"logentry"`
	}
	if err := xml.Unmarshal([]byte(runOK(t, ".", "svn", "log", "--xml", "-r", "1:HEAD", w.trunk)), &log); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, e := range log.Entries {
		msgs = append(msgs, e.Msg)
	}
	return msgs
}

// push pushes HEAD of the clone with a fresh backend, as a new run would.
func (w *world) push(t *testing.T, url string) (backends.Result, error) {
	t.Helper()
	b, err := New(backends.Remote{Name: "svn", Kind: "git-svn", URL: url})
	if err != nil {
		t.Fatal(err)
	}
	return b.Push(t.Context(), backends.Local{Root: w.clone, Branch: "main"}, backends.Range{To: w.head(t)})
}

// mustPush pushes and checks the status and the revision reported.
func (w *world) mustPush(t *testing.T, status backends.Status, revision string) backends.Result {
	t.Helper()
	res, err := w.push(t, "")
	if err != nil {
		t.Fatalf("Push: %v (class %v)", err, backends.ClassOf(err))
	}
	if res.Status != status || res.Revision != revision || res.Holds != w.head(t) {
		t.Fatalf("Push = %+v; want %s, revision %s, holding HEAD %s", res, status, revision, w.head(t))
	}
	return res
}

// wantRewritten checks that Rewritten maps each old commit to the commit
// of HEAD's history that carries the given revision.
func (w *world) wantRewritten(t *testing.T, res backends.Result, want map[string]int) {
	t.Helper()
	got := map[string]int{}
	for old, id := range res.Rewritten {
		c := parseCommit(runOK(t, w.clone, "git", "log", "-1", format, id))
		got[old] = c.rev
		runOK(t, w.clone, "git", "merge-base", "--is-ancestor", id, "HEAD") // fails unless id is in HEAD's history
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Rewritten, as revisions (-want +got):\n%s", diff)
	}
}

// wantClean checks that the clone's working tree is clean, no rebase is
// under way, and HEAD is head.
func (w *world) wantClean(t *testing.T, head string) {
	t.Helper()
	if st := runOK(t, w.clone, "git", "status", "--porcelain"); st != "" {
		t.Errorf("the working tree is not clean:\n%s", st)
	}
	for _, d := range []string{"rebase-merge", "rebase-apply"} {
		if _, err := os.Stat(filepath.Join(w.clone, ".git", d)); err == nil {
			t.Errorf("a rebase is under way: .git/%s exists", d)
		}
	}
	if got := w.head(t); got != head {
		t.Errorf("HEAD is %s, want %s", got, head)
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, name, s string) {
	t.Helper()
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// TestCheck: before the commit, Check accepts the clone's URL (the one
// HEAD came from, even when svn-remote.svn.url is the repository root, as
// with git svn clone -s) and no URL; it refuses another URL, naming the
// clone's, and a repository that is no git svn clone.
func TestCheck(t *testing.T) {
	w := newWorld(t)
	repo := strings.TrimSuffix(w.trunk, "/trunk")
	runOK(t, ".", "svn", "mkdir", "-q", "-m", "Layout", repo+"/branches", repo+"/tags")
	std := filepath.Join(filepath.Dir(w.clone), "std")
	runOK(t, ".", "git", "svn", "clone", "-q", "-s", repo, std)
	plain := t.TempDir()
	runOK(t, plain, "git", "init", "-q")
	for _, c := range []struct {
		dir, url string
		want     string // "" for ok, else a part of the error
	}{
		{w.clone, "", ""},
		{w.clone, w.trunk, ""},
		{std, w.trunk, ""},
		{std, w.trunk + "/", ""},
		{std, "", ""},
		{std, repo + "/branches/x", "is not this clone's Subversion URL (" + w.trunk + ", " + repo + ")"},
		{plain, "", "is not a git svn clone"},
		{plain, w.trunk, "is not a git svn clone"},
	} {
		b := &backend{remote: backends.Remote{Name: "svn", Kind: "git-svn", URL: c.url}}
		err := b.Check(t.Context(), backends.Local{Root: c.dir})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("Check(%s, url %q) = %v, want ok", filepath.Base(c.dir), c.url, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("Check(%s, url %q) = %v, want an error saying %q", filepath.Base(c.dir), c.url, err, c.want)
		}
	}
}
