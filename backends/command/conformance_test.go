package command

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/backendtest"
	"github.com/vcsync/vcsync/internal/testserver"
)

// TestConformance runs the backend conformance suite with
// testdata/push-git.sh as the command, which pushes with git to a bare
// repository: as a path, and over https (git http-backend) with the
// password in the URL, where the script's exit codes for a refused
// password and a closed port must become Auth and Transient errors.
func TestConformance(t *testing.T) {
	transports := []struct {
		name    string
		fixture func(t testing.TB) backendtest.Fixture
	}{
		{"path", func(t testing.TB) backendtest.Fixture {
			bare := newBare(t)
			return fixture(t, bare, bare)
		}},
		{"https", httpsFixture},
	}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			backendtest.Suite{New: New, NewFixture: tr.fixture}.Run(t)
		})
	}
}

// script is the command that runs testdata/push-git.sh, through sh so that
// the test does not depend on the file's executable bit surviving a
// checkout; its path is quoted by split's rules.
func script(t testing.TB) string {
	t.Helper()
	testserver.Require(t, "sh")
	path, err := filepath.Abs(filepath.Join("testdata", "push-git.sh"))
	if err != nil {
		t.Fatal(err)
	}
	return "sh '" + strings.ReplaceAll(path, "'", `'\''`) + "'"
}

// remote is a command remote that pushes to url with push-git.sh.
func remote(t testing.TB, name, url string) backends.Remote {
	return backends.Remote{Name: name, Kind: "command", URL: url, Options: map[string]string{"command": script(t)}}
}

// newBare makes an empty bare repository in a fresh directory.
func newBare(t testing.TB) string {
	t.Helper()
	return testserver.BareRepo(t, filepath.Join(t.TempDir(), "r.git"))
}

// fixture is a Fixture for the bare repository at bare, reached at url.
func fixture(t testing.TB, bare, url string) backendtest.Fixture {
	t.Helper()
	return backendtest.Fixture{
		Remote:  remote(t, "deploy", url),
		Holds:   func(t testing.TB) string { return holds(t, bare) },
		Count:   func(t testing.TB) int { return count(t, bare) },
		Diverge: func(t testing.TB) { diverge(t, bare) },
	}
}

// httpsFixture serves the bare repository over https to alice, whose
// password the URL holds; BadAuth gives a wrong one.
func httpsFixture(t testing.TB) backendtest.Fixture {
	dir := t.TempDir()
	bare := testserver.BareRepo(t, filepath.Join(dir, "r.git"))
	base := testserver.HTTPS(t, dir, "alice", "s3cret")
	withUser := func(pass string) string {
		return strings.Replace(base, "https://", "https://alice:"+pass+"@", 1) + "/r.git"
	}
	fx := fixture(t, bare, withUser("s3cret"))
	bad := remote(t, "deploy", withUser("wrong"))
	down := remote(t, "deploy", "https://127.0.0.1:"+strconv.Itoa(testserver.FreePort(t))+"/r.git")
	fx.BadAuth, fx.Unreachable = &bad, &down
	return fx
}

// holds returns the commit the bare repository's main holds, "" if none.
func holds(t testing.TB, bare string) string {
	t.Helper()
	return testserver.Git(t, bare, "for-each-ref", "--format=%(objectname)", "refs/heads/main")
}

// count returns the number of commits on the bare repository's main.
func count(t testing.TB, bare string) int {
	t.Helper()
	if holds(t, bare) == "" {
		return 0
	}
	n, err := strconv.Atoi(testserver.Git(t, bare, "rev-list", "--count", "refs/heads/main"))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// diverge commits to the bare repository's main as someone else would.
func diverge(t testing.TB, bare string) {
	t.Helper()
	args := []string{"commit-tree", "-m", "their change"}
	if tip := holds(t, bare); tip != "" {
		args = append(args, "-p", tip, tip+"^{tree}")
	} else {
		args = append(args, testserver.Git(t, bare, "hash-object", "-t", "tree", "-w", "/dev/null"))
	}
	testserver.Git(t, bare, "update-ref", "refs/heads/main", testserver.Git(t, bare, args...))
}
