package changelog

import (
	"strings"
)

// pythonReader reads Python: def and class, by indentation; a method is
// named Class.method.
var pythonReader = &reader{spans: pythonSpans}

// lispReader reads Lisp and Scheme: the top-level (defun NAME ...),
// (defvar NAME ...), (define (NAME ...) ...) forms and their kin.
var lispReader = &reader{spans: lispSpans}

// goReader reads Go: functions, methods (Type.Method), and the types,
// variables and constants of the top level, one by one in a group.
var goReader = &reader{spans: goSpans}

var (
	pyDefRe   = lazyRE(`^(\s*)(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)`)
	lispDefRe = lazyRE(`^\((?:cl-)?(?:def[a-z-]*|define[a-z-]*)\*?\s+\(?([^\s()]+)`)
	goFuncRe  = lazyRE(`^func\s+(?:\(\s*(?:\w+\s+)?\*?\s*(\w+)(?:\[[^\]]*\])?\s*\)\s*)?(\w+)`)
	goDeclRe  = lazyRE(`^(?:type|var|const)\s+(\w+)`)
	goGroupRe = lazyRE(`^(?:type|var|const)\s+\($`)
	goSpecRe  = lazyRE(`^\t(\w+)`)
)

func pythonSpans(lines []string) []span {
	var spans []span
	type open struct {
		indent int
		name   string
	}
	var stack []open
	for i, l := range lines {
		m := pyDefRe().FindStringSubmatch(l)
		if m == nil {
			continue
		}
		indent := len(m[1])
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
		name := m[2]
		if len(stack) > 0 {
			name = stack[len(stack)-1].name + "." + name
		}
		stack = append(stack, open{indent, name})
		end := i
		for j := i + 1; j < len(lines); j++ {
			t := strings.TrimSpace(lines[j])
			if t == "" {
				continue
			}
			if len(lines[j])-len(strings.TrimLeft(lines[j], " \t")) <= indent {
				break
			}
			end = j
		}
		start := i
		for start > 0 && strings.HasPrefix(strings.TrimSpace(lines[start-1]), "@") {
			start-- // decorators
		}
		spans = append(spans, span{names: []string{name}, start: commentAbove(lines, start), end: end})
	}
	return sortSpans(spans)
}

func lispSpans(lines []string) []span {
	var spans []span
	for i, l := range lines {
		if m := lispDefRe().FindStringSubmatch(l); m != nil {
			spans = append(spans, span{names: []string{m[1]}, start: i, end: lispFormEnd(lines, i)})
		}
	}
	return spans
}

// lispFormEnd finds the line that closes the form opened at the start of
// lines[i], skipping strings, comments and character literals (?\().
func lispFormEnd(lines []string, i int) int {
	depth, inString := 0, false
	for ; i < len(lines); i++ {
		l := lines[i]
		for j := 0; j < len(l); j++ {
			c := l[j]
			switch {
			case inString:
				if c == '\\' {
					j++
				} else if c == '"' {
					inString = false
				}
			case c == '"':
				inString = true
			case c == ';':
				j = len(l)
			case c == '?' && j+1 < len(l) && l[j+1] == '\\':
				j += 2
			case c == '\\':
				j++
			case c == '(':
				depth++
			case c == ')':
				depth--
				if depth == 0 {
					return i
				}
			}
		}
	}
	return len(lines) - 1
}

func goSpans(lines []string) []span {
	var spans []span
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		var name string
		switch {
		case goFuncRe().MatchString(l):
			m := goFuncRe().FindStringSubmatch(l)
			name = m[2]
			if m[1] != "" {
				name = m[1] + "." + m[2]
			}
		case goGroupRe().MatchString(l):
			end := goGroup(lines, i, &spans)
			i = end
			continue
		case goDeclRe().MatchString(l):
			name = goDeclRe().FindStringSubmatch(l)[1]
		default:
			continue
		}
		end := i
		if strings.HasSuffix(l, "{") || strings.HasSuffix(l, "(") {
			end = goBlockEnd(lines, i)
		}
		spans = append(spans, span{names: []string{name}, start: goDocAbove(lines, i), end: end})
		i = end
	}
	return sortSpans(spans)
}

// goGroup names each spec of a "var (" group by its lines and returns the
// group's last line.
func goGroup(lines []string, i int, spans *[]span) int {
	end := goBlockEnd(lines, i)
	for j := i + 1; j < end; j++ {
		m := goSpecRe().FindStringSubmatch(lines[j])
		if m == nil {
			continue
		}
		last := j
		for last+1 < end && !goSpecRe().MatchString(lines[last+1]) && strings.TrimSpace(lines[last+1]) != "" &&
			!strings.HasPrefix(strings.TrimSpace(lines[last+1]), "//") {
			last++
		}
		*spans = append(*spans, span{names: []string{m[1]}, start: goDocAbove(lines, j), end: last})
	}
	return end
}

// goBlockEnd finds the '}' or ')' at the start of a line that closes the
// top-level declaration at i (gofmt puts it there).
func goBlockEnd(lines []string, i int) int {
	for j := i + 1; j < len(lines); j++ {
		if lines[j] == "}" || lines[j] == ")" || strings.HasPrefix(lines[j], "} ") || strings.HasPrefix(lines[j], ")") {
			return j
		}
	}
	return len(lines) - 1
}

// goDocAbove extends a declaration up over its doc comment.
func goDocAbove(lines []string, i int) int {
	for i > 0 && strings.HasPrefix(strings.TrimSpace(lines[i-1]), "//") {
		i--
	}
	return i
}
