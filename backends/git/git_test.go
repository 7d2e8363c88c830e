package git

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/testserver"
)

// newLocal makes a repository on main with n commits and returns it and HEAD.
func newLocal(t testing.TB, n int) (dir, head string) {
	t.Helper()
	dir = t.TempDir()
	testserver.Git(t, dir, "init", "-q", "--initial-branch=main")
	return dir, commits(t, dir, n)
}

// commits makes n empty commits in dir and returns HEAD.
func commits(t testing.TB, dir string, n int) string {
	t.Helper()
	for i := range n {
		testserver.Git(t, dir, "commit", "-q", "--allow-empty", "-m", "change "+strconv.Itoa(i))
	}
	return testserver.Git(t, dir, "rev-parse", "HEAD")
}

// push builds a backend for url and pushes r from the repository at dir.
func push(t testing.TB, url, dir string, l backends.Local, r backends.Range) (backends.Result, error) {
	t.Helper()
	b, err := New(backends.Remote{Name: "mirror", Kind: "git", URL: url})
	if err != nil {
		t.Fatal(err)
	}
	l.Root = dir
	return b.Push(t.Context(), l, r)
}

// TestRefusesOptionLikeURLs: a URL whose host, user or path could be read
// as a program's option (CVE-2017-1000117) is refused by New and by Check,
// as are URLs that cannot be parsed or pushed to.
func TestRefusesOptionLikeURLs(t *testing.T) {
	for _, url := range []string{
		"-oProxyCommand=touch /tmp/pwned",
		"ssh://-oProxyCommand=touch%20pwned/r.git",
		"ssh://-oProxyCommand=x@host/r.git",
		"git+ssh://-oProxyCommand=x/r.git",
		"-oProxyCommand=x:r.git",
		"",
		"https://u:s3cret@[::1/r.git",
		"svn://host/r",
		"https:///r.git",
	} {
		if _, err := New(backends.Remote{Name: "evil", URL: url}); err == nil {
			t.Errorf("New(%q) = nil error, want it refused", url)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("New(%q): the error shows the password: %v", url, err)
		}
		b := &backend{remote: backends.Remote{Name: "evil", URL: url}}
		if err := b.Check(t.Context(), backends.Local{}); err == nil {
			t.Errorf("Check(%q) = nil error, want it refused", url)
		}
	}
}

// TestCheck: a local remote must be a repository; a network one is not
// contacted.
func TestCheck(t *testing.T) {
	testserver.Env(t)
	bare := newBare(t)
	for url, ok := range map[string]bool{
		bare:                                 true,
		"file://" + bare:                     true,
		filepath.Join(bare, "missing"):       true,  // like a server that is down: the push reports it
		t.TempDir():                          false, // exists, but no repository
		"ssh://127.0.0.1:1/r.git":            true,
		"git@no-such-host.invalid:r.git":     true,
		"https://no-such-host.invalid/r.git": true,
		"git://no-such-host.invalid:9/r.git": true,
		"git+ssh://git@example.org/x/r.git":  true,
		"http://user:pass@example.org/r.git": true,
	} {
		b, err := New(backends.Remote{Name: "m", URL: url})
		if err == nil {
			err = b.Check(t.Context(), backends.Local{})
		}
		if (err == nil) != ok {
			t.Errorf("Check(%q) = %v, want ok=%v", url, err, ok)
		}
	}
	// A relative path is taken from the top of the working tree, not from
	// the current directory (vcsync -C DIR, or run in a subdirectory).
	root := filepath.Dir(bare)
	for url, ok := range map[string]bool{filepath.Base(bare): true, ".": false} {
		b, err := New(backends.Remote{Name: "m", URL: url})
		if err == nil {
			err = b.Check(t.Context(), backends.Local{Root: root})
		}
		if (err == nil) != ok {
			t.Errorf("Check(%q) in %s = %v, want ok=%v", url, root, err, ok)
		}
	}
}

// TestParallelPushes pushes one local repository to 8 remotes at once, as
// the engine does, over paths, file://, ssh:// and scp-style; go test -race
// proves that they share no go-git object.
func TestParallelPushes(t *testing.T) {
	home := testserver.Env(t)
	s := testserver.SSHD(t, home)
	dir, head := newLocal(t, 3)
	var bares []string
	for range 8 {
		bares = append(bares, newBare(t))
	}
	var wg sync.WaitGroup
	errs := make([]error, len(bares))
	for i, bare := range bares {
		url := []string{bare, "file://" + bare, s.URL(bare), s.Host + ":" + bare}[i%4]
		b, err := New(backends.Remote{Name: "m" + strconv.Itoa(i), URL: url})
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			_, errs[i] = b.Push(t.Context(), backends.Local{Root: dir, Branch: "main"}, backends.Range{To: head, FollowTags: true})
		})
	}
	wg.Wait()
	for i, bare := range bares {
		if errs[i] != nil {
			t.Errorf("push %d: %v", i, errs[i])
		} else if got := holds(t, bare, "main"); got != head {
			t.Errorf("remote %d holds %q, want %s", i, got, head)
		}
	}
}

// TestPushesExactCommit: the remote gets r.To, not the local branch's tip,
// which may have moved on; and to the remote's configured branch.
func TestPushesExactCommit(t *testing.T) {
	testserver.Env(t)
	dir, first := newLocal(t, 2)
	commits(t, dir, 2)
	bare := newBare(t)
	b, err := New(backends.Remote{Name: "m", URL: bare, Branch: "trunk"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.Push(t.Context(), backends.Local{Root: dir, Branch: "main"}, backends.Range{To: first})
	if err != nil || res.Status != backends.StatusOK || res.Holds != first || res.Revision != first {
		t.Fatalf("Push = %+v, %v; want ok, holding %s", res, err, first)
	}
	if got := holds(t, bare, "trunk"); got != first {
		t.Errorf("trunk holds %q, want %s", got, first)
	}
	if got := holds(t, bare, "main"); got != "" {
		t.Errorf("main holds %q, want nothing", got)
	}
}

// TestDetachedHEAD: with no local branch given, the branch whose tip is
// r.To names the remote branch.
func TestDetachedHEAD(t *testing.T) {
	testserver.Env(t)
	dir, head := newLocal(t, 1)
	testserver.Git(t, dir, "checkout", "-q", "--detach")
	bare := newBare(t)
	if _, err := push(t, bare, dir, backends.Local{}, backends.Range{To: head}); err != nil {
		t.Fatal(err)
	}
	if got := holds(t, bare, "main"); got != head {
		t.Errorf("main holds %q, want %s", got, head)
	}
	head = commits(t, dir, 1) // on no branch now
	if _, err := push(t, bare, dir, backends.Local{}, backends.Range{To: head}); err == nil {
		t.Error("Push of a commit on no branch, with no branch configured: no error")
	}
}

// TestFollowTags: annotated tags that point into the pushed history go with
// it; lightweight ones, as with git push --follow-tags, do not.
func TestFollowTags(t *testing.T) {
	testserver.Env(t)
	dir, _ := newLocal(t, 2)
	testserver.Git(t, dir, "tag", "-a", "-m", "release", "v1", "HEAD~1")
	testserver.Git(t, dir, "tag", "light")
	head := commits(t, dir, 1)
	bare := newBare(t)
	if _, err := push(t, bare, dir, backends.Local{Branch: "main"}, backends.Range{To: head, FollowTags: true}); err != nil {
		t.Fatal(err)
	}
	if got := testserver.Git(t, bare, "tag", "--list"); got != "v1" {
		t.Errorf("remote tags = %q, want v1 only", got)
	}
}

// TestCredentialHelpers: credentials that one helper gives are approved
// after the push (so the store helper keeps them), and a wrong stored
// password is rejected (so the store forgets it); a password written in
// the URL never shows in the error.
func TestCredentialHelpers(t *testing.T) {
	home := testserver.Env(t)
	base, bare := httpsServer(t, "alice", "s3cret")
	store := filepath.Join(home, ".git-credentials")
	gitconfig := filepath.Join(home, ".gitconfig")
	testserver.Git(t, home, "config", "--file", gitconfig, "--add", "credential.helper", "store --file="+store)
	testserver.Git(t, home, "config", "--file", gitconfig, "--add", "credential.helper",
		"!f() { test $1 = get && echo username=alice && echo password=s3cret; }; f")
	dir, head := newLocal(t, 1)
	if _, err := push(t, base+"/r.git", dir, backends.Local{Branch: "main"}, backends.Range{To: head}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(store); !strings.Contains(string(b), "alice:s3cret@") || holds(t, bare, "main") != head {
		t.Fatalf("after the push, the store holds %q and the remote %q; want alice's password and %s", b, holds(t, bare, "main"), head)
	}

	testserver.Git(t, home, "config", "--file", gitconfig, "--unset-all", "credential.helper")
	testserver.CredentialStore(t, home, base, "alice", "stale")
	head = commits(t, dir, 1)
	_, err := push(t, base+"/r.git", dir, backends.Local{Branch: "main"}, backends.Range{To: head})
	if backends.ClassOf(err) != backends.Auth {
		t.Fatalf("Push with a stale stored password = %v (class %v), want Auth", err, backends.ClassOf(err))
	}
	if b, _ := os.ReadFile(store); strings.Contains(string(b), "stale") {
		t.Errorf("the store still holds the refused password: %q", b)
	}

	url := strings.Replace(base, "https://", "https://alice:hunter2@", 1) + "/r.git"
	_, err = push(t, url, dir, backends.Local{Branch: "main"}, backends.Range{To: head})
	if backends.ClassOf(err) != backends.Auth || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("Push with a wrong password in the URL = %v (class %v), want Auth, without the password", err, backends.ClassOf(err))
	}
}

// TestClassifyMessages covers the errors that go-git returns as bare text.
func TestClassifyMessages(t *testing.T) {
	for msg, want := range map[string]backends.Class{
		"non-fast-forward update: refs/heads/main":                              backends.Rejected,
		"command error on refs/heads/main: non-fast-forward":                    backends.Rejected,
		"ssh: handshake failed: ssh: unable to authenticate, attempted methods": backends.Auth,
		"command error on refs/heads/main: failed to update ref":                backends.Transient,
		"command error on refs/heads/main: pre-receive hook declined":           backends.Fatal,
	} {
		if got := classifyMessage(msg); got != want {
			t.Errorf("classifyMessage(%q) = %v, want %v", msg, got, want)
		}
	}
	if got := classify(context.DeadlineExceeded); got != backends.Transient {
		t.Errorf("classify(deadline) = %v, want transient", got)
	}
}

// TestRefusedButHeld: the remote refuses our ref update because the branch
// got there meanwhile (the server side of a push whose vcsync was killed
// finished after we read the refs; here, the remote's pre-receive hook
// moves it first). Read again, the remote holds the commit: up to date,
// not failed.
func TestRefusedButHeld(t *testing.T) {
	testserver.Env(t)
	dir, head := newLocal(t, 2)
	bare := newBare(t)
	testserver.Git(t, dir, "push", "-q", bare, "main:other") // the objects are there already
	hook := "#!/bin/sh\n" +
		"read old new ref\n" +
		"env -u GIT_QUARANTINE_PATH -u GIT_OBJECT_DIRECTORY -u GIT_ALTERNATE_OBJECT_DIRECTORIES git update-ref \"$ref\" \"$new\" || exit 1\n"
	if err := os.WriteFile(filepath.Join(bare, "hooks", "pre-receive"), []byte(hook), 0o755); err != nil {
		t.Fatal(err)
	}
	res, err := push(t, bare, dir, backends.Local{Branch: "main"}, backends.Range{To: head})
	if err != nil || res.Status != backends.StatusUpToDate || res.Holds != head {
		t.Fatalf("Push = %+v, %v; want up-to-date, holding %s", res, err, head)
	}
	// Without the commit there, the refusal stands.
	os.WriteFile(filepath.Join(bare, "hooks", "pre-receive"), []byte("#!/bin/sh\necho frozen >&2\nexit 1\n"), 0o755)
	next := commits(t, dir, 1)
	if _, err := push(t, bare, dir, backends.Local{Branch: "main"}, backends.Range{To: next}); err == nil || !strings.Contains(err.Error(), "the remote refused refs/heads/main") {
		t.Fatalf("Push refused by a hook = %v, want the refusal", err)
	}
}
