package changelog

import "strings"

// Line kinds a C lexer records.
const (
	ppLine      uint8 = 1 << iota // a preprocessor directive, or its continuation
	commentLine                   // only a comment
)

// cLexer blanks the comments and the contents of string and character
// literals of a C (or C++) text, line after line, so that braces and
// semicolons in them count for nothing; it records each line's kind.
type cLexer struct {
	kind      []uint8
	inComment bool
	prev      string // the line before
	buf       []byte
}

// line lexes the next line and returns its code. A line with nothing to
// blank is returned as it is: no copy (most lines).
func (x *cLexer) line(l string) string {
	i := len(x.kind)
	var kind uint8
	if i > 0 && x.kind[i-1]&ppLine != 0 && strings.HasSuffix(strings.TrimRight(x.prev, " \t"), "\\") {
		kind = ppLine
	}
	x.prev = l
	code := l
	sawComment := x.inComment
	if x.inComment || strings.ContainsAny(l, "/\"'") {
		code, sawComment = x.blank(l)
	}
	trimmed := strings.TrimSpace(code)
	if strings.HasPrefix(trimmed, "#") {
		kind |= ppLine
	}
	if sawComment && trimmed == "" {
		kind |= commentLine
	}
	x.kind = append(x.kind, kind)
	return code
}

// blank returns l with its comments and literals blanked, and whether it
// has a comment.
func (x *cLexer) blank(l string) (string, bool) {
	b := x.buf[:0]
	sawComment := x.inComment
	for j := 0; j < len(l); j++ {
		c := l[j]
		switch {
		case x.inComment:
			if c == '*' && j+1 < len(l) && l[j+1] == '/' {
				x.inComment = false
				b = append(b, ' ', ' ')
				j++
				continue
			}
			b = append(b, ' ')
		case c == '/' && j+1 < len(l) && l[j+1] == '*':
			x.inComment, sawComment = true, true
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
	x.buf = b
	return string(b), sawComment
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
// characters ("::" kept whole).
func cTokens(s string) []string { return appendTokens(nil, s) }

// appendTokens appends the tokens of s to toks: a reader reuses one slice
// for every line (the allocations were most of the time of vcsync entry).
func appendTokens(toks []string, s string) []string {
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
