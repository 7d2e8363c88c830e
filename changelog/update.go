package changelog

import (
	"slices"
	"strings"
)

// entryEdit collects the edits of an entry's lines: lines dropped, lines
// replaced, lines added after a line.
type entryEdit struct {
	lines   []string
	drop    []bool
	replace map[int]string
	after   map[int][]string
}

// updater brings one entry up to date with the skeleton.
type updater struct {
	*entryEdit
	want    map[string][]string        // per changed file, the names the skeleton gives
	changed []string                   // the changed files, in skeleton order
	defined map[string]map[string]bool // per file, the names vcsync can find in it
	have    map[string]bool            // file + "\x00" + name, kept in some item
	first   map[string]int             // per file the entry covers, its first item's last line
	order   []string                   // the files the entry covers, in the entry's order
}

// updateEntry brings an uncommitted entry (its lines, header first) up to
// date with the skeleton items: what the author wrote stays; a file or a
// name that is no longer changed goes, with the text written for it; the
// names and files it lacks are added, names at the end of their file's
// first item, files as new items after the last one.
func updateEntry(lines []string, items []Item, defined map[string]map[string]bool) []string {
	u := &updater{
		entryEdit: &entryEdit{lines: lines, drop: make([]bool, len(lines)), replace: map[int]string{}, after: map[int][]string{}},
		want:      map[string][]string{}, defined: defined, have: map[string]bool{}, first: map[string]int{},
	}
	for _, it := range items {
		for _, f := range it.Files {
			u.changed = append(u.changed, f)
			u.want[f] = it.Names
		}
	}
	last := len(lines) - 1 // where new items go: after the last item
	for _, it := range parseItems(lines) {
		last = u.lastLine(it.start, it.end)
		u.item(it)
	}
	for _, f := range u.order {
		var missing []string
		for _, n := range u.want[f] {
			if !u.have[f+"\x00"+n] {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			w := &lineWrap{cur: "\t"}
			w.names(missing)
			add := append(w.done, w.cur+":")
			add[0] = "\t" + strings.TrimLeft(add[0], " \t")
			u.after[u.first[f]] = append(u.after[u.first[f]], add...)
		}
	}
	for _, it := range items {
		var rest []string
		for _, f := range it.Files {
			if _, ok := u.first[f]; !ok {
				rest = append(rest, f)
			}
		}
		if len(rest) > 0 {
			it.Files = rest
			u.after[last] = append(u.after[last], formatItem(it)...)
		}
	}
	return u.result()
}

// item updates one item: its files that are no longer changed go (the
// whole item when none is left), and each of its names groups keeps the
// names still changed and those vcsync cannot judge.
func (u *updater) item(it entryItem) {
	var names []string
	for _, f := range it.files {
		names = append(names, f.name)
	}
	m := MatchFiles(names, u.changed)
	if len(m.Files) == 0 {
		u.dropLines(it.start, it.end)
		return
	}
	for _, f := range it.files {
		if slices.Contains(m.Unmatched, f.name) {
			u.removeFile(f)
		}
	}
	// Last group first: the first may take the next one's place.
	for k := len(it.groups) - 1; k >= 0; k-- {
		g := it.groups[k]
		f := g.file
		if guess, ok := m.Guessed[f]; ok {
			f = guess
		}
		var kept []string
		for _, n := range g.names {
			if slices.Contains(u.want[f], n) || !u.defined[f][n] {
				kept = append(kept, n)
				u.have[f+"\x00"+n] = true
			}
		}
		var next *nameGroup
		if k+1 < len(it.groups) {
			next = &it.groups[k+1]
		}
		u.setGroup(g, kept, g.start == it.start, next)
	}
	for _, f := range m.Files {
		if _, ok := u.first[f]; !ok {
			u.first[f] = u.lastLine(it.start, it.end)
			u.order = append(u.order, f)
		}
	}
}

// lastLine is the last line of [start, end) that is not blank.
func (e *entryEdit) lastLine(start, end int) int {
	for end-1 > start && strings.TrimSpace(e.lines[end-1]) == "" {
		end--
	}
	return end - 1
}

func (e *entryEdit) dropLines(start, end int) {
	for i := start; i < end; i++ {
		e.drop[i] = true
	}
}

// removeFile takes a file out of an item's list: "a.c, b.c:" loses "b.c".
func (e *entryEdit) removeFile(f itemFile) {
	l := e.text(f.line)
	for _, pat := range []string{f.name + ", ", ", " + f.name, f.name + ","} {
		if i := strings.Index(l, pat); i >= 0 {
			e.replace[f.line] = l[:i] + l[i+len(pat):]
			return
		}
	}
}

// setGroup rewrites a names group to hold only kept. A group left empty
// goes with its text. On the item's first line, "* FILE (NAMES): text"
// then becomes "* FILE:", or takes the next group's place:
// "* FILE (NEXT): its text".
func (e *entryEdit) setGroup(g nameGroup, kept []string, first bool, next *nameGroup) {
	if len(kept) == len(g.names) {
		return
	}
	before := e.text(g.start)[:g.col]
	after := e.lines[g.namesEnd-1][g.endCol+1:]
	switch {
	case len(kept) > 0:
		e.replace[g.start] = before + "(" + strings.Join(kept, ", ") + ")" + after
		e.dropLines(g.start+1, g.namesEnd)
	case !first:
		e.dropLines(g.start, g.end)
	case next != nil && next.start == g.end && !e.drop[next.start]:
		e.dropLines(g.start, g.end)
		e.replace[next.start] = before + strings.TrimLeft(e.text(next.start), " \t")
	default:
		e.replace[g.start] = strings.TrimRight(before, " \t") + ":"
		e.dropLines(g.start+1, g.end)
	}
}

// text is line i as edited so far.
func (e *entryEdit) text(i int) string {
	if l, ok := e.replace[i]; ok {
		return l
	}
	return e.lines[i]
}

func (e *entryEdit) result() []string {
	var out []string
	for i := range e.lines {
		if !e.drop[i] {
			out = append(out, e.text(i))
		}
		out = append(out, e.after[i]...)
	}
	return out
}
