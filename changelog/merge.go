package changelog

import (
	"errors"
	"fmt"
	"strings"
)

// ErrMergeConflict is wrapped by Merge's error when the two versions
// cannot be merged entry by entry.
var ErrMergeConflict = errors.New("ChangeLog merge conflict")

// Merge merges two versions of a ChangeLog that descend from base, by
// gnulib's git-merge-changelog rule: the entries local adds at the top go
// first, then those upstream adds, both intact, then the older entries,
// where an edit made on one side is kept. local is the side being
// replayed or merged in by the user (their unpushed commit), upstream the
// side that is already published (a colleague's revision).
//
// An old entry edited differently on both sides, or entries removed or
// added below the top, cannot be merged by that rule: the error wraps
// ErrMergeConflict, and the caller leaves the file to a line merge or to
// the user.
func Merge(base, upstream, local []byte) ([]byte, error) {
	o, a, b := splitEntries(string(base)), splitEntries(string(upstream)), splitEntries(string(local))
	ka, okA := topAdded(o, a)
	kb, okB := topAdded(o, b)
	if !okA || !okB {
		return nil, fmt.Errorf("%w: a side removes entries, or adds them below the top", ErrMergeConflict)
	}
	out := append(append([]string(nil), b[:kb]...), a[:ka]...)
	for i := range o {
		oa, ob := a[ka+i], b[kb+i]
		switch {
		case oa == o[i] || oa == ob:
			out = append(out, ob)
		case ob == o[i]:
			out = append(out, oa)
		default:
			return nil, fmt.Errorf("%w: both sides edit the entry %q", ErrMergeConflict, firstLine(o[i]))
		}
	}
	if len(out) > 0 && kb > 0 && ka > 0 {
		// The local entries now sit on the upstream ones: one blank line
		// between them, as between any two entries.
		out[kb-1] = separated(out[kb-1])
	}
	return []byte(strings.Join(out, "")), nil
}

// splitEntries cuts a ChangeLog into its entries, each with the blank
// lines that follow it. An entry starts at a line that is neither blank
// nor indented, after a blank line or at the top, or at a header line
// wherever it is; what comes before the first one is an entry of its own.
func splitEntries(s string) []string {
	var out []string
	start, prevBlank := 0, true
	for i := 0; i < len(s); {
		end := strings.IndexByte(s[i:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += i + 1
		}
		line := s[i:end]
		blank := strings.TrimSpace(line) == ""
		starts := !blank && line[0] != ' ' && line[0] != '\t' && (prevBlank || isHeaderish(line))
		if starts && i > start {
			out = append(out, s[start:i])
			start = i
		}
		prevBlank = blank
		i = end
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// topAdded returns how many entries x adds at the top of o: x then ends
// with as many entries as o has, each the same or edited. ok is false when
// x has fewer entries, or when one of those it adds is one of o's (entries
// added or removed further down shifted the alignment).
func topAdded(o, x []string) (int, bool) {
	k := len(x) - len(o)
	if k < 0 {
		return 0, false
	}
	old := make(map[string]bool, len(o))
	for _, e := range o {
		old[e] = true
	}
	for _, e := range x[:k] {
		if old[e] {
			return 0, false
		}
	}
	return k, true
}

// separated makes an entry end with a blank line.
func separated(e string) string {
	if !strings.HasSuffix(e, "\n") {
		e += "\n"
	}
	if !strings.HasSuffix(e, "\n\n") {
		e += "\n"
	}
	return e
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
