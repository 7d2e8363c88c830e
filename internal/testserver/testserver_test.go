package testserver

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
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

func TestEnv(t *testing.T) {
	t.Setenv("GIT_DIR", "/nonexistent")
	home := Env(t)
	if _, ok := os.LookupEnv("GIT_DIR"); ok {
		t.Error("GIT_DIR is still set")
	}
	if got := Git(t, home, "config", "user.email"); got != "test@example.org" {
		t.Errorf("user.email = %q", got)
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
