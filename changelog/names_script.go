package changelog

import (
	"regexp"
	"strings"
)

// shellReader reads shell scripts: functions, and the variables that
// the top level sets (NAME=value) or unsets.
var shellReader = &reader{spans: shellSpans}

// awkReader reads awk: functions, and BEGIN and END blocks.
var awkReader = &reader{spans: func(lines []string) []span {
	return countedSpans(lines, awkDefRe())
}}

// perlReader reads Perl: each sub.
var perlReader = &reader{spans: func(lines []string) []span {
	return countedSpans(lines, perlDefRe())
}}

var (
	shellFuncRe  = lazyRE(`^(\s*)(?:function\s+([A-Za-z_][\w.:-]*)(?:\s*\(\s*\))?|([A-Za-z_][\w.:-]*)\s*\(\s*\))\s*(?:\{.*)?$`)
	shellVarRe   = lazyRE(`^(?:export\s+|readonly\s+)?([A-Za-z_]\w*)=`)
	shellUnsetRe = lazyRE(`\bunset\s+([A-Za-z_]\w*)`)
	awkDefRe     = lazyRE(`^(\s*)(?:function\s+([A-Za-z_]\w*)|(BEGIN|END)\b)`)
	perlDefRe    = lazyRE(`^(\s*)sub\s+([A-Za-z_][\w:]*)()`)
)

func shellSpans(lines []string) []span {
	spans := braceSpans(lines, shellFuncRe())
	inFunc := lineIndex(spans, len(lines))
	for i := 0; i < len(lines); i++ {
		if inFunc[i] >= 0 {
			continue
		}
		l := lines[i]
		var name string
		if m := shellVarRe().FindStringSubmatch(l); m != nil {
			name = m[1]
		} else if m := shellUnsetRe().FindStringSubmatch(l); m != nil {
			name = m[1]
		}
		if name == "" {
			continue
		}
		end := shellStatementEnd(lines, i)
		spans = append(spans, span{names: []string{name}, start: commentAbove(lines, i), end: end})
		i = end
	}
	return sortSpans(spans)
}

// shellStatementEnd is the last line of the statement that starts at i: it
// goes on after a backslash or inside an open quote.
func shellStatementEnd(lines []string, i int) int {
	open := byte(0)
	for ; i < len(lines); i++ {
		open = shellQuotes(lines[i], open)
		if open == 0 && !strings.HasSuffix(lines[i], "\\") {
			return i
		}
	}
	return len(lines) - 1
}

// braceSpans finds shell functions by a pattern whose first group is the
// indentation and whose next non-empty group is the name, each ending at
// the first later line that starts with '}' at an indentation no deeper
// than the definition's (or at its own line, when its braces close there),
// outside a string that spans lines (a sed script): shell braces are too
// many things (${x}, patterns) to count.
func braceSpans(lines []string, def *regexp.Regexp) []span {
	return patternSpans(lines, def, func(i, indent int) int {
		if l := lines[i]; strings.Count(l, "{") > 0 && strings.Count(l, "{") <= strings.Count(l, "}") {
			return i
		}
		return closingBrace(lines, i, indent)
	})
}

// countedSpans finds definitions by a pattern as braceSpans does, each
// ending where the braces opened from its line close, those in strings
// and comments aside.
func countedSpans(lines []string, def *regexp.Regexp) []span {
	return patternSpans(lines, def, func(i, _ int) int { return braceEnd(lines, i) })
}

// patternSpans finds definitions by a pattern whose first group is the
// indentation and whose next non-empty group is the name; end gives the
// last line of the one at line i, indented so.
func patternSpans(lines []string, def *regexp.Regexp, end func(i, indent int) int) []span {
	var spans []span
	for i, l := range lines {
		m := def.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		name := ""
		for _, g := range m[2:] {
			if g != "" {
				name = g
				break
			}
		}
		if name != "" {
			spans = append(spans, span{names: []string{name}, start: commentAbove(lines, i), end: end(i, len(m[1]))})
		}
	}
	return sortSpans(spans)
}

// braceEnd finds the line where the braces opened from line i close.
func braceEnd(lines []string, i int) int {
	depth, opened, quote := 0, false, byte(0)
	for j := i; j < len(lines); j++ {
		l := lines[j]
		if !strings.HasSuffix(lines[max(j-1, 0)], "\\") {
			quote = 0 // a string goes on only after a backslash
		}
		for k := 0; k < len(l); k++ {
			c := l[k]
			switch {
			case quote != 0:
				if c == '\\' {
					k++
				} else if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '#':
				k = len(l)
			case c == '{':
				depth, opened = depth+1, true
			case c == '}':
				depth--
			}
		}
		if opened && depth <= 0 {
			return j
		}
	}
	return len(lines) - 1
}

// closingBrace finds the line after i that starts with '}' at an
// indentation of at most indent, outside a quoted string, or the end of
// the text.
func closingBrace(lines []string, i, indent int) int {
	open := byte(0)
	for j := i + 1; j < len(lines); j++ {
		l := lines[j]
		t := strings.TrimLeft(l, " \t")
		if open == 0 && strings.HasPrefix(t, "}") && len(l)-len(t) <= indent {
			return j
		}
		open = shellQuotes(l, open)
	}
	return len(lines) - 1
}

// shellQuotes returns the quote still open at the end of a shell line
// that starts inside open (0: none).
func shellQuotes(l string, open byte) byte {
	for j := 0; j < len(l); j++ {
		c := l[j]
		switch {
		case open == 0 && c == '#' && (j == 0 || l[j-1] == ' ' || l[j-1] == '\t'):
			return 0
		case c == '\\' && open != '\'':
			j++
		case open == 0 && (c == '\'' || c == '"'):
			open = c
		case c == open:
			open = 0
		}
	}
	return open
}
