package run

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
)

// mask replaces every secret and every URL password, so that a redacted text
// still shows where the secret was.
const mask = "***"

// urlAuthority matches a URL's scheme and authority (scheme://user:pass@host:port)
// anywhere in a text. It stops at the path so that a URL nested in another's
// query (https://h/x?next=svn://u:p@h2) is matched on its own.
var urlAuthority = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#'"<>]*`)

// querySecret matches the value of a URL query parameter that carries a
// credential: GitLab's ?private_token=, OAuth's ?access_token=, and their
// like (https://gitlab.example/p.git?private_token=glpat-x).
var querySecret = regexp.MustCompile(`(?i)([?&;](?:access_token|private_token|oauth_token|id_token|token|password|passwd|api_key|apikey)=)[^&;\s#'"<>]+`)

// Redact returns s with every secret replaced by "***" and the password of
// every scheme://user:pass@host URL in it masked, so that command lines, stderr
// and errors can be shown and logged without leaking credentials: svn, git and
// hg all echo the URL they were given, password included, in their messages.
func Redact(s string, secrets ...string) string {
	// Longest first: with secrets "abc" and "abcdef", replacing "abc" first
	// would leave "***def", leaking the rest of the longer one.
	sorted := slices.Clone(secrets)
	slices.SortFunc(sorted, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, secret := range sorted {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, mask)
		}
	}
	if strings.Contains(s, "=") {
		s = querySecret.ReplaceAllString(s, "${1}"+mask)
	}
	if !strings.Contains(s, "://") {
		return s
	}
	return urlAuthority.ReplaceAllStringFunc(s, RedactURL)
}

// RedactURL returns the URL u with its password, if any, replaced by "***"
// (https://user:pass@host/x -> https://user:***@host/x), and so the value
// of a query parameter that carries a token (?private_token=***), for the one place
// that shows a remote's URL, such as `push --json`. The user name stays, as it
// helps the reader, unless it is itself a token (https://ghp_x@github.com). Anything without scheme://user:pass@,
// such as scp-like git@host:path, is returned unchanged.
func RedactURL(u string) string {
	if strings.Contains(u, "=") {
		u = querySecret.ReplaceAllString(u, "${1}"+mask)
	}
	i := strings.Index(u, "://")
	if i < 0 {
		return u
	}
	start := i + len("://")
	authority := u[start:]
	if end := strings.IndexAny(authority, "/?#"); end >= 0 {
		authority = authority[:end]
	}
	// The last '@' ends the user info, as in net/url: a password may hold
	// an unescaped '@', a host may not.
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return u
	}
	colon := strings.Index(authority[:at], ":")
	if colon < 0 || colon == at-1 {
		user := authority[:at]
		if colon >= 0 {
			user = authority[:colon]
		}
		if looksLikeToken(user) {
			// https://ghp_TOKEN@github.com/...: the user name is the secret.
			return u[:start] + mask + u[start+at:]
		}
		return u // a plain login (git@, jane@): nothing to hide
	}
	return u[:start+colon+1] + mask + u[start+at:]
}

// looksLikeToken reports whether a URL's user name is an access token
// rather than a login: long, or with a token prefix (GitHub's ghp_, gho_,
// GitLab's glpat-, ...).
func looksLikeToken(user string) bool {
	if len(user) >= 24 {
		return true
	}
	for _, p := range []string{"ghp_", "gho_", "ghu_", "ghs_", "github_pat_", "glpat-", "x-access-token", "oauth2"} {
		if strings.HasPrefix(user, p) {
			return true
		}
	}
	return false
}
