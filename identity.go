package vcsync

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vcsync/vcsync/changelog"
	"github.com/vcsync/vcsync/internal/repo"
)

var identRe = regexp.MustCompile(`^\s*([^<>]*?)\s*<([^<>\s]+)>\s*$`)

// ParseIdent reads "Name <email>", the form of git's --author.
func ParseIdent(s string) (changelog.Author, error) {
	m := identRe.FindStringSubmatch(s)
	if m == nil || m[1] == "" {
		return changelog.Author{}, fmt.Errorf("--author %q: expected \"Name <email>\"", s)
	}
	return changelog.Author{Name: m[1], Email: m[2]}, nil
}

// commitAuthor is the entry's author, or --author when the entry names none
// or names the same person (same email): --author may fix the spelling of a
// name, never change who wrote the change.
func commitAuthor(r *repo.Repo, m *changelog.Message, flag string) (changelog.Author, error) {
	a := m.Author
	if flag != "" {
		f, err := ParseIdent(flag)
		if err != nil {
			return a, err
		}
		if fromEntry(m) && !strings.EqualFold(f.Email, a.Email) {
			return a, fmt.Errorf("the entry's author is %s, but --author says %s; fix the entry header, or drop --author", a, f)
		}
		a = f
	}
	if a.Name == "" || a.Email == "" {
		return a, fmt.Errorf("no author: the entry names none and git has no identity; %s", identityHint)
	}
	return a, nil
}

// fromEntry reports whether the author comes from an entry header rather
// than from git.
func fromEntry(m *changelog.Message) bool {
	for _, e := range m.Entries {
		if len(e.Authors) > 0 {
			return true
		}
	}
	return false
}

const identityHint = `set it with git config user.name "Your Name" and git config user.email you@example.org`

// committer is who git would record as committer: GIT_COMMITTER_NAME and
// GIT_COMMITTER_EMAIL, else committer.* or user.* from the configuration
// (repository, then global).
func committer(r *repo.Repo) (changelog.Author, error) {
	c := gitIdent(r, true)
	if c.Name == "" || c.Email == "" {
		return changelog.Author{}, fmt.Errorf("no committer identity; %s", identityHint)
	}
	return c, nil
}

// envDate reads a date from the environment as git does (GIT_AUTHOR_DATE,
// GIT_COMMITTER_DATE), in the forms scripts use: ISO 8601, RFC 2822, and
// git's internal "UNIX-SECONDS +ZONE". Unset means now.
func envDate(name string, now time.Time) (time.Time, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return now, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05", time.RFC1123Z, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon Jan 2 15:04:05 2006 -0700"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	secs, zone, _ := strings.Cut(strings.TrimPrefix(v, "@"), " ")
	if n, err := strconv.ParseInt(secs, 10, 64); err == nil {
		t := time.Unix(n, 0)
		if z, err := time.Parse("-0700", zone); err == nil {
			t = t.In(z.Location())
		}
		return t, nil
	}
	return now, fmt.Errorf("%s=%q: not a date git reads; use ISO 8601 (2026-11-25T12:00:00+01:00)", name, v)
}
