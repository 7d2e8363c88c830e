package svn

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
)

// svnCode matches the error codes svn prints, one per line of its error
// chain: "svn: E170013: Unable to connect to a repository at URL ...".
var svnCode = regexp.MustCompile(`\bE\d{6}\b`)

// codes classifies svn's error codes (subversion/include/svn_error_codes.h;
// E0000NN are errno values). svn prints a chain, outermost first, and the
// outer code is often generic: E170013 "Unable to connect" wraps a refused
// connection, a refused password and a missing repository alike. So the
// classes are tried in this order, and a chain is of the first class any of
// its codes has.
var codes = []struct {
	class backends.Class
	codes []string
}{
	{backends.Auth, []string{
		"E215004", // no more credentials: none given, or all refused
		"E170001", // authentication or authorization failed (svnserve, DAV)
		"E175013", // HTTP 403 forbidden
		"E220001", // item is not readable (authz)
		"E220004", // access denied (authz)
		"E230001", // server certificate verification failed
	}},
	{backends.Rejected, []string{
		"E155011", // out of date
		"E160024", // transaction out of date, or a conflict in the commit
		"E160028", // "File '/trunk/f' is out of date": changed after our baseline
		"E170004", // item is out of date
		"E160020", // already exists: someone added the same path meanwhile
	}},
	{backends.Fatal, []string{
		"E180001", // unable to open the repository: not there
		"E210005", // svnserve: no repository found at that path
		"E160013", // path not found
		"E170000", // illegal repository URL, or it does not exist
		"E165001", // a hook (pre-commit, start-commit) refused the commit
		"E000013", // permission denied, on a file:// repository
	}},
	{backends.Transient, []string{
		"E170013", // unable to connect, for a cause not listed above
		"E000111", // connection refused
		"E000110", // connection timed out
		"E000104", // connection reset
		"E000113", // no route to host
		"E000101", // network unreachable
		"E000032", // broken pipe
		"E210002", // network connection closed unexpectedly
		"E670002", // DNS: unknown host
		"E670008", // DNS: temporary failure
		"E175012", // HTTP connection timed out
		"E120108", // the server closed the connection (serf)
	}},
}

// messages classifies what the programs svn runs print without a code of
// its own: ssh, for svn+ssh://.
var messages = []kit.Rule{
	{Text: "Permission denied (", Class: backends.Auth}, // ssh: "Permission denied (publickey)."
	{Text: "Host key verification failed", Class: backends.Auth},
	{Text: "Could not resolve hostname", Class: backends.Transient},
}

// classify tells the engine what to do about a failed svn or svnmucc run:
// Fatal when nothing is recognised, so that an error we do not know is never
// retried.
func classify(ctx context.Context, err error) backends.Class {
	switch {
	case errors.Is(err, context.Canceled):
		return backends.Fatal // the user interrupted: never retried
	case errors.Is(err, context.DeadlineExceeded), errors.Is(ctx.Err(), context.DeadlineExceeded):
		return backends.Transient
	}
	var re *run.RunError
	if !errors.As(err, &re) {
		return backends.Fatal
	}
	return classifyStderr(re.Stderr)
}

// classifyStderr classifies svn's error output.
func classifyStderr(stderr string) backends.Class {
	if c, ok := kit.Match(stderr, messages); ok {
		return c
	}
	found := map[string]bool{}
	for _, c := range svnCode.FindAllString(stderr, -1) {
		found[c] = true
	}
	for _, group := range codes {
		for _, c := range group.codes {
			if found[c] {
				return group.class
			}
		}
	}
	if strings.Contains(stderr, "out of date") {
		return backends.Rejected
	}
	return backends.Fatal
}
