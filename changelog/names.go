package changelog

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// span is a definition found in a text: a function, a macro, a variable, a
// Texinfo node, a section. Lines are 0-based and inclusive. A change to any
// of its lines changes the names.
type span struct {
	names      []string
	start, end int
}

// A reader finds the definitions of one language.
type reader struct {
	// spans lists the definitions of a text, outer ones before the
	// definitions they hold.
	spans func(lines []string) []span
}

// readerFor picks the reader for a file by its name, then by its first
// line (#! and the like); nil when vcsync knows no reader for it, and the
// hunks' funcname lines are used instead.
func readerFor(p string, first string) *reader {
	base := path.Base(p)
	ext := path.Ext(base)
	switch ext {
	case ".c", ".h", ".cc", ".cpp", ".cxx", ".hh", ".hpp", ".hxx", ".C", ".H", ".m":
		return cReader
	case ".y", ".l":
		return yaccReader
	case ".m4", ".ac":
		return m4Reader
	case ".texi", ".texinfo", ".txi":
		return texiReader
	case ".mk", ".make", ".am":
		return makeReader
	case ".sh", ".bash", ".ksh", ".zsh":
		return shellReader
	case ".awk":
		return awkReader
	case ".pl", ".pm", ".perl":
		return perlReader
	case ".py":
		return pythonReader
	case ".el", ".lisp", ".lsp", ".cl", ".scm", ".ss":
		return lispReader
	case ".go":
		return goReader
	case ".md", ".markdown":
		return markdownReader
	}
	switch {
	case strings.HasPrefix(base, "Makefile"), base == "GNUmakefile", base == "makefile":
		return makeReader
	case base == "configure.in", base == "aclocal.m4":
		return m4Reader
	}
	if r := readerByContent(first); r != nil {
		return r
	}
	if ext == ".in" {
		// lib/foo.in.h, Makefile.in: the template's own kind.
		return readerFor(strings.TrimSuffix(p, ".in"), first)
	}
	return nil
}

var (
	shebangRe  = lazyRE(`^#!\s*(?:/usr)?(?:/local)?/bin/(?:env\s+(?:-S\s+)?)?([a-z]+)`)
	modeLineRe = lazyRE(`-\*-\s*(?:.*\bmode:\s*)?([\w-]+)\s*;?.*-\*-`)
)

// readerByContent reads a file's kind from its first line: a #! line, an
// Emacs mode line (-*- awk -*-), or the "Section:" first line of a file
// laid out in sections (gnulib's modules/ descriptions).
func readerByContent(first string) *reader {
	m := shebangRe().FindStringSubmatch(first)
	if m == nil {
		m = modeLineRe().FindStringSubmatch(first)
	}
	if m != nil {
		switch prog := strings.TrimSuffix(m[1], "-script"); {
		case prog == "sh" || prog == "bash" || prog == "ksh" || prog == "zsh" || prog == "dash" || prog == "shell":
			return shellReader
		case strings.HasSuffix(prog, "awk"):
			return awkReader
		case prog == "perl":
			return perlReader
		case strings.HasPrefix(prog, "python"):
			return pythonReader
		case prog == "emacs" || prog == "guile" || prog == "lisp" || prog == "scheme" || prog == "emacs-lisp":
			return lispReader
		}
		return nil
	}
	if sectionRe().MatchString(first) {
		return sectionReader
	}
	return nil
}

// changedNames returns the names that the hunks of a modified file change,
// in the order of the file: those of the definitions holding an added line
// (found in the new text) or a removed one (in the old text). A file with
// no reader falls back on the hunks' funcname lines. A file where one
// word is replaced by another in every definition it changes (assert by
// assure) names nothing: the entry says the replacement, not where.
func changedNames(f FileDiff, oldText, newText []string) []string {
	first := ""
	if len(newText) > 0 {
		first = newText[0]
	} else if len(oldText) > 0 {
		first = oldText[0]
	}
	rd := readerFor(f.Path, first)
	if rd == nil || (oldText == nil && newText == nil) {
		return funcLineNames(f.Hunks)
	}
	var sides [2]struct {
		spans []span
		idx   []int
	}
	texts := [2][]string{oldText, newText}
	var names []string
	var named []changedLine
	seen := map[string]bool{}
	for _, c := range changedLines(f.Hunks) {
		sd := &sides[c.side]
		if sd.idx == nil {
			sd.spans = rd.spans(texts[c.side])
			sd.idx = lineIndex(sd.spans, len(texts[c.side]))
		}
		if c.at >= len(sd.idx) || sd.idx[c.at] < 0 {
			continue
		}
		named = append(named, c)
		for _, n := range sd.spans[sd.idx[c.at]].names {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	if len(names) > 1 && renamesThroughout(named) {
		return nil
	}
	return names
}

// stampRe matches the lines that tools keep up to date and no entry
// mentions: a copyright notice's years, a version stamp that Emacs's
// time-stamp rewrites on each save (scriptversion=2012-04-16.16; # UTC),
// an m4 file's "# foo.m4 serial N".
var stampRe = lazyRE(`(?i)copyright\b.*\d{4}|^\s*(?:scriptversion|timestamp|time-stamp)=|time-stamp:|^\s*(?:#|dnl)\s*(?:\S+\s+)?serial\s+\d`)

// lineIndex maps each line to the innermost span holding it (-1: none).
// Spans come outer first, so an inner one overwrites its outer one's lines.
func lineIndex(spans []span, n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = -1
	}
	for k, s := range spans {
		for i := max(s.start, 0); i <= s.end && i < n; i++ {
			idx[i] = k
		}
	}
	return idx
}

// funcLineRe finds what a funcname line defines: a word after a defining
// keyword, else the identifier before the first parenthesis.
var (
	keywordDefRe = lazyRE(`^\s*(?:(?:export|public|private|protected|static|async|pub|local)\s+)*(?:def|func|function|sub|class|proc|fn|method|module|interface|struct|enum|trait|impl|type|package|macro|defun|defmacro|procedure)\s+([A-Za-z_$][\w$.:]*)`)
	// The name before a parenthesis at the start of a line, after a few
	// words at most (static int count (void)); not in prose.
	callDefRe  = lazyRE(`^\s*(?:[A-Za-z_][\w]*[\s*]+){0,4}([A-Za-z_$][\w$.:]*)\s*\(`)
	loneWordRe = lazyRE(`^[A-Za-z_$][\w$.:-]*$`)
)

// funcLineNames is the fallback for formats without a reader: the names
// that the funcname line of each hunk with a change defines.
func funcLineNames(hunks []Hunk) []string {
	var names []string
	seen := map[string]bool{}
	for _, h := range hunks {
		n := funcLineName(h.Func)
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return names
}

// funcLineName reads the name a funcname line defines, or "". A driver's
// xfuncname with a group makes git show the group alone: a lone word is
// that name.
func funcLineName(l string) string {
	if m := keywordDefRe().FindStringSubmatch(l); m != nil {
		return m[1]
	}
	if loneWordRe().MatchString(l) {
		return l
	}
	if m := callDefRe().FindStringSubmatch(l); m != nil && !controlWords[m[1]] {
		return m[1]
	}
	return ""
}

// controlWords are words before a parenthesis that define nothing.
var controlWords = map[string]bool{"if": true, "for": true, "while": true, "switch": true, "return": true, "sizeof": true, "elif": true, "catch": true}

// lazyRE compiles a pattern when it is first used: only vcsync entry's
// readers need these, and compiling them all at start-up cost every
// command (vcsync message too, P1) a millisecond.
func lazyRE(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}

// sortSpans orders spans outer first: by start, then the longer first, as
// lineIndex needs them.
func sortSpans(spans []span) []span {
	slices.SortStableFunc(spans, func(a, b span) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	return spans
}
