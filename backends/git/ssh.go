package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/vcsync/vcsync/backends"
)

// defaultConnectTimeout bounds the TCP connect of an ssh push when neither
// the context nor ConnectTimeout does: go-git's ssh dial ignores the push's
// context (transport/ssh.dial uses context.Background()), so without it a
// silent host would hold a push, and Ctrl-C, for the kernel's two minutes.
const defaultConnectTimeout = 30 * time.Second

// sshAuth is a go-git ssh AuthMethod that carries a whole ssh.ClientConfig
// of our making: user, keys and a strict known_hosts check. It remembers a
// host key failure, which go-git's error would otherwise bury.
type sshAuth struct {
	host    *sshHost
	signers []ssh.Signer
	hostKey ssh.HostKeyCallback
	algos   []string
	timeout time.Duration

	mu      sync.Mutex // the host key callback runs in x/crypto's handshake goroutine
	hostErr error
}

func (a *sshAuth) Name() string   { return "vcsync-ssh" }
func (a *sshAuth) String() string { return "user: " + a.host.user + ", name: " + a.Name() }

// ClientConfig is called by go-git for every connection: one per push.
func (a *sshAuth) ClientConfig() (*ssh.ClientConfig, error) {
	return &ssh.ClientConfig{
		User:              a.host.user,
		Auth:              []ssh.AuthMethod{ssh.PublicKeys(a.signers...)},
		HostKeyCallback:   a.checkHostKey,
		HostKeyAlgorithms: a.algos,
		Timeout:           a.timeout,
	}, nil
}

// checkHostKey checks the server's key against known_hosts, strictly: an
// unknown host is refused, never added, as no one is there to confirm it.
func (a *sshAuth) checkHostKey(addr string, remote net.Addr, key ssh.PublicKey) error {
	if a.host.hostKeyAlias != "" {
		addr = a.host.hostKeyAlias // ssh looks the alias up without a port
	}
	err := a.hostKey(addr, remote, key)
	if err == nil {
		return nil
	}
	var keyErr *knownhosts.KeyError
	switch {
	case errors.As(err, &keyErr) && len(keyErr.Want) == 0:
		err = fmt.Errorf("host key of %s is not in %s: run `ssh %s` once to check and accept it (%w)",
			addr, a.host.knownHosts[0], a.host.login, err)
	case errors.As(err, &keyErr):
		err = fmt.Errorf("host key of %s does not match known_hosts (%s:%d): someone may be intercepting the connection; if the key really changed, fix that line (%w)",
			addr, keyErr.Want[0].Filename, keyErr.Want[0].Line, err)
	}
	a.mu.Lock()
	a.hostErr = err
	a.mu.Unlock()
	return err
}

// hostKeyError returns the host key failure of the push, if any.
func (a *sshAuth) hostKeyError() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.hostErr
}

// sshAccess resolves the URL's host through ~/.ssh/config, gathers keys
// and known hosts, and rewrites the URL to the real host and port.
func (b *backend) sshAccess(ctx context.Context) (*access, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, b.errorf(backends.Fatal, "ssh: %v", err)
	}
	host, err := lookupSSH(home, b.ep.Host, b.ep.User, b.urlPort())
	if err != nil {
		return nil, b.errorf(backends.Fatal, "ssh: %v", err)
	}
	if host.proxy != "" {
		return nil, b.errorf(backends.Fatal, "ssh: %s has %s in ssh_config, which go-git cannot follow; use the command backend with git push", host.alias, host.proxy)
	}
	auth := &sshAuth{host: host, timeout: connectTimeout(ctx, host.connectTimeout)}
	a := &access{ssh: auth}
	var notes []string
	auth.signers, a.closer, notes = gatherKeys(host)
	if len(auth.signers) == 0 {
		a.close()
		return nil, b.errorf(backends.Auth, "ssh: no key to offer %s: no usable identity file among %s (%s)",
			host.alias, strings.Join(host.identities, ", "), strings.Join(append(notes, "password prompts are never used"), "; "))
	}
	a.hint = strings.Join(append([]string{fmt.Sprintf("offered %d key(s) as %s", len(auth.signers), host.user)}, notes...), "; ")
	if err := auth.knownHosts(); err != nil {
		a.close()
		return nil, b.errorf(backends.Auth, "ssh: %v: run `ssh %s` once to check and accept the host's key", err, host.login)
	}
	a.url, a.auth = b.sshURL(host), auth
	return a, nil
}

// gatherKeys returns the keys to offer, as ssh would: the identity files,
// then the ssh-agent's keys (with IdentitiesOnly, only those of identity
// files); the agent connection to close after the push; and notes on what
// could not be used.
func gatherKeys(host *sshHost) ([]ssh.Signer, io.Closer, []string) {
	signers, notes := loadKeys(host.identities)
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		return signers, nil, append(notes, "no ssh-agent: SSH_AUTH_SOCK is not set")
	}
	agentKeys, closer, err := agentSigners(sock)
	if err != nil {
		notes = append(notes, err.Error())
	}
	if host.identitiesOnly {
		agentKeys = identityKeys(agentKeys, host.identities)
	}
	return append(signers, agentKeys...), closer, notes
}

// identityKeys keeps the agent's keys whose public half is an identity
// file's FILE.pub. ssh does the same under IdentitiesOnly: that is how an
// encrypted IdentityFile, unlocked once by ssh-add, is used without a prompt.
func identityKeys(keys []ssh.Signer, files []string) []ssh.Signer {
	var out []ssh.Signer
	for _, f := range files {
		pub, err := os.ReadFile(f + ".pub")
		if err != nil {
			continue
		}
		pk, _, _, _, err := ssh.ParseAuthorizedKey(pub)
		if err != nil {
			continue
		}
		for _, k := range keys {
			if bytes.Equal(k.PublicKey().Marshal(), pk.Marshal()) {
				out = append(out, k)
			}
		}
	}
	return out
}

// knownHosts loads the host key database and the key types it holds for
// this host. go-git asks knownhosts for those types only when it builds the
// callback itself; with ours, it is our job, or a server offering another
// key type than the one known would be refused as a mismatch.
func (a *sshAuth) knownHosts() error {
	// Only the files that exist: go-git's NewKnownHostsDb fails on none
	// with advice about SSH_KNOWN_HOSTS, which we do not read, and with
	// no file at all it would fall back to its own defaults.
	var files []string
	for _, f := range a.host.knownHosts {
		if _, err := os.Stat(f); err == nil {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return fmt.Errorf("no known_hosts file (none of %s exists)", strings.Join(a.host.knownHosts, ", "))
	}
	db, err := gitssh.NewKnownHostsDb(files...)
	if err != nil {
		return err
	}
	a.hostKey = db.HostKeyCallback()
	addr := net.JoinHostPort(a.host.hostname, strconv.Itoa(a.host.port))
	if a.host.hostKeyAlias != "" {
		addr = a.host.hostKeyAlias
	}
	a.algos = db.HostKeyAlgorithms(addr)
	return nil
}

// sshURL rewrites the URL to the resolved user, host name and port, so that
// go-git, which reads ~/.ssh/config through its own cached reader, connects
// where ssh would.
func (b *backend) sshURL(h *sshHost) string {
	if b.kind == kindSCP {
		// go-git's scp-style syntax takes a port (user@host:port:path);
		// an ssh:// URL cannot carry a path relative to the home directory.
		return h.user + "@" + h.hostname + ":" + strconv.Itoa(h.port) + ":" + b.ep.Path
	}
	u, err := url.Parse(b.url)
	if err != nil {
		return b.url // New has parsed it already
	}
	u.User = url.User(h.user)
	u.Host = net.JoinHostPort(h.hostname, strconv.Itoa(h.port))
	return u.String()
}

// urlPort is the port the URL names, 0 for none. go-git's scp parser sets
// 22 when there is none, which must not override ~/.ssh/config's Port.
func (b *backend) urlPort() int {
	if b.kind == kindSCP && !scpPort.MatchString(b.url) {
		return 0
	}
	return b.ep.Port
}

// scpPort matches go-git's scp-style URL with a port, user@host:port:path
// (internal/url.scpLikeUrlRegExp, which we cannot import).
var scpPort = regexp.MustCompile(`^(?:[^@]+@)?[^:\s]+:[0-9]{1,5}:`)

// connectTimeout is the dial timeout for ssh: the sooner of the context's
// deadline and ConnectTimeout, else defaultConnectTimeout.
func connectTimeout(ctx context.Context, configured time.Duration) time.Duration {
	t := configured
	if deadline, ok := ctx.Deadline(); ok {
		if left := time.Until(deadline); t == 0 || left < t {
			t = max(left, time.Millisecond)
		}
	}
	if t == 0 {
		t = defaultConnectTimeout
	}
	return t
}

// agentSigners returns the keys of the ssh-agent at sock, and the
// connection to close once the push is over.
func agentSigners(sock string) ([]ssh.Signer, io.Closer, error) {
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return nil, nil, fmt.Errorf("ssh-agent: %v", err)
	}
	signers, err := agent.NewClient(conn).Signers()
	if err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("ssh-agent: %v", err)
	}
	return signers, conn, nil
}

// loadKeys reads the identity files that exist. An encrypted key is
// skipped, as it would need a passphrase prompt: it is named in the notes,
// so that an auth failure can tell the user to add it to ssh-agent.
func loadKeys(files []string) ([]ssh.Signer, []string) {
	var signers []ssh.Signer
	var notes []string
	for _, f := range files {
		pem, err := os.ReadFile(f)
		if err != nil {
			continue // ssh, too, skips identity files that do not exist
		}
		s, err := ssh.ParsePrivateKey(pem)
		var missing *ssh.PassphraseMissingError
		switch {
		case errors.As(err, &missing):
			notes = append(notes, "skipped "+f+": it is encrypted; add it to ssh-agent (ssh-add "+f+")")
		case err != nil:
			notes = append(notes, "skipped "+f+": "+err.Error())
		default:
			signers = append(signers, s)
		}
	}
	return signers, notes
}
