package changelog

import (
	"bytes"
	"fmt"
	"math"
	"strings"
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
// are nearly always one block at the top, so the common prefix and suffix
// are cut off first, in O(size): a new top entry in a 50 MB ChangeLog never
// reaches the line diff (P1, P9 in DESIGN.md). What is left between them is
// diffed line by line, exactly and with no time limit, so that the message
// is the same on any machine at any load; path names the file in the error
// for a change too large for that (diffTooLarge).
func changes(path string, old, new text) ([]hunk, error) {
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
		return nil, nil
	case len(o) == 0:
		return []hunk{{start: pre, end: pre + len(n), oldLine: pre}}, nil
	case len(n) == 0:
		return []hunk{{start: pre, end: pre, deleted: len(o), oldLine: pre}}, nil
	}
	hs, ok := lineDiff(o, n, pre)
	if !ok {
		return nil, &Error{Path: path, Line: pre + 1, Msg: fmt.Sprintf(
			"the change from this line on (%d lines before, %d after) is too large to diff line by line; "+
				"commit it with a message of your own (git commit), then add the entry", len(o), len(n))}
	}
	return hs, nil
}

// Bounds of the line diff, in units that depend on the input only, never on
// the machine or its load: a bound on time made the same change give the
// right message idle and "no new entry" under load.
const (
	// maxDistinctLines is what go-diff can name with one rune each (the
	// code points less the surrogates); past it, it panicked.
	maxDistinctLines = 0x110000 - 0x800 - 1
	// maxDiffSteps bounds the work of the Myers search (O((N+M)·D)): a
	// few seconds; a sweep of 12,000 old lines takes a third of it, a
	// rewrite of 80,000 lines reaches it.
	maxDiffSteps = 1 << 30
)

// lineDiff diffs the middle part of two texts line by line with go-diff and
// returns its hunks, offset by the common prefix; false when the middle is
// beyond the bounds above.
func lineDiff(o, n text, offset int) ([]hunk, bool) {
	ids := make(map[string]rune, len(o))
	toRunes := func(t text) []rune {
		rs := make([]rune, len(t))
		for i, l := range t {
			r, ok := ids[l]
			if !ok {
				r = rune(len(ids) + 1)
				if r >= 0xD800 {
					r += 0x800 // no surrogate: each line is one valid rune
				}
				ids[l] = r
			}
			rs[i] = r
		}
		return rs
	}
	a, b := toRunes(o), toRunes(n)
	if len(ids) > maxDistinctLines || !diffWithin(a, b, maxDiffSteps) {
		return nil, false
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // no deadline: the same diff at any load
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
	return hs, true
}

// diffWithin reports whether the greedy Myers search finds the shortest
// edit script of a to b within budget steps (a step: one diagonal tried or
// one line matched). go-diff's search does the same work, from both ends:
// within budget here, it ends in about as much time.
func diffWithin(a, b []rune, budget int) bool {
	n, m := len(a), len(b)
	// Round d tries d+1 diagonals: past this d the budget is spent anyway.
	maxD := min(n+m, int(math.Sqrt(2*float64(budget)))+1)
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	steps := 0
	for d := 0; d <= maxD; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y, x0 := x-k, x
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			steps += 1 + x - x0
			if steps > budget {
				return false
			}
			v[off+k] = x
			if x >= n && y >= m {
				return true
			}
		}
	}
	return false
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
