package gitsvn

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/testserver"
)

// svnserve serves the world's repository on 127.0.0.1 to alice, password
// s3cret, and returns the trunk's svn:// URL. It runs as a daemon (-d): it
// binds its port before it detaches, so it takes connections once the
// command returns. The daemon writes its PID file after that, so t.Cleanup
// reads it then, to stop that process and no other.
func (w *world) svnserve(t *testing.T) string {
	t.Helper()
	testserver.Require(t, "svnserve")
	repo := strings.TrimSuffix(strings.TrimPrefix(w.trunk, "file://"), "/trunk")
	writeFile(t, filepath.Join(repo, "conf", "svnserve.conf"),
		"[general]\nanon-access = read\nauth-access = write\npassword-db = passwd\nrealm = vcsync-test\n")
	writeFile(t, filepath.Join(repo, "conf", "passwd"), "[users]\nalice = s3cret\n")
	pidFile := filepath.Join(t.TempDir(), "pid")
	port := strconv.Itoa(testserver.FreePort(t))
	started := false
	t.Cleanup(func() {
		data, err := os.ReadFile(pidFile)
		if errors.Is(err, fs.ErrNotExist) && !started {
			return // it failed to start
		} else if err != nil {
			t.Errorf("svnserve left running: %v", err)
			return
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil || pid <= 1 {
			t.Errorf("svnserve left running: pid file holds %q", data)
			return
		}
		if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
			t.Errorf("stop svnserve (pid %d): %v", pid, err)
		}
	})
	runOK(t, ".", "svnserve", "-d", "--listen-host=127.0.0.1", "--listen-port="+port, "--pid-file="+pidFile, "-r", repo)
	started = true
	return "svn://127.0.0.1:" + port + "/trunk"
}

// TestSvnserve: dcommit over svn:// fails fast with an Auth error when no
// credentials come (git svn's prompt reads /dev/null, never the terminal),
// and succeeds with the ones an askpass program gives.
func TestSvnserve(t *testing.T) {
	w := newWorld(t)
	runOK(t, w.clone, "git", "config", "svn-remote.svn.pushurl", w.svnserve(t))
	head := w.commit(t, "a.txt", "Our change")
	_, err := w.push(t, "")
	if backends.ClassOf(err) != backends.Auth {
		t.Fatalf("Push without credentials: %v (class %v); want an Auth error", err, backends.ClassOf(err))
	}
	w.wantClean(t, head)

	askpass := filepath.Join(t.TempDir(), "askpass")
	writeFile(t, askpass, "#!/bin/sh\ncase $1 in Username*) echo alice ;; Password*) echo s3cret ;; *) echo no ;; esac\n")
	if err := os.Chmod(askpass, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_ASKPASS", askpass)
	w.mustPush(t, backends.StatusOK, "r3")
}
