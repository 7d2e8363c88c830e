package changelog

import (
	"strings"
)

// makeReader reads Makefiles (Makefile, Makefile.am, *.mk): rules name
// their targets, assignments their variables, define ... endef its
// variable.
var makeReader = &reader{spans: makeSpans}

var (
	makeVarRe    = lazyRE(`^\s*(?:export\s+|override\s+)?([A-Za-z_][\w.-]*)\s*(?::{1,3}|\?|\+|!)?=`)
	makeRuleRe   = lazyRE(`^([^\s#:=][^:=#]*?)\s*::?(?:[^=]|$)`)
	makeDefineRe = lazyRE(`^\s*define\s+(\S+)`)
)

func makeSpans(lines []string) []span {
	var spans []span
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "\t") || strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		var names []string
		end := continued(lines, i)
		switch {
		case makeDefineRe().MatchString(l):
			names = []string{makeDefineRe().FindStringSubmatch(l)[1]}
			for end < len(lines)-1 && strings.TrimSpace(lines[end]) != "endef" {
				end++
			}
		case makeVarRe().MatchString(l):
			names = []string{makeVarRe().FindStringSubmatch(l)[1]}
		case makeRuleRe().MatchString(l):
			for _, t := range strings.Fields(makeRuleRe().FindStringSubmatch(l)[1]) {
				if !strings.HasPrefix(t, ".") || strings.Contains(t[1:], ".") || strings.Contains(t, "/") {
					names = append(names, t) // not a special target (.PHONY) but a file
				}
			}
			for end+1 < len(lines) && strings.HasPrefix(lines[end+1], "\t") {
				end = continued(lines, end+1)
			}
		}
		if len(names) > 0 {
			spans = append(spans, span{names: names, start: commentAbove(lines, i), end: end})
		}
		i = end
	}
	return spans
}

// continued returns the last line of the logical line that starts at i:
// lines ending with a backslash go on.
func continued(lines []string, i int) int {
	for i+1 < len(lines) && strings.HasSuffix(lines[i], "\\") {
		i++
	}
	return i
}

// commentAbove extends a definition at line i up over the "#" comment
// lines right above it, which describe it.
func commentAbove(lines []string, i int) int {
	for i > 0 {
		t := strings.TrimSpace(lines[i-1])
		if !strings.HasPrefix(t, "#") || strings.HasPrefix(t, "#!") {
			break
		}
		i--
	}
	return i
}
