package svnconv

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// Ident is a git identity.
type Ident struct{ Name, Email string }

// Authors maps svn user names to git identities: git-svn's --authors-file,
// read by ParseAuthors.
type Authors map[string]Ident

// authorLine is git-svn's format: "user = Name <email>".
var authorLine = regexp.MustCompile(`^(.+?)\s*=\s*(.+?)\s*<(.*)>\s*$`)

// ParseAuthors reads an authors file: one "user = Name <email>" a line, as
// git svn's --authors-file; blank lines and lines starting with "#" are
// skipped. A line of any other form is an error naming file and line.
func ParseAuthors(file string, b []byte) (Authors, error) {
	a := Authors{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := authorLine.FindStringSubmatch(line)
		if m == nil || strings.ContainsAny(m[2]+m[3], "<>\n") {
			return nil, fmt.Errorf("%s:%d: expected \"user = Name <email>\" (git svn's authors file), got %q", file, n, line)
		}
		a[m[1]] = Ident{Name: m[2], Email: m[3]}
	}
	return a, sc.Err()
}

// Ident is the git identity of the svn user: the file's mapping, else
// "user <user@UUID>", as git-svn writes it ("(no author)" for a revision
// without svn:author).
func (a Authors) Ident(user, uuid string) Ident {
	if user == "" {
		user = "(no author)"
	}
	if id, ok := a[user]; ok {
		return id
	}
	// A name git would refuse or misread: not from a stranger's svn:author.
	clean := strings.Map(func(r rune) rune {
		if r == '<' || r == '>' || r == '\n' {
			return '?'
		}
		return r
	}, user)
	return Ident{Name: clean, Email: clean + "@" + uuid}
}
