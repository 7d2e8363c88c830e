package bzr

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/testserver"
)

// TestSSH pushes over bzr+ssh:// through a real sshd, where the server
// side runs `bzr serve --inet` (Debian's bzr is brz): a push and an
// idempotent one, a user sshd refuses (Auth, without a prompt), a closed
// port (Transient, at once). brz runs OpenSSH's ssh, which reads
// ~/.ssh/config from the passwd entry, not $HOME: an ssh first on PATH
// gives it the test's config, as a user's own would be read.
func TestSSH(t *testing.T) {
	testserver.Require(t, "brz", "bzr", "git")
	home := testserver.Env(t)
	s := testserver.SSHD(t, home)
	real, err := exec.LookPath("ssh")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	wrapper := "#!/bin/sh\nexec '" + real + "' -F '" + s.Config + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "ssh"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	f, err := os.OpenFile(s.Config, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The same server and key, as a user that does not exist there.
	f.WriteString("Host vcsync-bad\n\tHostName 127.0.0.1\n\tPort " + strconv.Itoa(s.Port) +
		"\n\tUser vcsync-no-such-user\n\tIdentityFile " + s.KeyFile + "\n\tIdentitiesOnly yes\n\tUserKnownHostsFile " + s.KnownHosts + "\n")
	f.Close()

	local := t.TempDir()
	testserver.Git(t, local, "init", "-q", "--initial-branch=main")
	head := commitFile(t, local, "file.txt", "Change 1")
	l := backends.Local{Root: local, Branch: "main"}
	branch := newBranch(t)
	for _, want := range []backends.Status{backends.StatusOK, backends.StatusUpToDate} {
		res, err := push(t, l, "bzr+ssh://"+s.Host+branch)
		if err != nil || res.Status != want || holds(t, branch, "") != head {
			t.Fatalf("push over bzr+ssh = %+v, %v; want %q, the branch holding %s", res, err, want, kit.Short(head))
		}
	}
	commitFile(t, local, "file.txt", "Change 2")
	for url, want := range map[string]backends.Class{
		"bzr+ssh://vcsync-bad" + branch:                                        backends.Auth,
		"bzr+ssh://127.0.0.1:" + strconv.Itoa(testserver.FreePort(t)) + branch: backends.Transient,
	} {
		b, err := New(backends.Remote{Name: "bzr-mirror", Kind: "bzr", URL: url})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		_, err = b.Push(ctx, l, backends.Range{To: testserver.Git(t, local, "rev-parse", "HEAD")})
		late := ctx.Err() != nil
		cancel()
		if c := backends.ClassOf(err); c != want || late {
			t.Errorf("push to %s: %v (class %v), want class %v, at once", url, err, c, want)
		}
	}
	if got := holds(t, branch, ""); got != head {
		t.Errorf("after the refused pushes the branch holds %s, want %s", kit.Short(got), kit.Short(head))
	}
}
