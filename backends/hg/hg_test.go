package hg

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/backendtest"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/testserver"
)

// TestConformance runs the backend conformance suite against a Mercurial
// repository made with `hg init`, reached as a path. The unreachable remote
// is http:// to a closed port of 127.0.0.1. TestSSH covers ssh://.
func TestConformance(t *testing.T) {
	backendtest.Suite{New: New, NewFixture: func(t testing.TB) backendtest.Fixture {
		testserver.Require(t, "hg")
		repo := newRepo(t)
		return backendtest.Fixture{
			Remote:      backends.Remote{Name: "hg-mirror", Kind: "hg", URL: repo},
			Holds:       func(t testing.TB) string { return holds(t, repo) },
			Count:       func(t testing.TB) int { return count(t, repo) },
			Diverge:     func(t testing.TB) { diverge(t, repo) },
			Unreachable: &backends.Remote{Name: "down", Kind: "hg", URL: "http://127.0.0.1:" + closedPort(t) + "/"},
		}
	}}.Run(t)
}

// TestSSH pushes through sshd, where hg runs `hg serve --stdio`: the whole
// conformance suite would start an sshd per case and take half a minute,
// so this checks what ssh adds: a push and an idempotent one, a key that
// sshd refuses (Auth, without a prompt), a closed port (Transient, fast).
func TestSSH(t *testing.T) {
	testserver.Require(t, "hg", "git")
	home := testserver.Env(t)
	s := testserver.SSHD(t, home)
	// OpenSSH reads ~/.ssh from the passwd entry, not $HOME: hg must be
	// told where the alias is, as a user's ~/.hgrc would.
	writeFile(t, filepath.Join(home, ".hgrc"), "[ui]\nssh = ssh -F "+s.Config+"\n")
	badKey := filepath.Join(t.TempDir(), "id_unknown")
	writeKey(t, badKey)
	appendFile(t, s.Config, "Host vcsync-bad\n\tHostName 127.0.0.1\n\tPort "+strconv.Itoa(s.Port)+
		"\n\tIdentityFile "+badKey+"\n\tIdentitiesOnly yes\n\tUserKnownHostsFile "+s.KnownHosts+"\n")
	local, head := newLocal(t, 2)
	repo := newRepo(t)
	url := "ssh://" + s.Host + "/" + repo // hg: ssh://host//abs, ssh://host/relative-to-home
	for _, want := range []backends.Status{backends.StatusOK, backends.StatusUpToDate} {
		res, err := push(t.Context(), t, url, local, head)
		if err != nil || res.Status != want || holds(t, repo) != head {
			t.Fatalf("push over ssh = %+v, %v; want %q, the repository holding %s", res, err, want, kit.Short(head))
		}
	}
	for url, want := range map[string]backends.Class{
		"ssh://vcsync-bad/" + repo:                      backends.Auth,
		"ssh://127.0.0.1:" + closedPort(t) + "/" + repo: backends.Transient,
	} {
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		_, err := push(ctx, t, url, local, head)
		late := ctx.Err() != nil
		cancel()
		if c := backends.ClassOf(err); c != want || late {
			t.Errorf("push to %s: %v (class %v), want class %v, at once", url, err, c, want)
		}
	}
}

// TestParallelPushes pushes to two remotes that share one name, and so one
// mirror, at once, as two runs of vcsync may: the lock keeps the two
// conversions from corrupting the mirror, and both remotes get every commit.
func TestParallelPushes(t *testing.T) {
	testserver.Require(t, "hg", "git")
	testserver.Env(t)
	local, head := newLocal(t, 3)
	repos := []string{newRepo(t), newRepo(t)}
	var wg sync.WaitGroup
	errs := make([]error, len(repos))
	for i, repo := range repos {
		wg.Go(func() { _, errs[i] = push(t.Context(), t, repo, local, head) })
	}
	wg.Wait()
	for i, repo := range repos {
		if errs[i] != nil {
			t.Errorf("push to %s: %v", repo, errs[i])
		} else if got, n := holds(t, repo), count(t, repo); got != head || n != 3 {
			t.Errorf("%s holds %s in %d changesets, want %s in 3", repo, got, n, head)
		}
	}
}

// TestRefusedURLs: URLs and settings that hg would misread, or that would
// put a password in argv, are refused by New, and by Check.
func TestRefusedURLs(t *testing.T) {
	for _, r := range []backends.Remote{
		{URL: ""}, {URL: "-oProxyCommand=x"}, {URL: "ssh://-oProxyCommand=x/r"}, {URL: "svn://host/r"},
		{URL: "https://user:s3cret@host/r"}, {URL: "/srv/hg/r", Branch: "stable"},
	} {
		r.Name, r.Kind = "evil", "hg"
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

// newLocal makes a git repository with n commits on main and returns it
// and HEAD.
func newLocal(t testing.TB, n int) (dir, head string) {
	t.Helper()
	dir = t.TempDir()
	testserver.Git(t, dir, "init", "-q", "--initial-branch=main")
	for i := range n {
		testserver.Git(t, dir, "commit", "-q", "--allow-empty", "-m", "Change "+strconv.Itoa(i))
	}
	return dir, testserver.Git(t, dir, "rev-parse", "HEAD")
}

// push pushes head from local to url with a new backend of the remote
// named hg-mirror, as a new run of vcsync would.
func push(ctx context.Context, t testing.TB, url, local, head string) (backends.Result, error) {
	t.Helper()
	b, err := New(backends.Remote{Name: "hg-mirror", Kind: "hg", URL: url})
	if err != nil {
		t.Fatal(err)
	}
	return b.Push(ctx, backends.Local{Root: local, Branch: "main"}, backends.Range{To: head})
}

// TestCheck: a local path must be a repository if it exists; a network URL
// is not contacted.
func TestCheck(t *testing.T) {
	testserver.Require(t, "hg", "git")
	testserver.Env(t)
	for url, ok := range map[string]bool{
		newRepo(t):                         true,
		filepath.Join(t.TempDir(), "gone"): true, // like a server that is down: the push reports it
		t.TempDir():                        false,
		"ssh://127.0.0.1:" + closedPort(t) + "//srv/hg": true,
	} {
		b, err := New(backends.Remote{Name: "m", Kind: "hg", URL: url})
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Check(t.Context(), backends.Local{}); (err == nil) != ok {
			t.Errorf("Check(%s) = %v, want ok %v", url, err, ok)
		}
	}
}

// closedPort returns a port of 127.0.0.1 that nothing listens on.
func closedPort(t testing.TB) string { return strconv.Itoa(testserver.FreePort(t)) }

// newRepo makes an empty repository, as `hg init` does for users.
func newRepo(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	hg(t, "init", "--", dir)
	return dir
}

// holds returns the commit the repository's tip was converted from, read
// from the changeset itself (convert records it as the extra
// convert_revision); a tip without one (someone else's) as its own id; an
// empty repository as "".
func holds(t testing.TB, repo string) string {
	t.Helper()
	id, _ := tipOf(t, repo)
	return id
}

// count returns the number of changesets in the repository.
func count(t testing.TB, repo string) int {
	t.Helper()
	_, n := tipOf(t, repo)
	return n
}

// tips caches tipOf by the size and time of the repository's changelog,
// which every new changeset appends to: the suite reads the tip and the
// count after every push, and an hg start for each would add a third to
// its time.
var tips sync.Map // changelog key -> tipInfo

type tipInfo struct {
	holds string
	count int
}

// tipOf returns what holds and count return, from one `hg log`.
func tipOf(t testing.TB, repo string) (string, int) {
	t.Helper()
	key := repo
	if fi, err := os.Stat(filepath.Join(repo, ".hg", "store", "00changelog.i")); err == nil {
		key = fmt.Sprint(repo, fi.Size(), fi.ModTime().UnixNano())
		if v, ok := tips.Load(key); ok {
			return v.(tipInfo).holds, v.(tipInfo).count
		}
	}
	out := hg(t, "log", "-R", repo, "-r", "tip", "-T", `{rev} {node} {get(extras, "convert_revision")}`)
	rev, rest, _ := strings.Cut(out, " ")
	node, id, _ := strings.Cut(rest, " ")
	n, err := strconv.Atoi(rev)
	if err != nil {
		t.Fatalf("hg log -r tip: %q", out)
	}
	switch {
	case node == nullID:
		id = ""
	case id == "":
		id = node
	}
	tips.Store(key, tipInfo{id, n + 1})
	return id, n + 1
}

// diverge commits to the repository as someone else.
func diverge(t testing.TB, repo string) {
	t.Helper()
	hg(t, "update", "-R", repo, "-q", "tip")
	writeFile(t, filepath.Join(repo, "theirs.txt"), "their change\n")
	hg(t, "commit", "-R", repo, "-q", "-A", "-u", "Someone Else <else@example.org>", "-m", "their change")
}

// hg runs hg and returns its trimmed stdout.
func hg(t testing.TB, args ...string) string {
	t.Helper()
	out, err := (*run.Runner)(nil).Run(context.Background(), run.Cmd{Name: "hg", Args: args, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// writeFile writes a file or fails the test.
func writeFile(t testing.TB, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// appendFile appends s to the file name or fails the test.
func appendFile(t testing.TB, name, s string) {
	t.Helper()
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// writeKey writes a fresh unencrypted ed25519 private key that no server
// knows.
func writeKey(t testing.TB, name string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestProgressStages: with Local.Progress, a first push says its stages as
// it enters them, in order; the result is the same.
func TestProgressStages(t *testing.T) {
	testserver.Require(t, "hg", "git")
	testserver.Env(t)
	local, head := newLocal(t, 2)
	b, err := New(backends.Remote{Name: "hg-mirror", Kind: "hg", URL: newRepo(t)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	l := backends.Local{Root: local, Branch: "main", Progress: func(s string) { got = append(got, s) }}
	if res, err := b.Push(t.Context(), l, backends.Range{To: head}); err != nil || res.Status != backends.StatusOK {
		t.Fatalf("Push = %+v, %v; want ok", res, err)
	}
	want := []string{"converting into the Mercurial mirror (hg convert)", "reading the remote's tip", "sending the changesets (hg push)"}
	if !slices.Equal(got, want) {
		t.Errorf("progress = %q, want %q", got, want)
	}
}
