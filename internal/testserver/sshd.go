package testserver

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sshAlias is the Host of the ~/.ssh/config block that SSHD writes: URLs
// name the alias, as users' URLs do, so a backend is tested on the way
// users actually reach their servers.
const sshAlias = "vcsync-test"

// SSH is an sshd started by SSHD, and how a client reaches it.
type SSH struct {
	Host       string // the alias in ~/.ssh/config: "vcsync-test"
	Port       int    // the port sshd listens on, on 127.0.0.1
	User       string // the current user, the one the key logs in as
	KeyFile    string // the user's private key (ed25519, no passphrase)
	KnownHosts string // HOME/.ssh/known_hosts, holding sshd's host key
	Config     string // HOME/.ssh/config, holding the alias
	// URL returns ssh://vcsync-test/PATH for an absolute path on this
	// machine: the user and the port come from the alias.
	URL func(path string) string
}

// SSHD starts /usr/sbin/sshd on a free port of 127.0.0.1 with a fresh host
// key, lets a fresh user key log in as the current user, and writes the
// client side into home: .ssh/config with the alias, .ssh/id_ed25519 and
// .ssh/known_hosts. It sets GIT_SSH_COMMAND for the rest of the test and
// returns once a real ssh has logged in.
//
// OpenSSH reads ~/.ssh from the passwd entry's home, not from $HOME, so
// without GIT_SSH_COMMAND="ssh -F HOME/.ssh/config" plain git would not see
// the alias. go-git (through kevinburke/ssh_config) does the same, and also
// caches that file for the life of the process: a backend must read
// $HOME/.ssh/config itself. go-git's default known_hosts is
// $HOME/.ssh/known_hosts, which is why KnownHosts lives there.
func SSHD(t testing.TB, home string) SSH {
	t.Helper()
	Require(t, "/usr/sbin/sshd", "ssh", "ssh-keygen")
	// sshd started by root refuses to run without its privilege
	// separation directory, which Debian creates only from its init script.
	if os.Geteuid() == 0 {
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatalf("sshd needs /run/sshd: %v", err)
		}
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dotSSH := filepath.Join(home, ".ssh")
	if err := os.MkdirAll(dotSSH, 0o700); err != nil {
		t.Fatal(err)
	}
	s := SSH{
		Host:       sshAlias,
		User:       u.Username,
		KeyFile:    filepath.Join(dotSSH, "id_ed25519"),
		KnownHosts: filepath.Join(dotSSH, "known_hosts"),
		Config:     filepath.Join(dotSSH, "config"),
		URL:        func(path string) string { return "ssh://" + sshAlias + "/" + strings.TrimPrefix(path, "/") },
	}
	keygen(t, s.KeyFile)
	dir := t.TempDir() // the server's side
	hostKey := filepath.Join(dir, "host_ed25519")
	keygen(t, hostKey)
	authorized := filepath.Join(dir, "authorized_keys")
	writeFile(t, authorized, readFile(t, s.KeyFile+".pub"), 0o600)
	s.Port = startSSHD(t, dir, hostKey, authorized)
	writeClientConfig(t, s, readFile(t, hostKey+".pub"))
	t.Setenv("GIT_SSH_COMMAND", "ssh -F '"+s.Config+"'")
	sshCheck(t, s)
	return s
}

// startSSHD writes sshd_config into dir and starts sshd with it, on a free
// port, retrying once if another program took that port first.
func startSSHD(t testing.TB, dir, hostKey, authorized string) int {
	t.Helper()
	serverHome := t.TempDir()
	for attempt := 1; ; attempt++ {
		port := FreePort(t)
		config := filepath.Join(dir, "sshd_config")
		writeFile(t, config, strings.Join([]string{
			"Port " + itoa(port), // before ListenAddress, or sshd refuses the config
			"ListenAddress 127.0.0.1",
			"HostKey " + hostKey,
			"AuthorizedKeysFile " + authorized,
			"PasswordAuthentication no",
			"KbdInteractiveAuthentication no",
			"PubkeyAuthentication yes",
			"PermitRootLogin yes", // CI runs the tests as root
			"StrictModes no",      // the files live in /tmp, which is world-writable
			"UsePAM no",
			"PidFile none",
			"LogLevel VERBOSE",
			"PrintMotd no",
			"PrintLastLog no",
			// The server's git must not read the developer's ~/.gitconfig
			// either: sshd would give it the passwd home.
			"SetEnv HOME=" + serverHome + " GIT_CONFIG_NOSYSTEM=1 LC_ALL=C",
		}, "\n")+"\n", 0o600)
		// sshd re-executes itself for every connection, so it needs its
		// absolute path; -e logs to stderr, where serve reads it.
		err := serve(t, "Server listening on 127.0.0.1 port", "/usr/sbin/sshd", "-D", "-e", "-f", config)
		if err == nil {
			return port
		}
		if attempt == 2 {
			t.Fatal(err)
		}
	}
}

// writeClientConfig writes the alias into s.Config and sshd's host key into
// s.KnownHosts.
func writeClientConfig(t testing.TB, s SSH, hostPub string) {
	t.Helper()
	writeFile(t, s.Config, fmt.Sprintf("Host %s\n\tHostName 127.0.0.1\n\tPort %d\n\tUser %s\n"+
		"\tIdentityFile %s\n\tIdentitiesOnly yes\n\tUserKnownHostsFile %s\n\tStrictHostKeyChecking yes\n",
		sshAlias, s.Port, s.User, s.KeyFile, s.KnownHosts), 0o600)
	// The entry that matters is [127.0.0.1]:PORT: OpenSSH looks up the
	// HostName it connects to, and go-git's host key callback is given
	// the address it dialled, after resolving the alias. The alias form
	// is for a client that dials the IP but names the host by its alias.
	key := strings.TrimSpace(hostPub)
	writeFile(t, s.KnownHosts, fmt.Sprintf("[127.0.0.1]:%d %s\n[%s]:%d %s\n",
		s.Port, key, sshAlias, s.Port, key), 0o600)
}

// sshCheck logs in with a real ssh through the alias, so that a broken
// setup fails here, with ssh's own diagnosis, rather than in a backend.
func sshCheck(t testing.TB, s SSH) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ssh", "-F", s.Config, "-o", "BatchMode=yes", s.Host, "true")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh -F %s %s true: %v\n%s", s.Config, s.Host, err, out)
	}
}

// keygen makes an ed25519 key pair without a passphrase at path and path.pub.
func keygen(t testing.TB, path string) {
	t.Helper()
	cmd := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "vcsync-test", "-f", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -f %s: %v\n%s", path, err, out)
	}
}

// readFile returns a file's content or fails the test.
func readFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
