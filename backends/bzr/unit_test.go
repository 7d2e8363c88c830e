package bzr

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/testserver"
)

// TestRenameRefs: only the commands' refs change; a message or a file
// that holds a line like a command is copied as it is.
func TestRenameRefs(t *testing.T) {
	const id = "5515356b9758b401720a94642adac50cd21c309e"
	in := "blob\nmark :1\ndata 25\ncommit refs/heads/evil\nx\n\n" +
		"reset " + id + "\ncommit " + id + "\nmark :2\nauthor A <a@b> 1 +0000\ncommitter A <a@b> 1 +0000\n" +
		"data 32\nsubject\n\ncommit refs/heads/evil\nM 100644 :1 f\n\n"
	want := strings.NewReplacer("reset "+id, "reset refs/heads/main", "commit "+id, "commit refs/heads/main").Replace(in)
	got, err := renameRefs([]byte(in), "refs/heads/main")
	if err != nil || string(got) != want {
		t.Errorf("renameRefs = %v\n%s\nwant\n%s", err, got, want)
	}
	if _, err := renameRefs([]byte("blob\ndata 99\nshort\n"), "refs/heads/main"); err == nil {
		t.Error("renameRefs of a truncated data block: no error")
	}
}

// TestRefusedURLs: URLs and settings that brz would misread, or that would
// put a password in argv, are refused by New, and by Check.
func TestRefusedURLs(t *testing.T) {
	for _, r := range []backends.Remote{
		{URL: ""}, {URL: "-Dtransport=x"}, {URL: "svn://host/r"}, {URL: "git://host/r"},
		{URL: "sftp://user:s3cret@host/r"}, {URL: "/srv/bzr/trunk", Branch: "main"},
	} {
		r.Name, r.Kind = "evil", "bzr"
		_, err := New(r)
		if err == nil {
			t.Errorf("New(%+v) = nil error, want it refused", r)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("New(%+v): the error shows the password: %v", r, err)
		}
		if err := (&backend{kit.Base{Remote: r}}).Check(t.Context(), backends.Local{}); err == nil {
			t.Errorf("Check(%+v) = nil error, want it refused", r)
		}
	}
}

// TestCheck: a local path must be a branch if it exists; a network URL is
// not contacted.
func TestCheck(t *testing.T) {
	testserver.Require(t, "brz")
	testserver.Env(t)
	for url, ok := range map[string]bool{
		newBranch(t):                       true,
		filepath.Join(t.TempDir(), "gone"): true, // like a server that is down: the push reports it
		t.TempDir():                        false,
		"bzr+ssh://127.0.0.1:" + strconv.Itoa(testserver.FreePort(t)) + "/srv/trunk": true,
	} {
		b, err := New(backends.Remote{Name: "m", Kind: "bzr", URL: url})
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Check(t.Context(), backends.Local{}); (err == nil) != ok {
			t.Errorf("Check(%s) = %v, want ok %v", url, err, ok)
		}
	}
}

// TestParallelPushes pushes one repository to two branches at once, as the
// engine does: neither push writes the user's Breezy configuration, which
// `brz push` would otherwise update (its push location) on a first push.
func TestParallelPushes(t *testing.T) {
	testserver.Require(t, "brz", "git")
	home := testserver.Env(t)
	local := t.TempDir()
	testserver.Git(t, local, "init", "-q", "--initial-branch=main")
	head := commitFile(t, local, "file.txt", "Change 1")
	l := backends.Local{Root: local, Branch: "main"}
	branches := []string{newBranch(t), newBranch(t)}
	errs := make([]error, len(branches))
	var wg sync.WaitGroup
	for i, branch := range branches {
		wg.Go(func() { _, errs[i] = push(t, l, branch) })
	}
	wg.Wait()
	for i, branch := range branches {
		if errs[i] != nil {
			t.Errorf("push to %s: %v", branch, errs[i])
		} else if got := holds(t, branch, ""); got != head {
			t.Errorf("%s holds %s, want %s", branch, got, head)
		}
	}
	if b, err := os.ReadFile(filepath.Join(home, ".config", "breezy", "locations.conf")); err == nil {
		t.Errorf("a push wrote locations.conf:\n%s", b)
	}
}

// TestRenameRefsLongLines: a line longer than copyRenamed's buffer (a long
// path) is copied whole, its tail never read as a command; the last line
// may lack its newline.
func TestRenameRefsLongLines(t *testing.T) {
	// Its tail, past the buffer, begins like a command.
	long := "M 100644 :1 " + strings.Repeat("d", 64<<10-len("M 100644 :1 ")) + "commit x/y\n"
	in := "commit abc\n" + long + "commit def\nM 100644 :2 f"
	want := "commit refs/heads/main\n" + long + "commit refs/heads/main\nM 100644 :2 f\n"
	got, err := renameRefs([]byte(in), "refs/heads/main")
	if err != nil || string(got) != want {
		t.Errorf("renameRefs = %v, %d bytes; want %d bytes", err, len(got), len(want))
	}
}
