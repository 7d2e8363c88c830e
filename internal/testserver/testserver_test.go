package testserver

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// commit makes a repository in a temporary directory with one commit on
// main and returns it and the commit's id.
func commit(t *testing.T) (dir, head string) {
	t.Helper()
	dir = t.TempDir()
	Git(t, dir, "init", "-q")
	writeFile(t, filepath.Join(dir, "f.txt"), "hello\n", 0o644)
	Git(t, dir, "add", "f.txt")
	Git(t, dir, "commit", "-q", "-m", "first")
	return dir, Git(t, dir, "rev-parse", "HEAD")
}

// runGit runs git in dir and returns its output and error, for a command
// that is meant to fail.
func runGit(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// pushed checks that the bare repository holds head on main.
func pushed(t *testing.T, bare, head string) {
	t.Helper()
	if got := Git(t, bare, "rev-parse", "refs/heads/main"); got != head {
		t.Fatalf("the remote holds %s, want %s", got, head)
	}
}

// closed checks that nothing listens on addr any more: the server was
// stopped by its test's cleanup.
func closed(t *testing.T, addr string) {
	t.Helper()
	if c, err := net.DialTimeout("tcp", addr, 5*time.Second); err == nil {
		c.Close()
		t.Fatalf("%s still accepts connections after its test ended", addr)
	}
}

// TestEnv: what a developer's environment commonly holds (an identity, an
// editor, a global configuration that signs commits, a time zone) changes
// nothing in a test that called Env.
func TestEnv(t *testing.T) {
	odd := t.TempDir()
	global := filepath.Join(odd, "gitconfig")
	writeFile(t, global, "[user]\n\tname = Odd Caller\n\temail = odd@caller.invalid\n[commit]\n\tgpgsign = true\n", 0o644)
	for k, v := range map[string]string{
		"GIT_DIR": "/nonexistent", "GIT_CONFIG_GLOBAL": global, "XDG_CONFIG_HOME": odd, "HOME": odd,
		"GIT_AUTHOR_NAME": "Odd Author", "GIT_AUTHOR_EMAIL": "odd@author.invalid",
		"GIT_COMMITTER_NAME": "Odd Committer", "GIT_COMMITTER_EMAIL": "odd@committer.invalid",
		"EDITOR": "false", "VISUAL": "false", "GIT_EDITOR": "false",
		"TZ": "Pacific/Chatham", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "NO_COLOR": "1",
	} {
		t.Setenv(k, v)
	}
	home := Env(t)
	for _, k := range []string{"GIT_DIR", "GIT_CONFIG_GLOBAL", "GIT_AUTHOR_NAME", "GIT_COMMITTER_EMAIL", "EDITOR", "VISUAL", "GIT_EDITOR", "NO_COLOR", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			t.Errorf("%s is still set (%q)", k, v)
		}
	}
	if got := os.Getenv("TZ") + " " + os.Getenv("LC_ALL"); got != "UTC C" {
		t.Errorf("TZ and LC_ALL = %q, want UTC C", got)
	}
	if got := Git(t, home, "config", "user.email"); got != "test@example.org" {
		t.Errorf("user.email = %q", got)
	}
	// A commit: not signed, by the sealed user, whatever the caller exported.
	dir, head := commit(t)
	for _, f := range []string{"%an <%ae>", "%cn <%ce>"} {
		if got := Git(t, dir, "log", "-1", "--format="+f, head); got != "Test User <test@example.org>" {
			t.Errorf("git log --format=%s = %q", f, got)
		}
	}
}

func TestGitDaemon(t *testing.T) {
	Require(t, "git")
	var addr string
	t.Run("push", func(t *testing.T) {
		Env(t)
		base := t.TempDir()
		bare := BareRepo(t, filepath.Join(base, "r.git"))
		url := GitDaemon(t, base)
		addr = strings.TrimPrefix(url, "git://")
		dir, head := commit(t)
		Git(t, dir, "push", "-q", url+"/r.git", "main")
		pushed(t, bare, head)
	})
	closed(t, addr)
}

func TestSSHD(t *testing.T) {
	Require(t, "git")
	var s SSH
	t.Run("push", func(t *testing.T) {
		home := Env(t)
		s = SSHD(t, home)
		bare := BareRepo(t, filepath.Join(t.TempDir(), "r.git"))
		dir, head := commit(t)
		// The alias alone: user, port, key and host key come from
		// ~/.ssh/config, through GIT_SSH_COMMAND.
		Git(t, dir, "push", "-q", s.URL(bare), "main")
		pushed(t, bare, head)
	})
	if s.Port != 0 {
		closed(t, "127.0.0.1:"+itoa(s.Port))
	}
}

func TestHTTPS(t *testing.T) {
	Require(t, "git")
	home := Env(t)
	base := t.TempDir()
	bare := BareRepo(t, filepath.Join(base, "r.git"))
	url := HTTPS(t, base, "alice", "s3cret:@/")
	dir, head := commit(t)
	// No credential yet: refused, and git must not prompt.
	out, err := runGit(dir, "push", "-q", url+"/r.git", "main")
	if err == nil || !strings.Contains(out, "Authentication failed") && !strings.Contains(out, "could not read Username") {
		t.Fatalf("push without a credential: %v\n%s", err, out)
	}
	CredentialStore(t, home, url, "alice", "s3cret:@/")
	Git(t, dir, "push", "-q", url+"/r.git", "main")
	pushed(t, bare, head)
}

// TestServe: the servers of testscript's serve command (bzr, hg) bind port
// 0 and say which port they got: the Server's address is theirs as soon as
// it is returned, and Close frees it. A program that exits instead is an
// error that shows what it said.
func TestServe(t *testing.T) {
	Require(t, "brz", "hg")
	Env(t)
	dir := t.TempDir()
	Git(t, dir, "init", "-q") // brz serve needs no branch to start
	if out, err := exec.Command("hg", "init", filepath.Join(dir, "h")).CombinedOutput(); err != nil {
		t.Fatalf("hg init: %v\n%s", err, out)
	}
	for name, start := range map[string]func() (*Server, error){
		"bzr": func() (*Server, error) { return ServeBzr(nil, dir) },
		"hg":  func() (*Server, error) { return ServeHg(nil, filepath.Join(dir, "h")) },
	} {
		s, err := start()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c, err := net.DialTimeout("tcp", s.Addr, 5*time.Second)
		if err != nil {
			s.Close()
			t.Fatalf("%s at %s: %v\n%s", name, s.Addr, err, s.Log())
		}
		c.Close()
		s.Close()
		closed(t, s.Addr)
	}
	_, err := StartReporting(nil, regexp.MustCompile(`port (\d+)`), "sh", "-c", "echo cannot bind >&2; exit 3")
	if err == nil || !strings.Contains(err.Error(), "cannot bind") {
		t.Errorf("a server that exits: %v, want its output", err)
	}
}

// skipRecorder records what SkipOrFail asks of its test; the real Skipf
// and Fatalf would end the test that calls them.
type skipRecorder struct {
	testing.TB
	skipped, failed string
}

func (r *skipRecorder) Helper()                        {}
func (r *skipRecorder) Skipf(format string, a ...any)  { r.skipped = fmt.Sprintf(format, a...) }
func (r *skipRecorder) Fatalf(format string, a ...any) { r.failed = fmt.Sprintf(format, a...) }

// TestSkipOrFail: a skip on a developer's machine is a failure in CI.
func TestSkipOrFail(t *testing.T) {
	for _, ci := range []string{"", "true", "TRUE"} {
		t.Setenv("CI", ci)
		r := &skipRecorder{TB: t}
		SkipOrFail(r, "no %s here", "brz")
		Require(r, "vcsync-no-such-program")
		if ci == "" && (r.skipped != "vcsync-no-such-program is not installed (CI must install it in .ci/run)" || r.failed != "") {
			t.Errorf("CI=%q: skipped %q, failed %q; want a skip", ci, r.skipped, r.failed)
		}
		if ci != "" && (r.skipped != "" || !strings.HasPrefix(r.failed, "skipped in CI, which must run every test: vcsync-no-such-program")) {
			t.Errorf("CI=%q: skipped %q, failed %q; want a failure", ci, r.skipped, r.failed)
		}
	}
}
