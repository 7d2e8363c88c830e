package changelog

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrNoNewEntry means that no ChangeLog given to Derive adds any line.
var ErrNoNewEntry = errors.New("no new ChangeLog entry")

// Message is what a commit made from ChangeLog changes would hold.
type Message struct {
	Subject    string            // the first line of Text
	Text       string            // the whole commit message, ending in a newline
	Author     Author            // zero when no entry names one (the committer is used)
	CoAuthors  []Author          // the other authors, also as Co-authored-by trailers
	Files      []string          // named by the entries; may hold glob patterns
	FileSource map[string]string // for each of Files, where it is named: "lib/ChangeLog:12"
	ChangeLogs []string          // the ChangeLogs that add lines
	Entries    []Entry           // per ChangeLog
	Warnings   []Warning         // problems worked around
}

// Options tune Derive. The zero value is the default.
type Options struct {
	// NoCoAuthorTrailers leaves the Co-authored-by trailers out of the text;
	// the co-authors are still reported.
	NoCoAuthorTrailers bool
}

// Derive reads the added lines of each ChangeLog and builds one commit
// message. The subject is the first summary line found; with several
// ChangeLogs each one's lines form a section headed by its path. Inputs
// without added lines are skipped; when none adds anything, the error wraps
// ErrNoNewEntry.
func Derive(inputs []Input, opt Options) (*Message, error) {
	m := &Message{FileSource: map[string]string{}}
	for _, in := range inputs {
		e, warns, err := read(in)
		m.Warnings = append(m.Warnings, warns...)
		if err != nil {
			return m, err
		}
		if len(e.Lines) == 0 {
			continue
		}
		m.Entries = append(m.Entries, e)
		m.ChangeLogs = append(m.ChangeLogs, e.Path)
		for _, f := range e.Files {
			if _, dup := m.FileSource[f]; !dup {
				m.Files = append(m.Files, f)
				m.FileSource[f] = fmt.Sprintf("%s:%d", e.Path, e.FileLines[f])
			}
		}
		for _, a := range e.Authors {
			if m.Author.IsZero() {
				m.Author = a
			} else if a != m.Author {
				m.CoAuthors = addAuthor(m.CoAuthors, a)
			}
		}
	}
	if len(m.Entries) == 0 {
		var names []string
		for _, in := range inputs {
			names = append(names, in.Path)
		}
		return m, &noEntryError{names}
	}
	m.compose(opt)
	return m, nil
}

type noEntryError struct{ paths []string }

func (e *noEntryError) Error() string {
	return strings.Join(e.paths, ", ") + ": no new entry (the working tree adds no line to it)"
}

func (e *noEntryError) Unwrap() error { return ErrNoNewEntry }

// read dispatches one input to the reader of its format.
func read(in Input) (Entry, []Warning, error) {
	f, err := Detect(in.Path, in.New)
	if err != nil {
		return Entry{}, nil, err
	}
	old, err := decode(in.Path, in.Old)
	if err != nil {
		return Entry{}, nil, err
	}
	new, err := decode(in.Path, in.New)
	if err != nil {
		return Entry{}, nil, err
	}
	switch f {
	case Debian:
		return parseDebian(in, old, new)
	case KeepAChangelog:
		return parseKAC(in, old, new)
	}
	return parseGNU(in, old, new)
}

// compose builds the subject and text from the entries.
func (m *Message) compose(opt Options) {
	first := m.Entries[0]
	subject, from := "", -1
	for i, e := range m.Entries {
		if e.Subject != "" {
			subject, from = e.Subject, i
			break
		}
		if !isItem(e.Lines[0]) {
			subject, from = e.Lines[0], i
			break
		}
	}
	if from < 0 {
		subject, from = first.Lines[0], 0
		w := Warning{Path: first.Path, Text: "the entry has no summary line, so the subject is its first item; start the entry with a one-line summary"}
		if len(first.Files) > 0 {
			w.Line = first.FileLines[first.Files[0]] // the first item's line
		}
		m.Warnings = append(m.Warnings, w)
	}
	if e := m.Entries[from]; e.Subject == "" && len(e.Lines) > 1 && e.Lines[0] == subject && !isItem(subject) && wrapsSubject(subject, e.Lines[1]) {
		m.Warnings = append(m.Warnings, Warning{Path: e.Path,
			Text: fmt.Sprintf("the summary line %q seems to go on in the next line, %q; git shows only the first line as the subject: keep the summary on one line", subject, e.Lines[1])})
	}
	var b strings.Builder
	b.WriteString(subject)
	b.WriteString("\n")
	sections := len(m.Entries) > 1
	for i, e := range m.Entries {
		body := e.Lines
		if e.Subject == "" && len(body) > 0 && body[0] == subject && (i == from || sections) {
			body = body[1:]
		}
		body = trimBlank(body, same)
		if len(body) == 0 {
			continue
		}
		b.WriteString("\n")
		if sections {
			b.WriteString(e.Path + ":\n")
		}
		for _, l := range body {
			b.WriteString(l)
			b.WriteString("\n")
		}
	}
	var trailers []string
	if !opt.NoCoAuthorTrailers {
		for _, a := range m.CoAuthors {
			trailers = append(trailers, "Co-authored-by: "+a.String())
		}
	}
	if slices.ContainsFunc(m.Entries, func(e Entry) bool { return e.Tiny }) {
		trailers = append(trailers, "Copyright-paperwork-exempt: Yes")
	}
	if len(trailers) > 0 {
		b.WriteString("\n" + strings.Join(trailers, "\n") + "\n")
	}
	m.Subject = subject
	m.Text = b.String()
}

// isItem reports whether a message line is a "* file: text" item rather than
// a summary.
func isItem(l string) bool {
	return strings.HasPrefix(l, "* ") || strings.HasPrefix(l, "*\t")
}

// wrapsSubject reports whether next, the line after the summary line,
// looks like the summary's own continuation, wrapped by the editor, rather
// than the first line of a paragraph: the summary ends where no title ends
// (a comma, a semicolon, a hyphen, an opening bracket, a little word such
// as "and"), or it is long and next goes on in lower case. A summary
// followed by its explanation, the usual gnulib form, does neither.
func wrapsSubject(subject, next string) bool {
	next = strings.TrimSpace(next)
	if next == "" || isItem(next) || strings.Contains(next, "://") {
		return false
	}
	s := strings.TrimSpace(subject)
	if strings.HasSuffix(s, ",") || strings.HasSuffix(s, ";") || strings.HasSuffix(s, "-") || strings.HasSuffix(s, "(") {
		return true
	}
	words := strings.Fields(s)
	if len(words) > 0 {
		switch strings.ToLower(words[len(words)-1]) {
		case "a", "an", "and", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with":
			return true
		}
	}
	r := []rune(next)
	return len([]rune(s)) >= 60 && r[0] >= 'a' && r[0] <= 'z'
}
