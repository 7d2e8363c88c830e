package config

import (
	"bytes"
	"strconv"
	"strings"
)

// text is a configuration file's content, kept to name the line of what
// an error is about, as git does ("bad config line 12 in file .vcsync"):
// go-git's decoder keeps no positions.
type text struct {
	name string // how errors name the file
	b    []byte
	// lines indexes the file at the first at: the config of 4,000 remotes
	// asks for the line of each of their keys, and a scan of the file per
	// question made loading it quadratic (P7).
	// Copies of a text share it; a text without one (a test's) scans.
	lines *lineIndex
}

// lineIndex is a text's index, built at the first question.
type lineIndex struct{ m map[string]int }

// at returns "NAME:LINE" for the line of key in [section "sub"] (the
// section's header line when key is ""), or NAME alone when it cannot be
// found. Section and key names compare as git compares them, without case;
// a subsection with case. Of several, the last counts, as its value does.
func (t text) at(section, sub, key string) string {
	var m map[string]int
	if t.lines == nil {
		m = t.index()
	} else {
		if t.lines.m == nil {
			t.lines.m = t.index()
		}
		m = t.lines.m
	}
	line := m[posKey(section, sub, key)]
	if line == 0 {
		return t.name
	}
	return t.name + ":" + strconv.Itoa(line)
}

// posKey is the key of index's map.
func posKey(section, sub, key string) string {
	return strings.ToLower(section) + "\x00" + sub + "\x00" + strings.ToLower(key)
}

// index maps each section header and each key to the last line that has
// it, in one pass.
func (t text) index() map[string]int {
	m := map[string]int{}
	var section, sub string
	inSection := false
	for i, l := range bytes.Split(t.b, []byte("\n")) {
		s := strings.TrimSpace(string(l))
		if strings.HasPrefix(s, "[") {
			section, sub = header(s)
			inSection = true
			m[posKey(section, sub, "")] = i + 1
			continue
		}
		if !inSection {
			continue
		}
		k := s
		if j := strings.IndexFunc(s, func(r rune) bool { return !isKeyChar(r) }); j >= 0 {
			k = s[:j]
		}
		if k != "" {
			m[posKey(section, sub, k)] = i + 1
		}
	}
	return m
}

// header reads a section header line: [name] or [name "sub"] (go-git's
// decoder refuses git's old [name.sub]).
func header(s string) (name, sub string) {
	s = strings.TrimPrefix(s, "[")
	end := strings.LastIndexByte(s, ']')
	if end < 0 {
		return "", ""
	}
	s = s[:end]
	if q := strings.IndexByte(s, '"'); q >= 0 {
		name = strings.TrimSpace(s[:q])
		sub = strings.TrimSuffix(s[q+1:], `"`)
		sub = unquote.Replace(sub)
		return name, sub
	}
	return strings.TrimSpace(s), ""
}

// unquote undoes the escapes of a subsection name.
var unquote = strings.NewReplacer(`\"`, `"`, `\\`, `\`)

func isKeyChar(r rune) bool {
	return r == '-' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
}
