package git

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/backendtest"
	"github.com/vcsync/vcsync/internal/testserver"
)

// TestConformance runs the backend conformance suite over every transport,
// each against a real server: the same bare repository reached as a path,
// file://, git:// (git daemon), ssh:// and scp-style (sshd, through the
// ~/.ssh/config alias only, so that User, Port, HostName and IdentityFile
// must come from there), and https (git http-backend, with the password in
// git's store credential helper, or in an environment token).
func TestConformance(t *testing.T) {
	transports := []struct {
		name    string
		fixture func(t testing.TB) backendtest.Fixture
	}{
		{"path", func(t testing.TB) backendtest.Fixture {
			bare := newBare(t)
			return fixture(t, bare, bare)
		}},
		{"file", func(t testing.TB) backendtest.Fixture {
			bare := newBare(t)
			return fixture(t, bare, "file://"+bare)
		}},
		{"git", gitDaemonFixture},
		{"ssh", func(t testing.TB) backendtest.Fixture {
			return sshFixture(t, func(s testserver.SSH, bare string) string { return s.URL(bare) })
		}},
		{"scp", func(t testing.TB) backendtest.Fixture {
			return sshFixture(t, func(s testserver.SSH, bare string) string { return s.Host + ":" + bare })
		}},
		{"https", httpsStoreFixture},
		{"https-token", httpsTokenFixture},
	}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			backendtest.Suite{New: New, NewFixture: tr.fixture}.Run(t)
		})
	}
}

// newBare makes an empty bare repository in a fresh directory.
func newBare(t testing.TB) string {
	t.Helper()
	return testserver.BareRepo(t, filepath.Join(t.TempDir(), "r.git"))
}

// fixture is a Fixture for the bare repository at bare, reached at url.
// It reads and changes the repository with plain git, on its directory.
func fixture(t testing.TB, bare, url string) backendtest.Fixture {
	t.Helper()
	return backendtest.Fixture{
		Remote:  backends.Remote{Name: "mirror", Kind: "git", URL: url},
		Holds:   func(t testing.TB) string { return holds(t, bare, "main") },
		Count:   func(t testing.TB) int { return count(t, bare, "main") },
		Diverge: func(t testing.TB) { diverge(t, bare, "main") },
	}
}

// holds returns the commit the bare repository's branch holds, "" if none.
func holds(t testing.TB, bare, branch string) string {
	t.Helper()
	out := testserver.Git(t, bare, "for-each-ref", "--format=%(objectname)", "refs/heads/"+branch)
	return strings.TrimSpace(out)
}

// count returns the number of commits on the bare repository's branch.
func count(t testing.TB, bare, branch string) int {
	t.Helper()
	if holds(t, bare, branch) == "" {
		return 0
	}
	n, err := strconv.Atoi(testserver.Git(t, bare, "rev-list", "--count", "refs/heads/"+branch))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// diverge commits to the bare repository's branch as someone else would:
// a commit on top of what it holds, which no local repository has.
func diverge(t testing.TB, bare, branch string) {
	t.Helper()
	ref := "refs/heads/" + branch
	args := []string{"commit-tree", "-m", "their change"}
	if tip := holds(t, bare, branch); tip != "" {
		args = append(args, "-p", tip, tip+"^{tree}")
	} else {
		args = append(args, testserver.Git(t, bare, "hash-object", "-t", "tree", "-w", "/dev/null"))
	}
	testserver.Git(t, bare, "update-ref", ref, testserver.Git(t, bare, args...))
}

// closedPort returns a port of 127.0.0.1 that nothing listens on.
func closedPort(t testing.TB) string {
	return strconv.Itoa(testserver.FreePort(t))
}

func gitDaemonFixture(t testing.TB) backendtest.Fixture {
	testserver.Require(t, "git")
	base := t.TempDir()
	bare := testserver.BareRepo(t, filepath.Join(base, "r.git"))
	fx := fixture(t, bare, testserver.GitDaemon(t, base)+"/r.git")
	fx.Unreachable = &backends.Remote{Name: "down", Kind: "git", URL: "git://127.0.0.1:" + closedPort(t) + "/r.git"}
	return fx
}

// sshFixture serves a bare repository through sshd; url spells its URL.
// BadAuth goes through a second alias whose only key sshd does not know.
func sshFixture(t testing.TB, url func(testserver.SSH, string) string) backendtest.Fixture {
	s := testserver.SSHD(t, os.Getenv("HOME"))
	bare := newBare(t)
	fx := fixture(t, bare, url(s, bare))
	fx.Unreachable = &backends.Remote{Name: "down", Kind: "git", URL: "ssh://127.0.0.1:" + closedPort(t) + bare}
	fx.BadAuth = &backends.Remote{Name: "bad", Kind: "git", URL: strings.Replace(url(s, bare), s.Host, "vcsync-bad", 1)}
	badKey := filepath.Join(filepath.Dir(s.KeyFile), "id_unknown")
	writeKey(t, badKey)
	appendFile(t, s.Config, "Host vcsync-bad\n\tHostName 127.0.0.1\n\tPort "+strconv.Itoa(s.Port)+
		"\n\tIdentityFile "+badKey+"\n\tIdentitiesOnly yes\n\tUserKnownHostsFile "+s.KnownHosts+"\n")
	return fx
}

// httpsServer serves a bare repository over https to user and pass.
func httpsServer(t testing.TB, user, pass string) (base, bare string) {
	testserver.Require(t, "git")
	dir := t.TempDir()
	bare = testserver.BareRepo(t, filepath.Join(dir, "r.git"))
	return testserver.HTTPS(t, dir, user, pass), bare
}

// httpsStoreFixture keeps the password in git's store credential helper.
// BadAuth names another user, for whom the store holds a wrong password.
func httpsStoreFixture(t testing.TB) backendtest.Fixture {
	home := os.Getenv("HOME")
	base, bare := httpsServer(t, "alice", "s3cret")
	testserver.CredentialStore(t, home, base, "alice", "s3cret")
	bad := strings.Replace(base, "https://", "https://mallory:wrong@", 1)
	appendFile(t, filepath.Join(home, ".git-credentials"), bad+"\n")
	fx := fixture(t, bare, base+"/r.git")
	fx.BadAuth = &backends.Remote{Name: "bad", Kind: "git", URL: strings.Replace(base, "https://", "https://mallory@", 1) + "/r.git"}
	fx.Unreachable = &backends.Remote{Name: "down", Kind: "git", URL: "https://127.0.0.1:" + closedPort(t) + "/r.git"}
	return fx
}

// httpsTokenFixture gives the password as a token in the environment,
// per remote for the good one, and a wrong global one for BadAuth.
func httpsTokenFixture(t testing.TB) backendtest.Fixture {
	base, bare := httpsServer(t, tokenUser, "t0ken")
	t.Setenv("VCSYNC_TOKEN_MY_MIRROR", "t0ken")
	t.Setenv("VCSYNC_GIT_TOKEN", "wrong")
	fx := fixture(t, bare, base+"/r.git")
	fx.Remote.Name = "my-mirror"
	fx.BadAuth = &backends.Remote{Name: "other", Kind: "git", URL: base + "/r.git"}
	return fx
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

// TestHTTPSAuthHints: a refused https push says what to do about it: which
// token variable was refused, or, with no credentials at all, which one to
// set; never the token itself.
func TestHTTPSAuthHints(t *testing.T) {
	testserver.Env(t)
	base, _ := httpsServer(t, tokenUser, "t0ken")
	dir, head := newLocal(t, 1)
	t.Setenv("VCSYNC_TOKEN_WEB", "wr0ng")
	b, err := New(backends.Remote{Name: "web", Kind: "git", URL: base + "/r.git"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Push(t.Context(), backends.Local{Root: dir, Branch: "main"}, backends.Range{To: head})
	if backends.ClassOf(err) != backends.Auth || !strings.Contains(err.Error(), "(the token in VCSYNC_TOKEN_WEB was refused)") ||
		strings.Contains(err.Error(), "wr0ng") || strings.Contains(err.Error(), "required:") {
		t.Errorf("with a wrong token: %v (class %v); want auth, naming VCSYNC_TOKEN_WEB", err, backends.ClassOf(err))
	}
	t.Setenv("VCSYNC_TOKEN_WEB", "")
	_, err = b.Push(t.Context(), backends.Local{Root: dir, Branch: "main"}, backends.Range{To: head})
	if backends.ClassOf(err) != backends.Auth || !strings.Contains(err.Error(), "; set VCSYNC_TOKEN_WEB to a token, or configure a credential helper)") {
		t.Errorf("without credentials: %v (class %v); want auth, saying what to set", err, backends.ClassOf(err))
	}
}
