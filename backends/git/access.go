package git

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// access is how one push reaches its remote: the URL go-git dials, the
// credentials, and what to do with them once the push has ended. It belongs
// to one push and is never shared.
type access struct {
	url      string
	auth     transport.AuthMethod
	caBundle []byte
	secrets  []string    // redacted from every error
	cred     *credential // from `git credential fill`: approved or rejected after the push
	runner   credRunner
	ssh      *sshAuth // for the host key and key diagnostics of an ssh failure
	hint     string   // why an auth failure may have happened, for the error
	closer   io.Closer
	local    bool           // a path: go-git's file transport runs git-receive-pack on it
	said     remoteMessages // the server's side-band messages (sideband.go)
}

// access prepares the transport of one push.
func (b *backend) access(ctx context.Context, l backends.Local, repo *gogit.Repository) (*access, error) {
	switch b.kind {
	case kindPath, kindFile:
		// A plain absolute path, even for file://: go-git's file
		// transport runs git-receive-pack on it, and a relative path must
		// be relative to the working tree's top, as git resolves it.
		dir, err := b.localPath(l.Root)
		if err != nil {
			return nil, err
		}
		return &access{url: dir, local: true}, nil
	case kindSSH, kindSCP:
		return b.sshAccess(ctx)
	case kindHTTPS:
		return b.httpsAccess(ctx, l, repo)
	}
	return &access{url: b.url}, nil // git://: no authentication
}

// close releases what the access holds (the ssh-agent connection).
func (a *access) close() {
	if a.closer != nil {
		a.closer.Close()
	}
}

// succeeded tells git's credential helpers that the credentials worked, as
// git does after a successful push, so that a helper may store them.
func (a *access) succeeded(ctx context.Context) {
	if a.cred != nil {
		a.runner.tell(ctx, "approve", a.cred)
	}
}

// failed classifies err, tells the credential helpers about credentials
// that were refused (git rejects them, so that a stale stored password is
// forgotten), and returns the error that names the remote.
func (a *access) failed(ctx context.Context, b *backend, err error) error {
	var be *backends.Error
	if errors.As(err, &be) {
		return be // already classified and worded by us
	}
	if a.ssh != nil {
		if hostErr := a.ssh.hostKeyError(); hostErr != nil {
			return b.errorf(backends.Auth, "%s", hostErr)
		}
	}
	c := classify(err)
	// Only a 401, as git's http.c: a 403 says these credentials are
	// valid but not allowed this push, which forgetting would not fix.
	if a.cred != nil && errors.Is(err, transport.ErrAuthenticationRequired) {
		a.runner.tell(ctx, "reject", a.cred)
	}
	// go-git's "authentication required: " has nothing after the colon
	// when the server says nothing.
	// when the server says nothing, and says it twice when it says that.
	msg := strings.TrimSuffix(strings.TrimSpace(redact(err.Error(), a.secrets...)), ":")
	if first, rest, ok := strings.Cut(msg, ": "); ok && first == rest {
		msg = first
	}
	if c == backends.Auth && a.hint != "" {
		msg += " (" + a.hint + ")"
	}
	if _, serr := os.Stat(a.url); a.local && errors.Is(serr, os.ErrNotExist) {
		msg += " (" + a.url + " does not exist: create it with git init --bare " + a.url + ", or fix the remote's url)"
	}
	msg = "remote " + b.remote.Name + ": push to " + run.RedactURL(b.remote.URL) + ": " + msg
	return &backends.Error{Class: c, Err: &pushError{msg: msg, err: err}}
}

// pushError carries a redacted message while keeping the cause reachable
// for errors.Is (context.DeadlineExceeded, transport.ErrAuthenticationRequired).
type pushError struct {
	msg string
	err error
}

func (e *pushError) Error() string { return e.msg }
func (e *pushError) Unwrap() error { return e.err }
