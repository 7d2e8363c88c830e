package changelog

import (
	"fmt"
	"regexp"
	"strings"
)

// debian/changelog lines other than the version header (debianHeadRe).
var (
	// " -- Name <email>  date" closes a version block and names the
	// maintainer who wrote it. Policy wants two spaces before the date; any
	// run of blanks is read, since author and date are unambiguous anyway.
	debTrailerRe = regexp.MustCompile(`^ -- (\S(?:.*?\S)?)\s+<([^<>\s]+)>\s+(\S(?:.*\S)?)\s*$`)
	// "  [ Name ]" credits the items below it, up to the next group or the
	// trailer, to Name (team uploads, sponsored changes).
	debGroupRe = regexp.MustCompile(`^\s+\[\s*(\S(?:.*?\S)?)\s*\]$`)
	// "Name <email>", the form a group line sometimes takes.
	nameEmailRe = regexp.MustCompile(`^(.*?)\s*<([^<>\s]+)>$`)
)

// addedReader is what the Debian and Keep a Changelog readers share: the new
// text and the warnings about it.
type addedReader struct {
	path  string
	new   text
	warns []Warning
}

func (r *addedReader) warn(n int, format string, args ...any) {
	r.warns = append(r.warns, Warning{Path: r.path, Line: n, Text: fmt.Sprintf(format, args...)})
}

// hunks returns the hunks whose added lines are read. A hunk that deletes
// lines edits existing entries: as in parseGNU it is committed but left out
// of the message, with a warning. The exception is a hunk that deletes only
// lines tools rewrite on their own (meta): dch updates the trailer's date
// each time it adds an item, and a release rewrites the link references of a
// CHANGELOG.md. Warning about those would be noise on every change.
func (r *addedReader) hunks(old text, meta func(string) bool) (hs []hunk, edits int, err error) {
	all, err := changes(r.path, old, r.new)
	if err != nil {
		return nil, 0, err
	}
	for _, h := range all {
		if h.deleted > 0 && !allMeta(old[h.oldLine:h.oldLine+h.deleted], meta) {
			if h.end > h.start {
				r.warn(h.start+1, "this change edits existing lines; the edit is committed, but it is not part of the message")
			}
			edits += h.deleted
			continue
		}
		hs = append(hs, h)
	}
	return hs, edits, nil
}

// noEntry warns, as parseGNU does, when the change only edits: the caller
// then reports that there is no new entry, and the warning says why.
func (r *addedReader) noEntry(edits, items int) {
	if edits > 0 && items == 0 {
		r.warn(0, "the change removes or edits %d existing line(s) and adds no entry", edits)
	}
}

func allMeta(ls text, meta func(string) bool) bool {
	for _, l := range ls {
		if !meta(l) {
			return false
		}
	}
	return true
}

// debItem is one added "  * " item: its text without the bullet, and its
// continuation lines with the item's indentation removed.
type debItem struct {
	lines []string
	col   int // column of the text after the bullet, removed from continuations
}

// debReader reads the added lines of a debian/changelog.
type debReader struct {
	addedReader
	items   []debItem
	authors []Author // the trailers' maintainers first, then the groups'
	date    string
	emails  map[string]string // lower-case name -> email, from every trailer

	// The walk through one hunk.
	trailer bool   // the trailer of the current block has been read
	group   string // the current "[ Name ]" group
	cur     int    // the item being read, or -1
}

// parseDebian reads a debian/changelog change the way debcommit does: the
// message is made of the added items, the author is the maintainer in the
// trailer of the block they are added to.
func parseDebian(in Input, old, new text) (Entry, []Warning, error) {
	r := &debReader{addedReader: addedReader{path: in.Path, new: new}}
	hs, edits, err := r.hunks(old, isDebMeta)
	if err != nil {
		return Entry{}, nil, err
	}
	for _, h := range hs {
		if err := r.readHunk(h); err != nil {
			return Entry{}, r.warns, err
		}
	}
	r.noEntry(edits, len(r.items))
	e := Entry{Path: in.Path, Format: Debian, Authors: r.authors, Date: r.date}
	items := make([][]string, len(r.items))
	for k, it := range r.items {
		items[k] = it.lines
	}
	e.Subject, e.Lines = itemMessage(items, "* ")
	return e, r.warns, nil
}

// isDebMeta reports whether dch rewrites the line on its own: the version
// header and the trailer.
func isDebMeta(l string) bool {
	return strings.HasPrefix(l, " --") || debianHeadRe.MatchString(l)
}

// isDebBoundary reports whether a non-blank line starts or ends a version
// block: a trailer, or any line at column 0 (a version header).
func isDebBoundary(l string) bool {
	return strings.HasPrefix(l, " --") || l[0] != ' ' && l[0] != '\t'
}

// readHunk reads the added lines [h.start, h.end). Items added under an
// existing "[ Name ]" line are still that person's, so the group is taken
// from the lines above.
func (r *debReader) readHunk(h hunk) error {
	r.trailer, r.group, r.cur = false, r.groupAbove(h.start), -1
	for i := h.start; i < h.end; i++ {
		if err := r.readLine(i); err != nil {
			return err
		}
	}
	return nil
}

// groupAbove returns the "[ Name ]" group that lines inserted at start fall
// in: the nearest one above them in the same version block.
func (r *debReader) groupAbove(start int) string {
	for j := start - 1; j >= 0; j-- {
		l := strings.TrimRight(r.new[j], " \t")
		if l == "" {
			continue
		}
		if isDebBoundary(l) {
			return ""
		}
		if m := debGroupRe.FindStringSubmatch(l); m != nil {
			return m[1]
		}
	}
	return ""
}

// readLine reads one added line. Headers, trailers, group lines and blank
// lines are not message lines; the rest are items and their continuations.
func (r *debReader) readLine(i int) error {
	l := strings.TrimRight(r.new[i], " \t")
	if l == "" {
		return nil
	}
	if isDebBoundary(l) {
		r.trailer, r.group, r.cur = false, "", -1
		if strings.HasPrefix(l, " --") {
			_, _, err := r.parseTrailer(i)
			return err
		}
		if !debianHeadRe.MatchString(l) {
			r.warn(i+1, "line is neither a version header (\"package (version) distribution; urgency=...\") nor indented; it is not part of the message")
		}
		return nil
	}
	if m := debGroupRe.FindStringSubmatch(l); m != nil {
		r.group, r.cur = m[1], -1
		return nil
	}
	if body, col, ok := bullet(l, "*"); ok && indentOf(l) < 4 {
		return r.startItem(i, body, col)
	}
	if r.cur < 0 {
		r.warn(i+1, "line continues an item that this change does not add; it is used as an item of its own")
		body, col, _ := bullet(l, "-+*")
		return r.startItem(i, body, col)
	}
	it := &r.items[r.cur]
	it.lines = append(it.lines, dedent(l, it.col))
	return nil
}

// startItem begins a new item. The first item of a block looks for the
// block's trailer below it: an item without an author is not committed.
func (r *debReader) startItem(i int, body string, col int) error {
	if !r.trailer {
		if err := r.findTrailer(i); err != nil {
			return err
		}
	}
	if r.group != "" {
		r.addGroup(r.group)
	}
	r.items = append(r.items, debItem{lines: []string{body}, col: col})
	r.cur = len(r.items) - 1
	return nil
}

// findTrailer reads the trailer of the block that line i is in, and records
// its maintainer as an author and its date.
func (r *debReader) findTrailer(i int) error {
	for j := i + 1; j < len(r.new); j++ {
		l := strings.TrimRight(r.new[j], " \t")
		if l == "" || !isDebBoundary(l) {
			continue
		}
		if !strings.HasPrefix(l, " --") {
			break
		}
		a, date, err := r.parseTrailer(j)
		if err != nil {
			return err
		}
		r.authors = addAuthor(r.authors, a)
		if r.date == "" {
			r.date = date
		}
		r.trailer = true
		return nil
	}
	return &Error{Path: r.path, Line: i + 1, Text: r.new[i],
		Msg: "no trailer line closes the version block of this item; end the block with \" -- Name <email>  date\" (dch writes it)"}
}

func (r *debReader) parseTrailer(j int) (Author, string, error) {
	m := debTrailerRe.FindStringSubmatch(strings.TrimRight(r.new[j], " \t"))
	if m == nil {
		return Author{}, "", &Error{Path: r.path, Line: j + 1, Text: r.new[j],
			Msg: "cannot read this trailer line; expected \" -- Name <email>  date\", as in \" -- Jane Doe <jane@example.org>  Wed, 25 Nov 2026 10:00:00 +0000\""}
	}
	return Author{Name: m[1], Email: m[2]}, m[3], nil
}

// addGroup adds the person of a "[ Name ]" line as a co-author. Group lines
// carry no email, so it is taken from a trailer of the same person elsewhere
// in the file, if any: a Co-authored-by trailer without one is not linked
// to an account.
func (r *debReader) addGroup(g string) {
	a := Author{Name: g}
	if m := nameEmailRe.FindStringSubmatch(g); m != nil {
		a = Author{Name: m[1], Email: m[2]}
	}
	for _, x := range r.authors {
		if strings.EqualFold(x.Name, a.Name) {
			return
		}
	}
	if a.Email == "" {
		a.Email = r.emailOf(a.Name)
	}
	r.authors = addAuthor(r.authors, a)
}

// emailOf returns the email of the newest trailer that names name. The file
// is scanned once, when the first group needs it.
func (r *debReader) emailOf(name string) string {
	if r.emails == nil {
		r.emails = map[string]string{}
		for _, l := range r.new {
			if !strings.HasPrefix(l, " --") {
				continue
			}
			if m := debTrailerRe.FindStringSubmatch(l); m != nil {
				k := strings.ToLower(m[1])
				if _, ok := r.emails[k]; !ok {
					r.emails[k] = m[2]
				}
			}
		}
	}
	return r.emails[strings.ToLower(name)]
}

// itemMessage turns the added items (each its text, then its continuation
// lines) into an entry's subject and lines.
//
// One item is the whole message, as debcommit's --strip-message makes it:
// its first paragraph, wrapped lines joined, is the subject and the first
// line, so that compose (which drops a first line equal to the subject, and
// derives the subject itself when Entry.Subject is empty) does not repeat
// it; the rest follows. Several items become a list headed by the first
// one's summary, each item marked with mark.
func itemMessage(items [][]string, mark string) (string, []string) {
	switch len(items) {
	case 0:
		return "", nil
	case 1:
		s, rest := summary(items[0])
		return "", append([]string{s}, rest...)
	}
	s, _ := summary(items[0])
	var ls []string
	for _, it := range items {
		ls = append(ls, bulletLines(mark, it)...)
	}
	return s, ls
}

// summary splits an item into its first paragraph, joined into one line (a
// wrapped sentence is one subject, as git shows it), and the rest: what
// follows a blank line, an indented line or a sub-item.
func summary(lines []string) (string, []string) {
	k := 1
	for ; k < len(lines); k++ {
		l := lines[k]
		if _, _, sub := bullet(l, "-+*"); l == "" || l[0] == ' ' || l[0] == '\t' || sub {
			break
		}
	}
	return strings.Join(lines[:k], " "), lines[k:]
}

// bulletLines writes an item as a list item: the mark, then the
// continuation lines indented under the text.
func bulletLines(mark string, it []string) []string {
	ls := []string{mark + it[0]}
	pad := strings.Repeat(" ", len(mark))
	for _, l := range it[1:] {
		if l != "" {
			l = pad + l
		}
		ls = append(ls, l)
	}
	return ls
}

// bullet splits a list item line into its text and the column the text
// starts at. ok is false when the line, after its indentation, does not
// start with one of marks and a blank; text is then the line unindented.
func bullet(l, marks string) (body string, col int, ok bool) {
	ind := indentOf(l)
	rest := l[ind:]
	if len(rest) >= 2 && strings.IndexByte(marks, rest[0]) >= 0 && (rest[1] == ' ' || rest[1] == '\t') {
		body = strings.TrimLeft(rest[1:], " \t")
		return body, len(l) - len(body), true
	}
	return rest, ind, false
}

// indentOf counts the leading blanks of l.
func indentOf(l string) int {
	return len(l) - len(strings.TrimLeft(l, " \t"))
}

// dedent removes up to n leading blanks from l: an item's continuation
// loses the item's indentation and keeps any deeper one.
func dedent(l string, n int) string {
	i := 0
	for i < len(l) && i < n && (l[i] == ' ' || l[i] == '\t') {
		i++
	}
	return l[i:]
}
