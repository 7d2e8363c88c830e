package changelog

import (
	"strings"
)

// m4Reader reads m4 and Autoconf: the macros AC_DEFUN, AC_DEFUN_ONCE,
// AU_DEFUN, m4_define and m4_defun define, and those a wrapper named
// *_AC_DEFUN defines (gl_iconv_AC_DEFUN([AM_ICONV], ...)).
var m4Reader = &reader{spans: m4Spans}

var m4DefRe = lazyRE(`(?:^|[^\w$])(\w*AC_DEFUN(?:_ONCE)?|AU_DEFUN|m4_define(?:_default)?|m4_defun(?:_once|_init)?)\(\s*\[*([^\],()\s\[]+)`)

func m4Spans(lines []string) []span {
	var spans []span
	for i, l := range lines {
		for _, m := range m4DefRe().FindAllStringSubmatchIndex(l, -1) {
			name := l[m[4]:m[5]]
			open := strings.IndexByte(l[m[2]:], '(') + m[2]
			end := m4CallEnd(lines, i, open)
			start := i
			for start > 0 && m4Comment(lines[start-1]) {
				start--
			}
			spans = append(spans, span{names: []string{name}, start: start, end: end})
		}
	}
	return spans
}

// m4Comment reports a line that is only a comment: "#" or "dnl".
func m4Comment(l string) bool {
	t := strings.TrimSpace(l)
	return (strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "#include")) || t == "dnl" || strings.HasPrefix(t, "dnl ")
}

// m4CallEnd finds the line of the parenthesis that closes the macro call
// whose '(' is at lines[i][col]: parentheses count outside [quotes] and
// outside comments (# and dnl to the end of the line), as m4 collects
// arguments. An unclosed call ends at the end of the text.
func m4CallEnd(lines []string, i, col int) int {
	depth, quote := 0, 0
	for ; i < len(lines); i++ {
		l := lines[i]
		for j := col; j < len(l); j++ {
			c := l[j]
			switch {
			case c == '[':
				quote++
			case c == ']' && quote > 0:
				quote--
			case quote > 0:
			case c == '#' || (c == 'd' && strings.HasPrefix(l[j:], "dnl") && (j == 0 || !isIdentByte(l[j-1])) && (j+3 == len(l) || !isIdentByte(l[j+3]))):
				j = len(l)
			case c == '(':
				depth++
			case c == ')':
				depth--
				if depth == 0 {
					return i
				}
			}
		}
		col = 0
	}
	return len(lines) - 1
}
