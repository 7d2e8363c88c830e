package git

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
)

// classify tells the engine what to do about a go-git error. go-git wraps
// few of its errors (ssh's, the server's report status), so after the
// sentinels and types come the messages, in English: LC_ALL=C is not needed,
// as these are go-git's and x/crypto's own strings.
func classify(err error) backends.Class {
	switch {
	case errors.Is(err, context.Canceled):
		return backends.Fatal // the user interrupted: never retried
	case errors.Is(err, context.DeadlineExceeded):
		return backends.Transient
	case errors.Is(err, transport.ErrAuthenticationRequired),
		errors.Is(err, transport.ErrAuthorizationFailed),
		errors.Is(err, transport.ErrInvalidAuthMethod):
		return backends.Auth
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return backends.Fatal
	}
	var keyErr *knownhosts.KeyError
	var revoked *knownhosts.RevokedError
	if errors.As(err, &keyErr) || errors.As(err, &revoked) {
		return backends.Auth
	}
	if c, ok := classifyHTTP(err); ok {
		return c
	}
	if isNetwork(err) {
		return backends.Transient
	}
	return classifyMessage(err.Error())
}

// classifyHTTP classifies an unexpected HTTP status: go-git turns 401, 403
// and 404 into transport's sentinels, and anything else into a *githttp.Err.
func classifyHTTP(err error) (backends.Class, bool) {
	var he *githttp.Err
	if !errors.As(err, &he) {
		return 0, false
	}
	switch code := he.StatusCode(); {
	case code == 401 || code == 403:
		return backends.Auth, true
	case code == 408 || code == 429 || code >= 500:
		return backends.Transient, true
	}
	return backends.Fatal, true
}

// isNetwork reports errors of the network rather than of the remote: a
// refused or reset connection, DNS, a timeout, a stream cut short.
func isNetwork(err error) bool {
	var dnsErr *net.DNSError
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case errors.As(err, &dnsErr), errors.As(err, &opErr):
		return true
	case errors.As(err, &netErr) && netErr.Timeout():
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	}
	for _, errno := range []syscall.Errno{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED,
		syscall.EPIPE, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.ETIMEDOUT} {
		if errors.Is(err, errno) {
			return true
		}
	}
	return false
}

// messages maps what go-git, x/crypto/ssh and git's receive-pack say (go-git
// returns most of them as plain strings) to a class. The first match wins.
var messages = []kit.Rule{
	// go-git's own fast-forward check, and the server's report status
	// ("command error on refs/heads/main: non-fast-forward").
	{Text: "non-fast-forward", Class: backends.Rejected},
	{Text: "fetch first", Class: backends.Rejected},
	// x/crypto/ssh: no key was accepted.
	{Text: "unable to authenticate", Class: backends.Auth},
	{Text: "no supported methods remain", Class: backends.Auth},
	// receive-pack lost a race for the ref's lock, or the ref moved
	// between our list and our push: a retry lists again and decides.
	{Text: "cannot lock ref", Class: backends.Transient},
	{Text: "failed to lock", Class: backends.Transient},
	{Text: "failed to update ref", Class: backends.Transient},
	// go-git's internal/common: the server's stderr did not come in time.
	{Text: "timeout exceeded", Class: backends.Transient},
	{Text: "connection reset", Class: backends.Transient},
	{Text: "broken pipe", Class: backends.Transient},
	{Text: "i/o timeout", Class: backends.Transient},
}

// classifyMessage classifies err by its text; Fatal when nothing matches,
// so that an error we do not know is never retried.
func classifyMessage(msg string) backends.Class {
	if c, ok := kit.Match(msg, messages); ok {
		return c
	}
	return backends.Fatal
}

// redact removes secrets and URL passwords from a message.
func redact(msg string, secrets ...string) string {
	return run.Redact(msg, secrets...)
}
