package changelog

import (
	"fmt"
	"strings"
)

// SplitLines splits a text into lines without their ends ("\n", "\r\n"); a
// final line end adds no empty line.
func SplitLines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// OldLines rebuilds the text before the change from the text after it and
// the diff's hunks: a diff holds every line it removes, so the old text of a
// modified file needs no second read from the repository. It fails when
// the text does not have the hunks' lines where they say (the working tree
// changed since the diff, or a filter made the diff's text differ from the
// file's).
func OldLines(newText []string, hunks []Hunk) ([]string, error) {
	return patchLines(newText, hunks, true)
}

// NewLines applies the hunks to the text before the change.
func NewLines(oldText []string, hunks []Hunk) ([]string, error) {
	return patchLines(oldText, hunks, false)
}

// patchLines applies hunks to text, or undoes them with reverse.
func patchLines(text []string, hunks []Hunk, reverse bool) ([]string, error) {
	keep, take := byte('-'), byte('+') // lines of the source side, of the result side
	if reverse {
		keep, take = '+', '-'
	}
	out := make([]string, 0, len(text)+8)
	pos := 0 // next line of text to copy
	for _, h := range hunks {
		start := h.OldStart
		if reverse {
			start = h.NewStart
		}
		// A hunk of count 0 starts after its line, others at it (1-based).
		from := start - 1
		if (reverse && h.NewCount == 0) || (!reverse && h.OldCount == 0) {
			from = start
		}
		if from < pos || from > len(text) {
			return nil, fmt.Errorf("hunk at line %d is out of order or past the end", start)
		}
		out = append(out, text[pos:from]...)
		pos = from
		for _, l := range h.Lines {
			switch l[0] {
			case ' ', keep:
				if pos >= len(text) || text[pos] != l[1:] {
					return nil, fmt.Errorf("line %d does not match the diff", pos+1)
				}
				if l[0] == ' ' {
					out = append(out, text[pos])
				}
				pos++
			case take:
				out = append(out, l[1:])
			}
		}
	}
	return append(out, text[pos:]...), nil
}
