package changelog

import (
	"path"
	"regexp"
	"strings"
)

// renamedFromRe reads the old name in the text of a renamed file's item,
// as vcsync entry writes it: "* new.c: Renamed from old.c."
var renamedFromRe = regexp.MustCompile(`:\s+(?:Renamed|Moved) from\s+([^\s,;:]+?)\.?$`)

// files collects the names that the "* FILE, FILE (FN) [COND]: text" items of
// the added lines give, relative to the repository root, and the line that
// names each first.
func (r *gnuReader) files(groups []group) ([]string, map[string]int, error) {
	dir := path.Dir(r.path)
	var names []string
	seen := map[string]int{}
	for _, g := range groups {
		open := false // the previous item's file list ended with a comma
		for k, l := range g.lines {
			t := strings.TrimSpace(l.text)
			var list string
			switch {
			case strings.HasPrefix(t, "* ") || strings.HasPrefix(t, "*\t"):
				list = strings.TrimSpace(t[1:])
			case open:
				list = t
			default:
				continue
			}
			next := ""
			if k+1 < len(g.lines) {
				next = strings.TrimSpace(g.lines[k+1].text)
			}
			toks, more := r.fileList(list, next, l)
			open = more
			if m := renamedFromRe.FindStringSubmatch(t); m != nil && len(toks) > 0 {
				// "* new.c: Renamed from old.c.": the commit takes both.
				toks = append(toks, m[1])
			}
			for _, tok := range toks {
				for _, name := range expandBraces(tok) {
					p, err := r.clean(dir, name, l)
					if err != nil {
						return nil, nil, err
					}
					if seen[p] == 0 {
						seen[p] = l.n
						names = append(names, p)
					}
				}
			}
		}
	}
	return names, seen, nil
}

// fileList splits the file list at the start of an item:
// "a.c, b.c (fn), c.c [COND]: text" names a.c, b.c and c.c. It returns the
// names and whether the list goes on on the next line (it ends with a
// comma). "* Version 2.0." names nothing: a list is read only where its form
// is unmistakable.
func (r *gnuReader) fileList(s, next string, l line) ([]string, bool) {
	toks, rest, more := scanList(s)
	for _, t := range toks {
		if strings.ContainsAny(t, " \t") {
			if strings.HasPrefix(rest, ":") {
				r.warn(l.n, "cannot read the file names of this item; expected \"* FILE[, FILE...] [(FUNCTION)]: TEXT\"")
			}
			return nil, false
		}
	}
	if rest == "" && !more && len(toks) == 1 && !strings.Contains(toks[0], "/") &&
		!strings.HasPrefix(next, "(") && !strings.HasPrefix(next, "[") {
		// "* NEWS" followed by prose: maybe a file, maybe a sentence.
		if !strings.HasSuffix(toks[0], ".") {
			r.warn(l.n, "cannot tell whether %q names a file; write \"* %s: TEXT\"", "* "+toks[0], toks[0])
		}
		return nil, false
	}
	for i, t := range toks {
		toks[i] = strings.Trim(t, "`'\"")
	}
	return toks, more
}

// scanList reads "NAME [(...)] [[...]], NAME ...: text" up to the colon. It
// returns the names, the text from the colon on ("" if the line ends first)
// and whether the line ends inside the list, after a comma.
func scanList(s string) (names []string, rest string, more bool) {
	for {
		s = strings.TrimLeft(s, " \t")
		i := strings.IndexAny(s, ",:(")
		if j := strings.Index(s, " ["); j >= 0 && (i < 0 || j < i) {
			i = j
		}
		if i < 0 {
			return appendTok(names, s), "", false
		}
		// A comma inside braces belongs to the name: lib/foo.{c,h}.
		if b := strings.IndexByte(s, '{'); b >= 0 && b < i && s[i] == ',' {
			if e := strings.IndexByte(s[b:], '}'); e > 0 {
				k := strings.IndexAny(s[b+e:], ",:(")
				if k < 0 {
					return appendTok(names, s), "", false
				}
				i = b + e + k
			}
		}
		names = appendTok(names, s[:i])
		s = strings.TrimLeft(s[i:], " ")
		s = skipGroups(s)
		switch {
		case strings.HasPrefix(s, ","):
			s = s[1:]
			if strings.TrimSpace(s) == "" {
				return names, "", true
			}
		default:
			return names, s, false
		}
	}
}

// skipGroups skips "(functions)" and "[conditions]" after a name. A group
// that the line does not close ends the list: "(" is returned for it.
func skipGroups(s string) string {
	for len(s) > 0 && (s[0] == '(' || s[0] == '[') {
		closer := ")"
		if s[0] == '[' {
			closer = "]"
		}
		e := strings.Index(s, closer)
		if e < 0 {
			return "("
		}
		s = strings.TrimLeft(s[e+1:], " ")
	}
	return s
}

func appendTok(out []string, t string) []string {
	if t = strings.TrimSpace(t); t != "" {
		out = append(out, t)
	}
	return out
}

// expandBraces expands one level of shell-style braces: lib/foo.{c,h} names
// lib/foo.c and lib/foo.h.
func expandBraces(s string) []string {
	i := strings.IndexByte(s, '{')
	j := strings.IndexByte(s, '}')
	if i < 0 || j < i {
		return []string{s}
	}
	var out []string
	for _, alt := range strings.Split(s[i+1:j], ",") {
		out = append(out, s[:i]+strings.TrimSpace(alt)+s[j+1:])
	}
	return out
}

// clean makes a name relative to the repository root. A name that leaves the
// repository is an error: committing it is impossible, and guessing is wrong.
func (r *gnuReader) clean(dir, name string, l line) (string, error) {
	p := path.Clean(path.Join(dir, name))
	if path.IsAbs(name) || p == ".." || strings.HasPrefix(p, "../") || p == "." {
		return "", &Error{Path: r.path, Line: l.n, Text: l.text,
			Msg: "names " + quote(name) + ", which is not a file inside the repository; name files relative to the ChangeLog's directory"}
	}
	return p, nil
}

func quote(s string) string { return "\"" + s + "\"" }
