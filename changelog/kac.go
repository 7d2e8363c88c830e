package changelog

import (
	"regexp"
	"strings"
)

var (
	// An ATX heading: "## [Unreleased]", "### Added", with an optional
	// closing run of '#'.
	kacHeadingRe = regexp.MustCompile(`^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$`)
	// A link reference definition, "[1.0.0]: https://...": the version
	// links at the bottom of the file, which a release edits.
	kacLinkRefRe = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:[ \t]*\S`)
)

// kacNoSection names the section of lines added under a version heading but
// under no "### " heading.
const kacNoSection = "Changes"

// kacItem is a bullet (its text without the marker, and its continuation
// lines dedented) or a paragraph of prose.
type kacItem struct {
	lines  []string
	col    int // column of the text after the marker, removed from continuations
	bullet bool
}

// kacSection is the added items of one "### " section, merged over the
// version blocks the change adds to.
type kacSection struct {
	name  string
	items []kacItem
}

// kacReader reads the added lines of a Keep a Changelog CHANGELOG.md.
type kacReader struct {
	addedReader
	sections []kacSection // in the order they first get an item
	first    [2]int       // section and item index of the first bullet; -1 if none

	// The walk through one hunk.
	inVersion bool   // below a "## " heading
	section   string // the current "### " heading, or ""
	cur       [2]int // section and item index of the item being read; -1 if none
	blank     bool   // a blank line follows the current item
}

// parseKAC reads a CHANGELOG.md change: the bullets added under
// "## [Unreleased]" or a new version heading, grouped by their "### "
// section. The file names no author; git's configured one is used.
func parseKAC(in Input, old, new text) (Entry, []Warning, error) {
	r := &kacReader{addedReader: addedReader{path: in.Path, new: new}, first: [2]int{-1, -1}}
	hs, edits, err := r.hunks(old, isKACMeta)
	if err != nil {
		return Entry{}, nil, err
	}
	n := 0
	for _, h := range hs {
		r.readHunk(h)
	}
	for _, s := range r.sections {
		n += len(s.items)
	}
	r.noEntry(edits, n)
	e := Entry{Path: in.Path, Format: KeepAChangelog}
	switch n {
	case 0:
	case 1:
		e.Subject, e.Lines = itemMessage([][]string{r.sections[0].items[0].lines}, "")
	default:
		e.Subject, e.Lines = r.message()
	}
	return e, r.warns, nil
}

// isKACMeta reports whether a release rewrites the line on its own: a
// version heading or a link reference.
func isKACMeta(l string) bool {
	return strings.HasPrefix(l, "## ") || kacLinkRefRe.MatchString(l)
}

// headingLevel returns the level and text of a Markdown heading, or 0.
func headingLevel(l string) (int, string) {
	m := kacHeadingRe.FindStringSubmatch(l)
	if m == nil {
		return 0, ""
	}
	return len(m[1]), m[2]
}

// readHunk reads the added lines [h.start, h.end). A bullet added to an
// existing section belongs to the headings above it, added or not.
func (r *kacReader) readHunk(h hunk) {
	r.inVersion, r.section = r.context(h.start)
	r.cur, r.blank = [2]int{-1, -1}, false
	for i := h.start; i < h.end; i++ {
		l := strings.TrimRight(r.new[i], " \t")
		switch {
		case l == "":
			r.blank = true
			continue
		case r.heading(l):
		case kacLinkRefRe.MatchString(l):
			r.cur = [2]int{-1, -1}
		default:
			r.content(i, l)
		}
		r.blank = false
	}
}

// context returns whether line start is inside a version block, and the
// "### " section it is in, from the nearest headings above it.
func (r *kacReader) context(start int) (bool, string) {
	section := ""
	for j := start - 1; j >= 0; j-- {
		switch lv, t := headingLevel(r.new[j]); lv {
		case 1:
			return false, section
		case 2:
			return true, section
		case 3:
			if section == "" {
				section = t
			}
		}
	}
	return false, section
}

// heading follows a heading line and reports whether l is one. Headings
// are not message lines; "#### " and deeper ones change nothing.
func (r *kacReader) heading(l string) bool {
	lv, t := headingLevel(l)
	switch lv {
	case 0:
		return false
	case 1:
		r.inVersion, r.section = false, ""
	case 2:
		r.inVersion, r.section = true, ""
	case 3:
		r.section = t
	}
	r.cur = [2]int{-1, -1}
	return true
}

// content reads a line of text: a bullet, a continuation of the current
// item (indented, or directly below it as Markdown's lazy continuation), or
// prose.
func (r *kacReader) content(i int, l string) {
	body, col, isBullet := bullet(l, "-*+")
	ind := indentOf(l)
	it := r.item()
	switch {
	case isBullet && ind < 2:
		r.add(i, body, col, true)
	case it != nil && (!r.blank || it.bullet && ind >= 2):
		if r.blank {
			it.lines = append(it.lines, "")
		}
		it.lines = append(it.lines, dedent(l, it.col))
	case ind >= 2 && it == nil:
		r.warn(i+1, "line continues a bullet that this change does not add; it is used as a bullet of its own")
		r.add(i, body, col, true)
	default:
		r.add(i, strings.TrimSpace(l), 0, false)
	}
}

func (r *kacReader) item() *kacItem {
	if r.cur[0] < 0 {
		return nil
	}
	return &r.sections[r.cur[0]].items[r.cur[1]]
}

// add starts an item in the current section. Prose above every version
// heading is the file's preamble (a new CHANGELOG.md adds one), not a
// change; a bullet there, or outside a "### " section, is used with a
// warning, since it is most likely a change put in the wrong place.
func (r *kacReader) add(i int, body string, col int, isBullet bool) {
	name := r.section
	switch {
	case !r.inVersion && !isBullet:
		r.cur = [2]int{-1, -1}
		return
	case !r.inVersion:
		r.warn(i+1, "bullet is outside any version block; put it under \"## [Unreleased]\"")
	case name == "" && isBullet:
		r.warn(i+1, "bullet is under no section heading such as \"### Added\"; it is listed under %q", kacNoSection)
	}
	if name == "" {
		name = kacNoSection
	}
	s := r.sectionIndex(name)
	r.sections[s].items = append(r.sections[s].items, kacItem{lines: []string{body}, col: col, bullet: isBullet})
	r.cur = [2]int{s, len(r.sections[s].items) - 1}
	if isBullet && r.first[0] < 0 {
		r.first = r.cur
	}
}

func (r *kacReader) sectionIndex(name string) int {
	for k, s := range r.sections {
		if s.name == name {
			return k
		}
	}
	r.sections = append(r.sections, kacSection{name: name})
	return len(r.sections) - 1
}

// message writes several items as "Section:" paragraphs of "- " bullets,
// headed by the first bullet's summary (the first prose's when no bullet is
// added).
func (r *kacReader) message() (string, []string) {
	first := r.sections[0].items[0]
	if r.first[0] >= 0 {
		first = r.sections[r.first[0]].items[r.first[1]]
	}
	subject, _ := summary(first.lines)
	var ls []string
	for k, s := range r.sections {
		if k > 0 {
			ls = append(ls, "")
		}
		ls = append(ls, s.name+":")
		for _, it := range s.items {
			if it.bullet {
				ls = append(ls, bulletLines("- ", it.lines)...)
			} else {
				ls = append(ls, it.lines...)
			}
		}
	}
	return subject, ls
}
