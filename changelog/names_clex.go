package changelog

import "strings"

// cText is a C text as the C reader sees it: each line's code with
// comments and the contents of string and character literals blanked (so
// that braces and semicolons in them count for nothing), which lines are
// preprocessor directives (continuations included), and which hold only a
// comment.
type cText struct {
	code    []string
	pp      []bool
	comment []bool
}

// lexC blanks the comments and literals of a C (or C++) text.
func lexC(lines []string) cText {
	t := cText{code: make([]string, len(lines)), pp: make([]bool, len(lines)), comment: make([]bool, len(lines))}
	inComment, ppCont := false, false
	var b []byte
	for i, l := range lines {
		b = b[:0]
		sawComment := inComment
		for j := 0; j < len(l); j++ {
			c := l[j]
			switch {
			case inComment:
				if c == '*' && j+1 < len(l) && l[j+1] == '/' {
					inComment = false
					b = append(b, ' ', ' ')
					j++
					continue
				}
				b = append(b, ' ')
			case c == '/' && j+1 < len(l) && l[j+1] == '*':
				inComment, sawComment = true, true
				b = append(b, ' ', ' ')
				j++
			case c == '/' && j+1 < len(l) && l[j+1] == '/':
				sawComment = true
				for ; j < len(l); j++ {
					b = append(b, ' ')
				}
			case c == '"' || c == '\'':
				j = blankLiteral(l, j, &b)
			default:
				b = append(b, c)
			}
		}
		code := string(b)
		trimmed := strings.TrimSpace(code)
		t.code[i] = code
		t.pp[i] = ppCont || strings.HasPrefix(trimmed, "#")
		ppCont = t.pp[i] && strings.HasSuffix(strings.TrimRight(l, " \t"), "\\")
		t.comment[i] = sawComment && trimmed == ""
	}
	return t
}

// blankLiteral copies the literal that starts at l[j] (a quote) to b with
// its contents blanked and returns the index of its last byte. A literal
// ends at its closing quote or at the end of the line.
func blankLiteral(l string, j int, b *[]byte) int {
	q := l[j]
	*b = append(*b, q)
	for j++; j < len(l); j++ {
		switch l[j] {
		case '\\':
			*b = append(*b, ' ')
			if j+1 < len(l) {
				*b = append(*b, ' ')
				j++
			}
		case q:
			*b = append(*b, q)
			return j
		default:
			*b = append(*b, ' ')
		}
	}
	return j
}

// cIdentAt reports whether c can be part of a C identifier.
func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// cTokens splits C code into identifiers, numbers and single punctuation
// characters ("::" and "->" kept whole).
func cTokens(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case isIdentByte(c):
			j := i
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		case c == ':' && i+1 < len(s) && s[i+1] == ':':
			toks = append(toks, "::")
			i += 2
		default:
			toks = append(toks, s[i:i+1])
			i++
		}
	}
	return toks
}

// isIdent reports whether a token is an identifier (not a number).
func isIdent(t string) bool {
	return t != "" && isIdentByte(t[0]) && !(t[0] >= '0' && t[0] <= '9')
}

// isMacroName reports whether an identifier is spelled as C macros are:
// no lower-case letter.
func isMacroName(t string) bool {
	return isIdent(t) && strings.ToUpper(t) == t && strings.ContainsAny(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
}
