package kit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vcsync/vcsync/internal/run"
)

// CheckURL refuses a remote's URL that a program would misread: none, one
// read as an option, a scheme not in schemes (a path, with no scheme, is
// allowed), a host read as an option, or a password, which would sit in
// argv where every user of the machine can read it (DESIGN.md: secrets
// never in argv). passwordHint says where the password goes instead.
func CheckURL(u string, schemes []string, passwordHint string) error {
	if err := RequireURL(u); err != nil {
		return err
	}
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return nil // a path
	}
	if !slices.Contains(schemes, scheme) {
		return fmt.Errorf("url %q: unsupported scheme %q (known: %s, or a path)", run.RedactURL(u), scheme, strings.Join(schemes, ", "))
	}
	if strings.HasPrefix(rest, "-") {
		return fmt.Errorf("url %q: the host begins with '-': refused", run.RedactURL(u))
	}
	if run.RedactURL(u) != u {
		return fmt.Errorf("url %q holds a password: %s", run.RedactURL(u), passwordHint)
	}
	return nil
}

// RequireURL refuses a remote's URL that is missing or would be read as an
// option (RefuseOption).
func RequireURL(u string) error {
	if u == "" {
		return errors.New("no url")
	}
	return RefuseOption("url", u)
}

// Target returns the URL to hand to the program: a relative path is
// relative to root, the top of the working tree, as for the git backend.
// A URL, an absolute path, or a name that begins with one of prefixes
// (Breezy's lp:) stays as it is.
func Target(u, root string, prefixes ...string) string {
	if isURL(u, prefixes) || filepath.IsAbs(u) {
		return u
	}
	return filepath.Join(root, u)
}

// isURL reports whether u is a URL rather than a path.
func isURL(u string, prefixes []string) bool {
	return strings.Contains(u, "://") || slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(u, p) })
}

// LocalRepo checks, for a URL that is a local path, that a repository is
// there: a directory holding marker (".bzr", ".hg"). A path that does not
// exist passes (an unmounted disk is like a server that is down: it fails
// the push, not the commit), as does a URL. It returns the path it found
// wanting, or "".
func LocalRepo(u, marker string, prefixes ...string) string {
	if isURL(u, prefixes) {
		return ""
	}
	dir, _ := filepath.Abs(u) // Check has no Local: relative to the current directory
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if _, err := os.Stat(filepath.Join(dir, marker)); err != nil {
		return dir
	}
	return ""
}
