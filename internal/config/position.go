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
}

// at returns "NAME:LINE" for the line of key in [section "sub"] (the
// section's header line when key is ""), or NAME alone when it cannot be
// found. Section and key names compare as git compares them, without case;
// a subsection with case. Of several, the last counts, as its value does.
func (t text) at(section, sub, key string) string {
	line := 0
	inSection := false
	for i, l := range bytes.Split(t.b, []byte("\n")) {
		s := strings.TrimSpace(string(l))
		if strings.HasPrefix(s, "[") {
			name, subName := header(s)
			inSection = strings.EqualFold(name, section) && subName == sub
			if inSection && key == "" {
				line = i + 1
			}
			continue
		}
		if !inSection || key == "" {
			continue
		}
		k := s
		if j := strings.IndexFunc(s, func(r rune) bool { return !isKeyChar(r) }); j >= 0 {
			k = s[:j]
		}
		if k != "" && strings.EqualFold(k, key) {
			line = i + 1
		}
	}
	if line == 0 {
		return t.name
	}
	return t.name + ":" + strconv.Itoa(line)
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
		sub = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(sub)
		return name, sub
	}
	return strings.TrimSpace(s), ""
}

func isKeyChar(r rune) bool {
	return r == '-' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
}
