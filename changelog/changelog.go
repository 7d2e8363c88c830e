// Package changelog turns the lines a working tree adds to one or more
// ChangeLog files into a commit message, an author and the list of files the
// new entries name.
//
// It is pure: it sees only the old and new text of each file and their paths.
// It must not import anything but the standard library and go-diff, so that it
// can be tested and fuzzed on its own and reused by every command (message,
// commit, the pre-push check).
//
// Three formats are understood, detected by name and content: GNU ChangeLog
// (ChangeLog*), Debian (debian/changelog) and Keep a Changelog (CHANGELOG.md).
package changelog

import (
	"fmt"
	"strings"
)

// Input is one ChangeLog as it is in the commit it is compared with (Old) and
// in the working tree (New). Path is slash-separated and relative to the
// repository root: file names in a GNU entry are relative to its directory.
type Input struct {
	Path string
	Old  []byte
	New  []byte
}

// Author is a person named by an entry header.
type Author struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// String formats the author as git does: "Name <email>".
func (a Author) String() string {
	if a.Email == "" {
		return a.Name
	}
	return a.Name + " <" + a.Email + ">"
}

// IsZero reports whether the author is unknown (formats without authors, or
// GNU lines added above every header).
func (a Author) IsZero() bool { return a.Name == "" && a.Email == "" }

// Entry is what one ChangeLog contributes: the authors of the added lines, the
// lines themselves with the ChangeLog's indentation removed, and the files
// they name. Debian and Keep a Changelog entries name no files.
type Entry struct {
	Path    string   // the ChangeLog
	Format  Format   // how it was read
	Authors []Author // first is the author; the rest co-authors
	Date    string   // the date of the first header, as written
	Lines   []string // message lines; no leading or trailing blank line
	Files   []string // repository-relative, cleaned; may hold glob patterns
	// FileLines gives, for each of Files, the line (1-based, in the new
	// text) that names it, so that a complaint about a file can point there.
	FileLines map[string]int
	Subject   string // set when the format derives its own subject (Keep a Changelog)
	// Tiny: a header says "(tiny change)", GNU's mark of a contributor
	// without copyright papers, which the commit keeps as the trailer
	// "Copyright-paperwork-exempt: Yes".
	Tiny bool
}

// Warning is a problem the reader worked around. It names the ChangeLog and
// the line (1-based, in the new text) so that the user can fix it.
type Warning struct {
	Path string `json:"path"`
	Line int    `json:"line"`
	Text string `json:"text"`
}

// String formats the warning as "path:line: text", the form editors jump to.
func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", w.Path, w.Line, w.Text)
	}
	return w.Path + ": " + w.Text
}

// Error is input that cannot be read with confidence. Like Warning it names
// the ChangeLog, the line and what is expected there.
type Error struct {
	Path string
	Line int    // 0 when the problem is the whole file
	Text string // the offending line, if any
	Msg  string // what is wrong and what is expected
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Text != "" {
		fmt.Fprintf(&b, "\n\t%s", e.Text)
	}
	return b.String()
}
