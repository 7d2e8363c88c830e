package changelog

import (
	"path"
	"regexp"
	"strings"
)

// Format is a ChangeLog dialect.
type Format int

// The formats, in the order detection tries them.
const (
	Unknown        Format = iota
	GNU                   // GNU ChangeLog: "2026-11-25  Name  <email>" headers, TAB-indented items
	Debian                // debian/changelog: version blocks closed by " -- Name <email>  date"
	KeepAChangelog        // CHANGELOG.md in Keep a Changelog form: "## [Unreleased]", "### Added"
)

func (f Format) String() string {
	switch f {
	case GNU:
		return "GNU ChangeLog"
	case Debian:
		return "Debian changelog"
	case KeepAChangelog:
		return "Keep a Changelog"
	}
	return "unknown"
}

// IsChangeLogName reports whether a repository path has the name of a
// ChangeLog in one of the formats: what vcsync looks for when no ChangeLog is
// named on the command line.
func IsChangeLogName(p string) bool {
	return nameFormat(p) != Unknown
}

func nameFormat(p string) Format {
	base := path.Base(p)
	switch {
	case strings.HasPrefix(base, "ChangeLog"):
		return GNU
	case base == "changelog" && path.Base(path.Dir(p)) == "debian":
		return Debian
	case strings.EqualFold(base, "CHANGELOG.md"):
		return KeepAChangelog
	}
	return Unknown
}

var (
	debianHeadRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.+-]* \([^ ()]+\) [^;]*;`)
	kacHeadRe    = regexp.MustCompile(`^## \[`)
)

// Detect tells the format of a file from its name, and from its content when
// the name says nothing (a ChangeLog named on the command line may have any
// name). A file in none of the formats is an error that says which are read.
func Detect(p string, content []byte) (Format, error) {
	if f := nameFormat(p); f != Unknown {
		return f, nil
	}
	t, err := decode(p, content)
	if err != nil {
		return Unknown, err
	}
	for i, l := range t {
		if i == 200 {
			break
		}
		switch {
		case isHeaderish(l):
			return GNU, nil
		case debianHeadRe.MatchString(l):
			return Debian, nil
		case kacHeadRe.MatchString(l):
			return KeepAChangelog, nil
		}
	}
	return Unknown, &Error{Path: p, Msg: "is not a ChangeLog: neither its name nor its content is that of a GNU ChangeLog (ChangeLog*), a debian/changelog or a Keep a Changelog CHANGELOG.md"}
}
