package changelog

import "strings"

// Item is one "* FILE, FILE (NAME, NAME): NOTE" item of an entry.
type Item struct {
	Files []string // relative to the ChangeLog's directory
	Names []string
	Note  string // "New file.", "Remove.", "Renamed from OLD."; "" when the author has to say
}

// entryItem is one "* FILES (NAMES) [COND]: TEXT" item of an entry and the
// lines that belong to it, up to the next item or the end of the entry.
type entryItem struct {
	start, end int // its lines, [start, end), in the entry's lines
	files      []itemFile
	groups     []nameGroup // every (NAMES) of the item, those of its first line included
}

// itemFile is a file an item names, and the line it is on.
type itemFile struct {
	name string
	line int
}

// nameGroup is one "(NAME, NAME)" of an item and the text after it.
type nameGroup struct {
	start, end  int    // its lines [start, end): the names, then its text
	namesEnd    int    // the line after its names
	col, endCol int    // the columns of its '(' (on line start) and ')' (on line namesEnd-1)
	file        string // the file it follows; for a "(NAMES): text" line, the item's last file
	names       []string
	text        bool // the author wrote something after it
}

// ReadItems reads the items of an entry's lines (a GNU ChangeLog's,
// indented or not): each file an item names, with the names given for it.
// An item that names several files with names of their own
// ("* a.c (f), b.c (g):") gives one Item per file.
func ReadItems(lines []string) []Item {
	var out []Item
	for _, it := range parseItems(lines) {
		byFile := map[string][]string{}
		for _, g := range it.groups {
			byFile[g.file] = appendNew(byFile[g.file], g.names...)
		}
		var plain []string
		for _, f := range it.files {
			if names := byFile[f.name]; len(names) > 0 {
				out = append(out, Item{Files: []string{f.name}, Names: names})
				delete(byFile, f.name)
			} else {
				plain = append(plain, f.name)
			}
		}
		if len(plain) > 0 {
			out = append(out, Item{Files: plain})
		}
	}
	return out
}

// parseItems splits an entry's lines into items.
func parseItems(lines []string) []entryItem {
	var items []entryItem
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(t, "* ") || strings.HasPrefix(t, "*\t"):
			if n := len(items); n > 0 {
				items[n-1].end = i
				items[n-1].closeGroup(i)
			}
			it := entryItem{start: i, end: len(lines)}
			i = it.readFirst(lines, i)
			items = append(items, it)
		case len(items) > 0 && strings.HasPrefix(t, "(") && isGroupLine(lines, i):
			it := &items[len(items)-1]
			file := ""
			if len(it.files) > 0 {
				file = it.files[len(it.files)-1].name
			}
			g, next, ok := readGroup(lines, i, strings.Index(lines[i], "("), file)
			if ok {
				it.closeGroup(i)
				it.groups = append(it.groups, g)
				i = next - 1
			}
		}
	}
	if n := len(items); n > 0 {
		items[n-1].closeGroup(len(lines))
	}
	return items
}

// closeGroup ends the item's last group before line i.
func (it *entryItem) closeGroup(i int) {
	if n := len(it.groups); n > 0 && it.groups[n-1].end > i {
		it.groups[n-1].end = i
	}
}

// readFirst reads the file list of the item line at i: files, their
// groups and conditions, up to the colon; a list may go on over the next
// lines (after a comma, or inside an open parenthesis). It returns the
// item's last list line.
func (it *entryItem) readFirst(lines []string, i int) int {
	l := lines[i]
	j := strings.IndexByte(l, '*') + 1
	for {
		for j < len(l) && (l[j] == ' ' || l[j] == '\t') {
			j++
		}
		if j >= len(l) {
			if i+1 < len(lines) && strings.HasSuffix(strings.TrimSpace(l), ",") && !strings.HasPrefix(strings.TrimSpace(lines[i+1]), "*") {
				i++
				l, j = lines[i], 0
				continue
			}
			return i
		}
		switch l[j] {
		case ':':
			return i
		case ',':
			j++
		case '(':
			file := ""
			if len(it.files) > 0 {
				file = it.files[len(it.files)-1].name
			}
			g, next, ok := readGroup(lines, i, j, file)
			if !ok {
				return i
			}
			it.closeGroup(i)
			it.groups = append(it.groups, g)
			if next-1 != i {
				i = next - 1
				l = lines[i]
				j = strings.IndexByte(l, ')') + 1
			} else {
				j = groupEnd(l, j) + 1
			}
		case '[':
			e := strings.IndexByte(l[j:], ']')
			if e < 0 {
				return i
			}
			j += e + 1
		default:
			var ok bool
			if j, ok = it.readFile(l, i, j); !ok {
				return i
			}
		}
	}
}

// readFile reads the file name at l[j:] on line i and returns where it
// ends; false when what follows it is prose, not a list ("* Version 2.0."
// names no file).
func (it *entryItem) readFile(l string, i, j int) (int, bool) {
	k := j
	for k < len(l) && !strings.ContainsRune(",:( \t", rune(l[k])) {
		k++
	}
	if r := strings.TrimLeft(l[k:], " \t"); r != "" && !strings.ContainsRune(",:([", rune(r[0])) {
		return k, false // a space ends a name: what follows must be a list mark
	}
	if name := strings.Trim(l[j:k], "`'\""); name != "" {
		it.files = append(it.files, itemFile{name: name, line: i})
	}
	return k, true
}

// readGroup reads "(NAME, NAME)" starting at lines[i][j], which may go on
// over the next lines until its ')', and whether text follows it. It
// returns the group, the line after the group's names, and false if it is
// no group (no ')' within a few lines).
func readGroup(lines []string, i, j int, file string) (nameGroup, int, bool) {
	var b strings.Builder
	depth, j0 := 0, j
	for k := i; k < len(lines) && k < i+8; k++ {
		l := lines[k]
		if k > i {
			j = 0
			b.WriteString(" ")
		}
		for e := j; e < len(l); e++ {
			switch l[e] {
			case '(':
				depth++
				if depth == 1 {
					continue
				}
			case ')':
				depth--
				if depth == 0 {
					g := nameGroup{start: i, end: len(lines), namesEnd: k + 1, col: j0, endCol: e,
						file: file, names: splitNames(b.String())}
					rest := strings.TrimSpace(l[e+1:])
					if c := strings.IndexByte(rest, ':'); c >= 0 {
						g.text = strings.TrimSpace(rest[c+1:]) != ""
					}
					return g, k + 1, true
				}
			}
			b.WriteByte(l[e])
		}
	}
	return nameGroup{}, i + 1, false
}

// groupEnd finds the ')' that closes the '(' at l[j], or -1.
func groupEnd(l string, j int) int {
	depth := 0
	for k := j; k < len(l); k++ {
		switch l[k] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}

// isGroupLine reports whether a line that starts with '(' is a names
// group of the item above ("(f, g): text", "(f, g)" followed by another
// group) rather than prose in parentheses.
func isGroupLine(lines []string, i int) bool {
	l := strings.TrimSpace(lines[i])
	e := groupEnd(l, 0)
	if e < 0 {
		return strings.HasSuffix(l, ",") // a list going on
	}
	rest := strings.TrimSpace(l[e+1:])
	switch {
	case strings.HasPrefix(rest, ":"), strings.HasPrefix(rest, "["):
		return true
	case rest == "" && i+1 < len(lines):
		return strings.HasPrefix(strings.TrimSpace(lines[i+1]), "(")
	}
	return false
}

// splitNames splits "a, b,  c" into its names.
func splitNames(s string) []string {
	var names []string
	for _, n := range strings.Split(s, ",") {
		n = strings.Join(strings.Fields(n), " ")
		if n != "" {
			names = append(names, n)
		}
	}
	return names
}

// appendNew appends the names not in list yet.
func appendNew(list []string, names ...string) []string {
	for _, n := range names {
		found := false
		for _, x := range list {
			if x == n {
				found = true
				break
			}
		}
		if !found {
			list = append(list, n)
		}
	}
	return list
}
