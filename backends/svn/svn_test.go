package svn

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/backendtest"
	"github.com/vcsync/vcsync/internal/testserver"
)

// TestConformance runs the backend conformance suite against a Subversion
// repository reached over file://, and the same over svn:// (svnserve,
// password required). The suite counts one remote commit per local commit,
// so the fixtures push with the history option: the first push sends every
// commit rather than one revision of the tree (TestFirstPushOneRevision).
func TestConformance(t *testing.T) {
	transports := []struct {
		name    string
		fixture func(t testing.TB) backendtest.Fixture
	}{
		{"file", func(t testing.TB) backendtest.Fixture {
			repo := testserver.SvnRepo(t, filepath.Join(t.TempDir(), "repo"))
			return fixture(t, repo, repo+"/trunk")
		}},
		{"svnserve", svnserveFixture},
	}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			testserver.Require(t, "svn", "svnmucc", "svnadmin")
			backendtest.Suite{New: New, NewFixture: tr.fixture}.Run(t)
		})
	}
}

// fixture is a Fixture for the trunk of the repository at repo (file://),
// reached at url. It reads and changes the repository over file://.
func fixture(t testing.TB, repo, url string) backendtest.Fixture {
	t.Helper()
	trunk := repo + "/trunk"
	return backendtest.Fixture{
		Remote:  backends.Remote{Name: "svn", Kind: "svn", URL: url, Options: map[string]string{"history": "true"}},
		Holds:   func(t testing.TB) string { return holds(t, trunk) },
		Count:   func(t testing.TB) int { return count(t, trunk) },
		Diverge: func(t testing.TB) { diverge(t, trunk) },
	}
}

// svnserveFixture serves the repository over svn:// to user "alice",
// whose password comes from VCSYNC_SVN_PASSWORD_SVN, the remote's own;
// BadAuth is another remote, which gets the wrong VCSYNC_SVN_PASSWORD.
func svnserveFixture(t testing.TB) backendtest.Fixture {
	root := t.TempDir()
	repo := testserver.SvnRepo(t, filepath.Join(root, "repo"))
	base := testserver.Svnserve(t, root, "alice", "s3cret")
	t.Setenv("VCSYNC_SVN_USERNAME", "alice")
	t.Setenv("VCSYNC_SVN_PASSWORD_SVN", "s3cret")
	t.Setenv("VCSYNC_SVN_PASSWORD", "wrong")
	fx := fixture(t, repo, base+"/repo/trunk")
	fx.BadAuth = &backends.Remote{Name: "bad", Kind: "svn", URL: base + "/repo/trunk"}
	closed := "svn://127.0.0.1:" + strconv.Itoa(testserver.FreePort(t)) + "/repo/trunk"
	fx.Unreachable = &backends.Remote{Name: "down", Kind: "svn", URL: closed}
	return fx
}

// logEntries is `svn log --xml --with-revprop vcsync:commit` as the tests
// read it: revision numbers and vcsync:commit, youngest first.
func logEntries(t testing.TB, url string, args ...string) []pushed {
	t.Helper()
	out := testserver.Svn(t, "svn", append([]string{"log", "--xml", "--with-revprop", propCommit}, append(args, "--", url)...)...)
	var l logXML
	if err := xml.Unmarshal([]byte(out), &l); err != nil {
		t.Fatalf("svn log %s: %v\n%s", url, err, out)
	}
	var revs []pushed
	for _, e := range l.Entries {
		p := pushed{rev: e.Revision}
		for _, prop := range e.Props {
			if prop.Name == propCommit {
				p.commit = prop.Value
			}
		}
		revs = append(revs, p)
	}
	return revs
}

// holds returns vcsync:commit of the youngest revision of the directory.
func holds(t testing.TB, url string) string {
	t.Helper()
	revs := logEntries(t, url, "-r", "HEAD:1", "--limit", "1")
	if len(revs) == 0 {
		return ""
	}
	return revs[0].commit
}

// count returns the number of revisions of the directory that vcsync made.
func count(t testing.TB, url string) int {
	t.Helper()
	n := 0
	for _, r := range logEntries(t, url) {
		if r.commit != "" {
			n++
		}
	}
	return n
}

// diverge commits to the directory as someone else: a new file, with no
// vcsync:commit.
func diverge(t testing.TB, url string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "theirs")
	if err := os.WriteFile(file, []byte("their change\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	testserver.Svn(t, "svnmucc", "--non-interactive", "--username", "someone", "-m", "Their change.",
		"put", file, url+"/theirs.txt")
}
