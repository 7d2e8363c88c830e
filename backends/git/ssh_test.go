package git

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/testserver"
)

// writeKey writes a fresh unencrypted ed25519 private key that no server knows.
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

// TestUnknownHostKey: an ssh host that is not in known_hosts is refused
// with an Auth error that says how to accept it; it is never added.
func TestUnknownHostKey(t *testing.T) {
	home := testserver.Env(t)
	s := testserver.SSHD(t, home)
	if err := os.WriteFile(s.KnownHosts, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	dir, head := newLocal(t, 1)
	_, err := push(t, s.URL(newBare(t)), dir, backends.Local{Branch: "main"}, backends.Range{To: head})
	if backends.ClassOf(err) != backends.Auth || !strings.Contains(err.Error(), "ssh vcsync-test") {
		t.Fatalf("Push to an unknown host = %v (class %v); want an Auth error saying `ssh vcsync-test`", err, backends.ClassOf(err))
	}
	if b, _ := os.ReadFile(s.KnownHosts); len(b) != 0 {
		t.Errorf("known_hosts was changed: %q", b)
	}
}

// TestEncryptedKeySkipped: an encrypted identity file cannot be used
// without a prompt; the Auth error says to add it to ssh-agent.
func TestEncryptedKeySkipped(t *testing.T) {
	home := testserver.Env(t)
	s := testserver.SSHD(t, home)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("pass"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.KeyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	dir, head := newLocal(t, 1)
	_, err = push(t, s.URL(newBare(t)), dir, backends.Local{Branch: "main"}, backends.Range{To: head})
	if backends.ClassOf(err) != backends.Auth || !strings.Contains(err.Error(), "ssh-add") {
		t.Fatalf("Push with only an encrypted key = %v (class %v); want Auth, naming ssh-add", err, backends.ClassOf(err))
	}
}

// TestAgent: keys come from ssh-agent (SSH_AUTH_SOCK), here an in-process
// agent holding the key sshd knows: through a plain URL, and through the
// alias, whose IdentitiesOnly allows the agent only the key of its
// IdentityFile, now encrypted, as ssh does.
func TestAgent(t *testing.T) {
	home := testserver.Env(t)
	s := testserver.SSHD(t, home)
	pemBytes, err := os.ReadFile(s.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ssh.ParseRawPrivateKey(pemBytes)
	if err != nil {
		t.Fatal(err)
	}
	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: key}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SSH_AUTH_SOCK", serveAgent(t, keyring))
	block, err := ssh.MarshalPrivateKeyWithPassphrase(key, "", []byte("pass"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.KeyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	dir, head := newLocal(t, 1)
	for _, url := range []func(string) string{
		func(bare string) string { return "ssh://" + s.User + "@127.0.0.1:" + strconv.Itoa(s.Port) + bare },
		s.URL,
	} {
		bare := newBare(t)
		if _, err := push(t, url(bare), dir, backends.Local{Branch: "main"}, backends.Range{To: head}); err != nil {
			t.Fatal(err)
		}
		if got := holds(t, bare, "main"); got != head {
			t.Errorf("main holds %q, want %s", got, head)
		}
	}
}

// serveAgent serves keyring as an ssh-agent on a fresh socket, until the
// test ends, and returns the socket's path.
func serveAgent(t testing.TB, keyring agent.Agent) string {
	sock := filepath.Join(t.TempDir(), "agent.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); agent.ServeAgent(keyring, c) }()
		}
	}()
	return sock
}
