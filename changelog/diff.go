package changelog

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// text is one version of a ChangeLog decoded into lines without their line
// terminators.
type text []string

// decode turns file content into lines. CRLF endings are read as LF and a
// file that is not valid UTF-8 is read as Latin-1, the encoding of old GNU
// ChangeLogs; a NUL byte means the file is binary and is refused.
func decode(path string, b []byte) (text, error) {
	if bytes.IndexByte(b, 0) >= 0 {
		return nil, &Error{Path: path, Msg: "is a binary file, not a ChangeLog; name the ChangeLog to read, or none to read every modified ChangeLog"}
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	var s string
	if utf8.Valid(b) {
		s = string(b)
	} else {
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		s = string(r)
	}
	if strings.Contains(s, "\r") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	if s == "" {
		return nil, nil
	}
	s = strings.TrimSuffix(s, "\n")
	return strings.Split(s, "\n"), nil
}

// hunk is a run of added lines [start, end) in the new text. deleted counts
// the old lines that the same change removed in its place: a hunk with
// deletions edits existing text rather than adding to it.
type hunk struct {
	start, end int
	deleted    int
	oldLine    int // 0-based line in the old text where the change begins
}

// changes lists the hunks that turn old into new. Lines added to a ChangeLog
// are nearly always one block at the top, so the common prefix and suffix are
// cut off before go-diff sees the rest: this keeps a 5 MB ChangeLog as cheap
// as a small one (P1 in DESIGN.md).
func changes(old, new text) []hunk {
	pre := 0
	for pre < len(old) && pre < len(new) && old[pre] == new[pre] {
		pre++
	}
	suf := 0
	for suf < len(old)-pre && suf < len(new)-pre && old[len(old)-1-suf] == new[len(new)-1-suf] {
		suf++
	}
	o, n := old[pre:len(old)-suf], new[pre:len(new)-suf]
	switch {
	case len(o) == 0 && len(n) == 0:
		return nil
	case len(o) == 0:
		return []hunk{{start: pre, end: pre + len(n), oldLine: pre}}
	case len(n) == 0:
		return []hunk{{start: pre, end: pre, deleted: len(o), oldLine: pre}}
	}
	return lineDiff(o, n, pre)
}

// lineDiff diffs the middle part of two texts line by line with go-diff and
// returns its hunks, offset by the common prefix.
func lineDiff(o, n text, offset int) []hunk {
	dmp := diffmatchpatch.New()
	// The middle of a ChangeLog change is small, and is diffed exactly. Only
	// a pathological one (a 5 MB file replaced by another) reaches the
	// limit; go-diff then returns a valid but longer diff instead of running
	// for minutes.
	dmp.DiffTimeout = 2 * time.Second
	a, b, _ := dmp.DiffLinesToRunes(joinLines(o), joinLines(n))
	var hs []hunk
	oi, ni := offset, offset
	var cur *hunk
	for _, d := range dmp.DiffMainRunes(a, b, false) {
		k := utf8.RuneCountInString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			cur = nil
			oi += k
			ni += k
		case diffmatchpatch.DiffInsert, diffmatchpatch.DiffDelete:
			if cur == nil {
				hs = append(hs, hunk{start: ni, end: ni, oldLine: oi})
				cur = &hs[len(hs)-1]
			}
			if d.Type == diffmatchpatch.DiffInsert {
				ni += k
				cur.end = ni
			} else {
				oi += k
				cur.deleted += k
			}
		}
	}
	return hs
}

func joinLines(t text) string {
	var b strings.Builder
	for _, l := range t {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// slides returns every position the pure insertion h could take in new
// without changing the text it produces: a diff may show the same insertion
// shifted by lines that equal each other at its two ends (a new entry whose
// header equals the old top header shows up as body, blank, header, blank
// under the old header). The result runs top to bottom and includes h.
func slides(new text, added []bool, h hunk) []hunk {
	if h.deleted > 0 || h.start == h.end {
		return []hunk{h}
	}
	up := h
	for up.start > 0 && !added[up.start-1] && new[up.start-1] == new[up.end-1] {
		up.start--
		up.end--
	}
	var hs []hunk
	for p := up; ; {
		hs = append(hs, p)
		if p.end >= len(new) || added[p.end] || new[p.end] != new[p.start] {
			break
		}
		p.start++
		p.end++
	}
	return hs
}

// markAdded returns, for each line of new, whether a hunk adds it.
func markAdded(n int, hs []hunk) []bool {
	added := make([]bool, n)
	for _, h := range hs {
		for i := h.start; i < h.end; i++ {
			added[i] = true
		}
	}
	return added
}

// moveHunk re-marks added when a hunk slides from one position to another.
func moveHunk(added []bool, from, to hunk) {
	for i := from.start; i < from.end; i++ {
		added[i] = false
	}
	for i := to.start; i < to.end; i++ {
		added[i] = true
	}
}
