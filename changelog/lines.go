package changelog

import (
	"slices"
	"strings"
)

// changedLine is a line a diff adds (side 1, in the new text) or removes
// (side 0, in the old text), 0-based.
type changedLine struct {
	side int
	at   int
	text string
	// respaced: this line and its counterpart (a removed line and the
	// added one in its place) differ in white space only.
	respaced bool
}

// changedLines lists the lines of the hunks that change something worth
// naming: not blank, not a stamp (stampRe), not merely re-indented. A run
// of removed lines followed by as many added ones pairs them line by line;
// a pair that differs in white space only is re-indentation, unless the
// whole change is.
func changedLines(hunks []Hunk) []changedLine {
	var out, spaceOnly []changedLine
	for _, h := range hunks {
		o, n := h.OldStart-1, h.NewStart-1
		if h.OldCount == 0 {
			o++
		}
		if h.NewCount == 0 {
			n++
		}
		for i := 0; i < len(h.Lines); {
			if h.Lines[i][0] == ' ' {
				o, n, i = o+1, n+1, i+1
				continue
			}
			j := i
			for j < len(h.Lines) && h.Lines[j][0] == '-' {
				j++
			}
			k := j
			for k < len(h.Lines) && h.Lines[k][0] == '+' {
				k++
			}
			removed, added := h.Lines[i:j], h.Lines[j:k]
			for r, l := range removed {
				c := changedLine{side: 0, at: o + r, text: l[1:]}
				if len(removed) == len(added) {
					c.respaced = respaced(l[1:], added[r][1:])
				}
				out, spaceOnly = keep(out, spaceOnly, c, l[1:])
			}
			for a, l := range added {
				c := changedLine{side: 1, at: n + a, text: l[1:]}
				if len(removed) == len(added) {
					c.respaced = respaced(removed[a][1:], l[1:])
				}
				out, spaceOnly = keep(out, spaceOnly, c, l[1:])
			}
			o, n, i = o+len(removed), n+len(added), k
		}
	}
	if len(out) == 0 {
		return spaceOnly
	}
	return out
}

// respaced reports whether two lines differ in white space only, between
// tokens ("# define" and "#define" too, "int x" and "intx" not).
func respaced(a, b string) bool {
	if !sameNonSpace(a, b) {
		return false // most pairs: no tokens made
	}
	return slices.Equal(cTokens(a), cTokens(b))
}

// sameNonSpace reports whether a and b have the same characters once
// white space is left out.
func sameNonSpace(a, b string) bool {
	i, j := 0, 0
	for {
		for i < len(a) && (a[i] == ' ' || a[i] == '\t') {
			i++
		}
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if a[i] != b[j] {
			return false
		}
		i, j = i+1, j+1
	}
}

// keep sorts a changed line into those worth naming or those only
// re-indented; blank lines and stamps go nowhere.
func keep(out, spaceOnly []changedLine, c changedLine, text string) ([]changedLine, []changedLine) {
	switch {
	case strings.TrimSpace(text) == "" || stampRe().MatchString(text):
	case c.respaced:
		spaceOnly = append(spaceOnly, c)
	default:
		out = append(out, c)
	}
	return out, spaceOnly
}

// renamesThroughout reports whether the lines given replace one word by
// another everywhere and change nothing else: "assert" by "assure" in
// every function, "sed" by "$(SED)" in every rule, however the lines are
// wrapped. The removed lines' words, with every OLD put as NEW, must be
// the added lines' words, and OLD must occur at least twice. Added or
// removed words alone (an attribute added to each declaration) do not
// count: those entries name each declaration.
func renamesThroughout(lines []changedLine) bool {
	var removed, added []string
	for _, c := range lines {
		// A line's closing backslash is layout, as its white space is.
		toks := cTokens(strings.TrimSuffix(strings.TrimRight(c.text, " \t"), "\\"))
		if c.side == 0 {
			removed = append(removed, toks...)
		} else {
			added = append(added, toks...)
		}
	}
	i := 0
	for i < len(removed) && i < len(added) && removed[i] == added[i] {
		i++
	}
	if i == len(removed) || i == len(added) {
		return false
	}
	old := removed[i]
	if !isIdent(old) {
		return false // 1 by 2 in two places is no renaming
	}
	for k := 1; k <= 4 && i+k <= len(added); k++ {
		if n, ok := replacesAll(removed, added, old, added[i:i+k]); ok {
			return n >= 2
		}
	}
	return false
}

// replacesAll reports whether putting repl for each old in from gives to,
// and how many it put.
func replacesAll(from, to []string, old string, repl []string) (int, bool) {
	if slices.Contains(repl, old) {
		return 0, false
	}
	n, j := 0, 0
	for _, t := range from {
		if t == old {
			if j+len(repl) > len(to) || !slices.Equal(to[j:j+len(repl)], repl) {
				return 0, false
			}
			j += len(repl)
			n++
			continue
		}
		if j >= len(to) || to[j] != t {
			return 0, false
		}
		j++
	}
	return n, j == len(to)
}
