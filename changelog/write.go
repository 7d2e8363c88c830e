package changelog

import (
	"bytes"
	"fmt"
	"strings"
)

// EntryInput is what WriteEntry needs for one ChangeLog.
type EntryInput struct {
	Path     string       // the ChangeLog, for messages
	Old, Cur []byte       // its text at HEAD (nil if new) and in the working tree
	Header   string       // the header of a new entry (Header gives it)
	Changes  []FileChange // the changes that belong to this ChangeLog, in diff order
	Dir      string       // the ChangeLog's directory: item paths are relative to it
}

// EntryOutput is what WriteEntry makes of a ChangeLog.
type EntryOutput struct {
	Text    []byte // the ChangeLog's new text
	Entry   string // the entry in it, header first
	Updated bool   // an uncommitted entry was updated, rather than a new one written
}

// WriteEntry returns the ChangeLog's text with the new entry's skeleton for
// the changes, and the entry itself. Where the working tree already adds
// an entry at the top (one that HEAD lacks), that entry is updated in
// place: what its author wrote stays; items and names for the changes it
// lacks are added; files and names that are no longer changed are dropped.
// Committed entries are never touched.
func WriteEntry(in EntryInput) (EntryOutput, error) {
	items := Skeleton(in.Changes, in.Dir)
	cur := SplitLines(in.Cur)
	topEnd, err := uncommittedTop(SplitLines(in.Old), cur)
	if err != nil {
		return EntryOutput{}, fmt.Errorf("%s: %w", in.Path, err)
	}
	h, end := -1, topEnd
	for i := 0; i < topEnd; i++ {
		if _, ok := parseHeader(cur[i]); ok {
			if h >= 0 {
				end = i
				break
			}
			h = i
		}
	}
	// A ChangeLog with CRLF line ends keeps them: rewriting every line
	// would make the whole file the change.
	eol := "\n"
	if bytes.Contains(in.Cur, []byte("\r\n")) {
		eol = "\r\n"
	}
	if h < 0 {
		e := FormatEntry(in.Header, items)
		var rest []string
		if len(cur) > 0 {
			rest = append([]string{""}, cur...)
		}
		lines := append(SplitLines([]byte(e)), rest...)
		return EntryOutput{Text: []byte(strings.Join(lines, eol) + eol), Entry: e}, nil
	}
	for end > h && strings.TrimSpace(cur[end-1]) == "" {
		end--
	}
	updated := updateEntry(cur[h:end], items, definedNames(in.Changes, in.Dir))
	out := append(append(append([]string{}, cur[:h]...), updated...), cur[end:]...)
	return EntryOutput{Text: []byte(strings.Join(out, eol) + eol), Entry: strings.Join(updated, "\n") + "\n", Updated: true}, nil
}

// uncommittedTop finds where the committed entries start in the working
// tree's text: the lines above them are the new, uncommitted ones.
func uncommittedTop(old, cur []string) (int, error) {
	k := 0
	for k < len(old) && strings.TrimSpace(old[k]) == "" {
		k++
	}
	if k == len(old) {
		return len(cur), nil // no committed entry
	}
	m := min(len(old)-k, 20)
	for p := 0; p+m <= len(cur); p++ {
		if cur[p] != old[k] {
			continue
		}
		same := true
		for j := 1; j < m && same; j++ {
			same = cur[p+j] == old[k+j]
		}
		if same {
			return p, nil
		}
	}
	return 0, fmt.Errorf("cannot find the committed entries in the working tree's text (the top committed entry was edited); undo that edit, or write the entry by hand")
}

// definedNames lists, per file (relative to dir), the names its new text
// defines: a name the entry gives that is defined but not changed is no
// longer changed, and goes; a name vcsync cannot find (a README section)
// is the author's, and stays.
func definedNames(changes []FileChange, dir string) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, c := range changes {
		set := map[string]bool{}
		for _, t := range [][]string{c.Old, c.New} {
			if rd := readerFor(c.Path, firstOf(t)); rd != nil && t != nil {
				for _, s := range rd.spans(t) {
					for _, n := range s.names {
						set[n] = true
					}
				}
			}
		}
		out[relTo(dir, c.Path)] = set
	}
	return out
}

// firstOf is the first line of a file's text, "" for none.
func firstOf(t []string) string {
	if len(t) == 0 {
		return ""
	}
	return t[0]
}
