// Package git is the git backend: it pushes a local commit to a git remote
// with go-git, over a local path, file://, git://, ssh:// or scp-style
// (host:path), and http(s)://.
//
// It authenticates the way a git user expects: ssh through ssh-agent and the
// keys, users, ports and host names of ~/.ssh/config, with strict
// known_hosts; https through an environment token or git's own credential
// helpers. Nothing it does may prompt: pushes run in parallel, and a prompt
// would block one of them forever.
//
// go-git objects are never shared between pushes: each Push opens its own
// repository. The package must not import the core (package vcsync) nor
// internal/cli; the one program it runs, `git credential`, runs through
// internal/run.
package git

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
)

// The ways a remote URL can be spelt, as git reads them.
const (
	kindPath  = "path"  // /srv/git/proj.git, ../mirror
	kindFile  = "file"  // file:///srv/git/proj.git
	kindGit   = "git"   // git://host/proj.git
	kindSSH   = "ssh"   // ssh://user@host:port/path
	kindSCP   = "scp"   // user@host:path, or an ~/.ssh/config alias: alias:path
	kindHTTPS = "https" // https:// and http://
)

type backend struct {
	remote backends.Remote
	kind   string
	ep     *transport.Endpoint // as go-git parses the URL
	url    string              // the URL with a git+ssh:// scheme normalised
}

// New returns the git backend for r. It parses and checks r.URL without
// contacting the remote.
func New(r backends.Remote) (backends.Backend, error) {
	b := &backend{remote: r}
	return kit.Valid(b, b.parse())
}

// parse classifies and validates b.remote.URL.
func (b *backend) parse() error {
	raw := b.remote.URL
	// CVE-2017-1000117: a URL or host that begins with "-" becomes an
	// option of the program that git runs (ssh -oProxyCommand=...). go-git
	// does not run ssh, but such a URL is an attack, never a typo: refuse
	// it as git does, whatever transport later reads it.
	if err := kit.RequireURL(raw); err != nil {
		return b.errorf(backends.Fatal, "%v", err)
	}
	b.url = raw
	for _, alias := range []string{"git+ssh://", "ssh+git://"} {
		if strings.HasPrefix(raw, alias) { // spellings git accepts and go-git does not
			b.url = "ssh://" + strings.TrimPrefix(raw, alias)
		}
	}
	ep, err := transport.NewEndpoint(b.url)
	if err != nil {
		return b.errorf(backends.Fatal, "url %q: %v", run.RedactURL(raw), redactErr(err, ep))
	}
	b.ep = ep
	b.kind = kindOf(b.url, ep)
	if b.kind == "" {
		return b.errorf(backends.Fatal, "url %q: unsupported scheme %q (known: file, git, ssh, http, https, or a path)", run.RedactURL(raw), ep.Protocol)
	}
	for _, part := range []string{ep.Host, ep.User, ep.Path} {
		if strings.HasPrefix(part, "-") {
			return b.errorf(backends.Fatal, "url %q: %q begins with '-': refused", run.RedactURL(raw), part)
		}
	}
	if ep.Host == "" && b.kind != kindPath && b.kind != kindFile {
		return b.errorf(backends.Fatal, "url %q: no host", run.RedactURL(raw))
	}
	return nil
}

// kindOf tells how url is spelt; "" for a scheme go-git cannot push to.
func kindOf(url string, ep *transport.Endpoint) string {
	switch ep.Protocol {
	case "file":
		if strings.HasPrefix(url, "file://") {
			return kindFile
		}
		return kindPath
	case "ssh":
		if strings.HasPrefix(url, "ssh://") {
			return kindSSH
		}
		return kindSCP
	case "git":
		return kindGit
	case "http", "https":
		return kindHTTPS
	}
	return ""
}

// redactErr keeps a parse error from repeating a password of the URL.
func redactErr(err error, ep *transport.Endpoint) string {
	if ep == nil {
		return run.Redact(err.Error())
	}
	return run.Redact(err.Error(), ep.Password)
}

// Capabilities: a git push keeps the commit as it is, and git's
// receive-pack updates a ref all or nothing (atomically across refs when
// the server supports it, which go-git asks for).
func (b *backend) Capabilities() backends.Capabilities {
	return backends.Capabilities{KeepsAuthor: true, KeepsDate: true, Atomic: true}
}

// Check re-validates the URL and, for a local remote, that it is a git
// repository (a relative path is taken from the top of l's working tree, as
// Push takes it). It never touches the network.
func (b *backend) Check(ctx context.Context, l backends.Local) error {
	// Parse into a copy: Check may run while the engine pushes with b.
	c := &backend{remote: b.remote}
	if err := c.parse(); err != nil {
		return err
	}
	if c.kind != kindPath && c.kind != kindFile {
		return nil
	}
	dir, err := c.localPath(l.Root)
	if err != nil {
		return err
	}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		// Like an unreachable server (an unmounted disk): not a setup
		// error, so the commit is still made; the push reports it.
		return nil
	} else if err != nil {
		return c.errorf(backends.Fatal, "%v", err)
	}
	if _, err := gogit.PlainOpen(dir); err != nil {
		return c.errorf(backends.Fatal, "%s: not a git repository: %v", dir, err)
	}
	return nil
}

// localPath returns the remote's directory for a path or file:// URL. A
// relative path is relative to root, the top of the working tree, as git
// resolves it (git changes to the top before pushing); with root "" (Check,
// which has no Local) it is relative to the current directory.
func (b *backend) localPath(root string) (string, error) {
	p := b.ep.Path
	if b.kind == kindPath {
		p = b.url // go-git made it absolute against the current directory
		if !filepath.IsAbs(p) && root != "" {
			p = filepath.Join(root, p)
		}
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", b.errorf(backends.Fatal, "%v", err)
	}
	return abs, nil
}

// errorf returns a classified error that names the remote.
func (b *backend) errorf(c backends.Class, format string, args ...any) error {
	return kit.Errorf(b.remote.Name, c, format, args...)
}
