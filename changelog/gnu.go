package changelog

import (
	"fmt"
	"regexp"
	"strings"
)

// GNU entry headers. The standard form has two spaces on each side of the
// name; real ChangeLogs often have one, which is read with a warning (GNU
// vc-dwim refuses such headers outright, and projects trip over that).
var (
	isoHeaderRe = regexp.MustCompile(`^(\d{4}-\d\d-\d\d)([ \t]+)(\S(?:.*?\S)?)([ \t]+)<([^<>\s]+)>(\s+\(tiny change\))?\s*$`)
	// "(tiny change)" after the address marks a contributor without
	// copyright papers; it is part of the header, not of the name.
	// Pre-1990s style: "Sat Jul  7 10:30:00 1990  Name  <email>".
	oldHeaderRe = regexp.MustCompile(`^((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 0-9]?\d(?: \d\d:\d\d(?::\d\d)?)?(?: [A-Z]{3,4})? \d{4})([ \t]+)(\S(?:.*?\S)?)([ \t]+)[<(]([^<>()\s]+)[>)]\s*$`)
	headerishRe = regexp.MustCompile(`^(?:\d{4}-\d\d-\d\d|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) )`)
	// Not indented and ending in an address: meant as a header, whatever
	// its date looks like ("Nov 25 2026  Jane Doe  <jane@example.org>").
	addressEndRe = regexp.MustCompile(`^\S.*\s<[^<>\s]+@[^<>\s]+>(?:\s+\(tiny change\))?\s*$`)
	isoDateRe    = regexp.MustCompile(`^\d{4}-\d\d-\d\d\s`)
	bareEmailRe  = regexp.MustCompile(`\s([^<>\s]+@[^<>\s]+)\s*$`)
	// A co-author directly under a header: "\t    Name  <email>" (the GNU
	// standard) or "\tand Name  <email>".
	coAuthorRe = regexp.MustCompile(`^\s+(?:and\s+(\S(?:.*?\S)?)\s+|(\S(?:.*?\S)?)\s{2,})<([^<>\s]+)>\s*$`)
)

// header is a parsed entry header line.
type header struct {
	date   string
	author Author
	sloppy bool // not the standard two spaces on each side of the name
	tiny   bool // "(tiny change)": a contributor without copyright papers
}

func parseHeader(l string) (header, bool) {
	m := isoHeaderRe.FindStringSubmatch(l)
	if m == nil {
		m = oldHeaderRe.FindStringSubmatch(l)
	}
	if m == nil {
		return header{}, false
	}
	return header{
		date:   m[1],
		author: Author{Name: m[3], Email: m[5]},
		sloppy: m[2] != "  " || m[4] != "  ",
		tiny:   len(m) > 6 && m[6] != "",
	}, true
}

// isHeaderish reports whether a line is meant as an entry header, whether
// or not it can be read: it starts like one, or it is not indented and ends
// in an address.
func isHeaderish(l string) bool { return headerishRe.MatchString(l) || addressEndRe.MatchString(l) }

// headerProblem says what is wrong with a header-ish line that cannot be
// read, as precisely as it can.
func headerProblem(l string) string {
	const want = `expected "YYYY-MM-DD  Name  <email>"`
	switch {
	case headerishRe.MatchString(l) && !strings.Contains(l, "<") && bareEmailRe.MatchString(l):
		return "cannot read this entry header: the address needs angle brackets, <" + bareEmailRe.FindStringSubmatch(l)[1] + ">; " + want
	case !headerishRe.MatchString(l) && !isoDateRe.MatchString(l):
		return "cannot read this entry header: the date must be YYYY-MM-DD; " + want
	}
	return "cannot read this entry header; " + want + ", with two spaces on each side of the name"
}

// line is a message line with its 1-based line number in the new text.
type line struct {
	text string
	n    int
}

// group is the text added under one header.
type group struct {
	authors []Author
	date    string
	tiny    bool
	lines   []line
}

// gnuReader reads the added lines of one GNU ChangeLog.
type gnuReader struct {
	path  string
	new   text
	added []bool
	warns []Warning
}

func (r *gnuReader) warn(n int, format string, args ...any) {
	r.warns = append(r.warns, Warning{Path: r.path, Line: n, Text: fmt.Sprintf(format, args...)})
}

// parseGNU reads a GNU ChangeLog change: every block of added lines, each
// attributed to the header it sits under (its own, or the one above it).
func parseGNU(in Input, old, new text) (Entry, []Warning, error) {
	r := &gnuReader{path: in.Path, new: new}
	hs, err := changes(in.Path, old, new)
	if err != nil {
		return Entry{}, nil, err
	}
	r.added = markAdded(len(new), hs)
	var groups []group
	edits := 0
	for _, h := range hs {
		if h.deleted > 0 {
			if h.end > h.start {
				r.warn(h.start+1, "this change edits existing lines; the edit is committed, but it is not part of the message")
			}
			edits += h.deleted
			continue
		}
		h = r.placeHunk(h)
		gs, err := r.readHunk(h)
		if err != nil {
			return Entry{}, r.warns, err
		}
		groups = append(groups, gs...)
	}
	if edits > 0 && len(groups) == 0 {
		r.warn(0, "the change removes or edits %d existing line(s) and adds no entry", edits)
	}
	e := Entry{Path: in.Path, Format: GNU}
	for _, g := range groups {
		g.lines = trimBlank(g.lines, lineText)
		if len(g.lines) == 0 {
			continue
		}
		if len(e.Lines) > 0 {
			e.Lines = append(e.Lines, "")
		}
		if e.Date == "" {
			e.Date = g.date
		}
		e.Tiny = e.Tiny || g.tiny
		for _, a := range g.authors {
			e.Authors = addAuthor(e.Authors, a)
		}
		for _, l := range g.lines {
			e.Lines = append(e.Lines, l.text)
		}
	}
	e.Files, e.FileLines, err = r.files(groups)
	return e, r.warns, err
}

// placeHunk chooses, among the equivalent positions of an insertion, the one
// that starts with an entry header: a new entry whose header equals the top
// one must get the new lines, not the old entry's.
func (r *gnuReader) placeHunk(h hunk) hunk {
	for _, c := range slides(r.new, r.added, h) {
		for i := c.start; i < c.end; i++ {
			if strings.TrimSpace(r.new[i]) == "" {
				continue
			}
			if _, ok := parseHeader(r.new[i]); ok && c != h {
				moveHunk(r.added, h, c)
				return c
			}
			break
		}
	}
	return h
}

// readHunk splits the added lines [h.start, h.end) into groups by header.
func (r *gnuReader) readHunk(h hunk) ([]group, error) {
	var gs []group
	for i := h.start; i < h.end; {
		l := r.new[i]
		if hd, ok := parseHeader(l); ok {
			if hd.sloppy {
				r.warn(i+1, "entry header has one space where the GNU standard has two; write it as %q", standardHeader(hd))
			}
			g, next := r.headerBlock(hd, i, h.end, true)
			gs = append(gs, g)
			i = next
			continue
		}
		if isHeaderish(l) {
			return nil, &Error{Path: r.path, Line: i + 1, Text: l, Msg: headerProblem(l)}
		}
		if len(gs) == 0 {
			if strings.TrimSpace(l) == "" {
				i++
				continue
			}
			gs = append(gs, r.inherited(h.start))
		}
		if l != "" && l[0] != '\t' && l[0] != ' ' {
			r.warn(i+1, "line is not indented; GNU ChangeLog text starts with a TAB")
		}
		g := &gs[len(gs)-1]
		g.lines = append(g.lines, line{text: unindent(l), n: i + 1})
		i++
	}
	return gs, nil
}

// headerBlock reads the header at i and the co-author lines directly under
// it, up to end, and skips the blank line that should follow.
func (r *gnuReader) headerBlock(hd header, i, end int, warn bool) (group, int) {
	g := group{authors: []Author{hd.author}, date: hd.date, tiny: hd.tiny}
	i++
	for ; i < end; i++ {
		l := r.new[i]
		if h2, ok := parseHeader(l); ok {
			g.authors = addAuthor(g.authors, h2.author)
			continue
		}
		if m := coAuthorRe.FindStringSubmatch(l); m != nil {
			g.authors = addAuthor(g.authors, Author{Name: m[1] + m[2], Email: m[3]})
			continue
		}
		break
	}
	if i < end && strings.TrimSpace(r.new[i]) == "" {
		return g, i + 1
	}
	if warn && i < end {
		r.warn(i+1, "entry header is not followed by a blank line")
	}
	return g, i
}

// inherited is the group of lines added under an existing entry: they belong
// to the nearest header above them.
func (r *gnuReader) inherited(start int) group {
	for j := start - 1; j >= 0; j-- {
		if hd, ok := parseHeader(r.new[j]); ok {
			g, _ := r.headerBlock(hd, j, len(r.new), false)
			return g
		}
	}
	r.warn(start+1, "lines are added above every entry header, so they have no author; start the entry with \"YYYY-MM-DD  Name  <email>\"")
	return group{}
}

func standardHeader(h header) string {
	return h.date + "  " + h.author.Name + "  <" + h.author.Email + ">"
}

// unindent removes the one leading TAB (or the eight spaces an editor may
// have put in its place) that GNU ChangeLog text carries.
func unindent(l string) string {
	if strings.HasPrefix(l, "\t") {
		return strings.TrimRight(l[1:], " \t")
	}
	n := 0
	for n < len(l) && n < 8 && l[n] == ' ' {
		n++
	}
	return strings.TrimRight(l[n:], " \t")
}

// trimBlank drops the blank lines at both ends of ls.
func trimBlank[T any](ls []T, text func(T) string) []T {
	for len(ls) > 0 && strings.TrimSpace(text(ls[0])) == "" {
		ls = ls[1:]
	}
	for len(ls) > 0 && strings.TrimSpace(text(ls[len(ls)-1])) == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

func lineText(l line) string { return l.text }
func same(s string) string   { return s }

func addAuthor(as []Author, a Author) []Author {
	for _, x := range as {
		if strings.EqualFold(x.Email, a.Email) && (x.Email != "" || x.Name == a.Name) {
			return as
		}
	}
	return append(as, a)
}
