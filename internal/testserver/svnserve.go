package testserver

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// SvnRepo makes a Subversion repository at dir with svnadmin, holding an
// empty trunk in r1, and returns the repository's file:// URL: trunk is
// URL+"/trunk".
func SvnRepo(t testing.TB, dir string) string {
	t.Helper()
	Require(t, "svnadmin", "svnmucc")
	Svn(t, "svnadmin", "create", "--", dir)
	url := "file://" + filepath.ToSlash(dir)
	Svn(t, "svnmucc", "--non-interactive", "-m", "Make trunk.", "mkdir", url+"/trunk")
	return url
}

// Svn runs an svn program (svn, svnadmin, svnmucc, svnlook) and returns
// its stdout, trimmed. It fails the test with the command line and the
// program's output if the program fails.
func Svn(t testing.TB, name string, args ...string) string {
	t.Helper()
	return SvnInput(t, "", name, args...)
}

// SvnInput is Svn with input on the program's stdin: a password for
// --password-from-stdin, a file's content for svnmucc put -.
func SvnInput(t testing.TB, input, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = strings.NewReader(input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

// Svnserve serves every repository under root over svn:// to user, whose
// password is pass (no anonymous access, writes allowed), and returns its
// URL, "svn://127.0.0.1:PORT": repository root/r is URL+"/r".
//
// It runs `svnserve -i` (inetd mode) for each connection on a listener of
// its own (StartInetd), as cmd/go's vcweb does, rather than `svnserve -d`:
// a daemon says nothing when it is ready, and writes its --pid-file by
// deleting whatever is there and creating a new file, so the only way to
// know that it listens would be to poll. A listener opened here is ready
// before the URL is returned, and port 0 cannot be taken by someone else in
// between.
func Svnserve(t testing.TB, root, user, pass string) string {
	t.Helper()
	Require(t, "svnserve")
	dir := t.TempDir() // the server's side
	passwd := filepath.Join(dir, "passwd")
	writeFile(t, passwd, fmt.Sprintf("[users]\n%s = %s\n", user, pass), 0o600)
	config := filepath.Join(dir, "svnserve.conf")
	writeFile(t, config, "[general]\nanon-access = none\nauth-access = write\npassword-db = "+passwd+
		"\nrealm = vcsync-test\n", 0o600)
	args := []string{"-i", "-r", root, "--config-file", config, "--log-file", filepath.Join(dir, "log")}
	s, err := StartInetd(nil, "svnserve", args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		if t.Failed() {
			t.Logf("svnserve %s\n%s%s", strings.Join(args, " "), s.Log(), indent(readFileIfAny(filepath.Join(dir, "log"))))
		}
	})
	return "svn://" + s.Addr
}

// readFileIfAny returns a file's content, "" if it cannot be read.
func readFileIfAny(name string) string {
	b, _ := os.ReadFile(name)
	return string(b)
}

// indent indents s for a test log.
func indent(s string) string {
	if s == "" {
		return ""
	}
	return "\n\t" + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n\t")
}
