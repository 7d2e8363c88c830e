package changelog

import "strings"

// wrapColumn is the last column an item line may reach (a TAB counts 8),
// as GNU ChangeLogs are filled.
const wrapColumn = 79

// Header formats an entry header as the GNU standard writes it:
// "YYYY-MM-DD  Name  <email>", two spaces on each side of the name.
func Header(date string, a Author) string {
	return date + "  " + a.Name + "  <" + a.Email + ">"
}

// FormatEntry writes a new entry: the header, a blank line, an empty
// summary line (a TAB, where the author writes the summary), then the
// items, each "\t* FILE (NAME, NAME):" wrapped as GNU does, long name
// lists closed and reopened on the next line.
func FormatEntry(header string, items []Item) string {
	var b strings.Builder
	b.WriteString(header + "\n\n\t\n")
	for _, it := range items {
		for _, l := range formatItem(it) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// formatItem writes one item's lines.
func formatItem(it Item) []string {
	w := &lineWrap{cur: "\t*"}
	for i, f := range it.Files {
		if i < len(it.Files)-1 {
			f += "," // a list wrapped after a comma goes on
		}
		w.word(" "+f, "\t"+f)
	}
	w.names(it.Names)
	w.cur += ":"
	if it.Note != "" {
		w.word(" "+it.Note, "\t"+it.Note)
	}
	return append(w.done, w.cur)
}

// lineWrap builds wrapped lines.
type lineWrap struct {
	done []string
	cur  string
}

// word appends s to the current line, or starts a new line with alone
// when s does not fit.
func (w *lineWrap) word(s, alone string) {
	if width(w.cur+s) > wrapColumn && width(w.cur) > 10 {
		w.done = append(w.done, w.cur)
		w.cur = alone
		return
	}
	w.cur += s
}

// names appends "(a, b, c)", closing the list and opening a new one on
// the next line where it would pass the wrap column: "(a, b)" then
// "(c):", the GNU form, which every reader parses.
func (w *lineWrap) names(names []string) {
	if len(names) == 0 {
		return
	}
	open := false
	for _, n := range names {
		switch {
		case !open:
			w.word(" ("+n, "\t("+n)
			open = true
		case width(w.cur+", "+n+")") > wrapColumn:
			w.done = append(w.done, w.cur+")")
			w.cur = "\t(" + n
		default:
			w.cur += ", " + n
		}
	}
	w.cur += ")"
}

// width is the columns a line takes, a TAB reaching the next multiple of 8.
func width(s string) int {
	c := 0
	for _, r := range s {
		if r == '\t' {
			c += 8 - c%8
		} else {
			c++
		}
	}
	return c
}
