package changelog

import (
	"strings"
)

// cReader reads C and C++: functions, macros (#define, #undef), structs,
// unions, enums (and the constants of an anonymous one), typedefs,
// file-scope variables, declarations (also those made through a macro,
// DECLARE (name, ...)), and the #define under a changed #if.
var cReader = &reader{spans: cSpans}

// yaccReader reads the C parts of a yacc or lex file: its %{ %} prologue
// and what follows the second %%.
var yaccReader = &reader{spans: func(lines []string) []span { return cSpans(yaccC(lines)) }}

// yaccC blanks the lines of a grammar that are not C.
func yaccC(lines []string) []string {
	out := make([]string, len(lines))
	inC, marks := false, 0
	for i, l := range lines {
		switch t := strings.TrimSpace(l); {
		case t == "%{":
			inC = true
		case t == "%}":
			inC = false
		case t == "%%":
			marks++
		case inC || marks >= 2:
			out[i] = l
		}
	}
	return out
}

// cTok is a token of the top level with its line.
type cTok struct {
	text string
	line int
}

// cBlock is a top-level definition whose braces are open.
type cBlock struct {
	names       []string
	start       int
	aggregate   bool // struct, union, enum, initializer: ends at its ';'
	fromTail    bool // its names follow the closing brace (typedef, anonymous)
	enumerators bool // an anonymous enum: each constant is named
}

// cCond is a preprocessor conditional: the lines of its #if, #elif, #else
// and #endif, and the depth of braces where it started.
type cCond struct {
	dirs     []int
	depth    int
	firstEnd int // the depth at the end of its first branch; -1 before it ends
}

// cParser reads the top level of a C text.
type cParser struct {
	lines   []string
	lx      cLexer
	strs    []string // reused by texts
	spans   []span
	depth   int // braces open inside a definition
	outer   int // braces of extern "C" { and namespace { that hold definitions
	head    []cTok
	block   *cBlock // the definition being read, if any
	tail    []cTok  // after an aggregate's closing brace, up to its ';'
	conds   []*cCond
	topIfs  []*cCond // finished conditionals of the top level
	lastEnu int      // line of the last enumerator seen, -1 if none
	defines []int    // the spans of #define and #undef

	sawDirective bool   // a directive came before
	guardName    string // the macro of the first directive, #ifndef NAME
}

// cSpans lists the definitions of a C text.
func cSpans(lines []string) []span {
	p := &cParser{lines: lines, lastEnu: -1}
	p.lx.kind = make([]uint8, 0, len(lines))
	var toks []string
	for i, l := range lines {
		code := p.lx.line(l)
		if p.lx.kind[i]&ppLine != 0 {
			p.directive(i)
			continue
		}
		if p.depth > 0 && (p.block == nil || !p.block.enumerators) {
			// Inside a body only the braces count: no tokens (most lines).
			if code = p.skipBody(code, i); code == "" {
				continue
			}
		}
		toks = appendTokens(toks[:0], code)
		for _, tok := range toks {
			p.token(cTok{tok, i})
		}
	}
	p.condSpans()
	return sortSpans(p.spans)
}

// skipBody follows the braces of a line inside a definition's body and
// returns what follows the brace that closes the definition, if this line
// closes it, else "".
func (p *cParser) skipBody(code string, i int) string {
	for k := 0; k < len(code); k++ {
		switch code[k] {
		case '{':
			p.depth++
		case '}':
			if p.depth == 1 {
				p.close(cTok{"}", i})
				return code[k+1:]
			}
			p.depth--
		}
	}
	return ""
}

func (p *cParser) add(start, end int, names ...string) {
	if len(names) > 0 && start <= end {
		p.spans = append(p.spans, span{names: names, start: start, end: end})
	}
}

// token advances the reader by one token.
func (p *cParser) token(t cTok) {
	switch {
	case t.text == "{":
		p.open(t)
	case t.text == "}":
		p.close(t)
	case p.depth > 0:
		if p.block != nil && p.block.enumerators && p.depth == 1 {
			p.enumerator(t)
		}
	case t.text == ";":
		p.endStatement(t.line)
	case p.block != nil:
		p.tail = append(p.tail, t)
	default:
		p.head = append(p.head, t)
	}
}

// enumerator names each constant of an anonymous enum by its own line.
func (p *cParser) enumerator(t cTok) {
	if isIdent(t.text) && p.lastEnu == -2 {
		p.add(t.line, t.line, t.text)
		p.lastEnu = t.line
	}
	if t.text == "," {
		p.lastEnu = -2 // the next identifier is a constant
	}
}

func (p *cParser) open(t cTok) {
	if p.depth > 0 {
		p.depth++
		return
	}
	if p.block != nil { // "struct a { ... } b = {": the initializer is part of it
		p.depth++
		return
	}
	toks := p.texts(p.head)
	if isOuterBlock(toks) {
		p.outer++
		p.head = p.head[:0]
		return
	}
	b := classifyBlock(toks)
	b.start = p.startLine(b.nameAt)
	p.block = &b.cBlock
	p.depth = 1
	p.lastEnu = -2
}

func (p *cParser) close(t cTok) {
	switch {
	case p.depth > 1:
		p.depth--
	case p.depth == 1:
		p.depth = 0
		if p.block != nil && !p.block.aggregate {
			p.add(p.block.start, t.line, p.block.names...)
			p.block, p.head = nil, p.head[:0]
		}
	case p.outer > 0:
		p.outer--
		p.head = p.head[:0]
	}
}

// endStatement ends a declaration, or an aggregate at its ';'.
func (p *cParser) endStatement(line int) {
	if b := p.block; b != nil {
		names := b.names
		if b.fromTail {
			names = declarators(p.texts(p.tail))
		}
		p.add(b.start, line, names...)
		p.block, p.head, p.tail = nil, p.head[:0], p.tail[:0]
		return
	}
	if len(p.head) == 0 {
		return
	}
	names, at := declNames(p.texts(p.head))
	if len(names) > 0 {
		p.add(p.startLine(at), line, names...)
	}
	p.head = p.head[:0]
}

// startLine is where a definition starts: the line of its name token, and
// the lines above it that hold the rest of its head ("static int" above
// "foo (void)"), up to a blank line or a directive, then the comment right
// above it, which describes it.
func (p *cParser) startLine(nameAt int) int {
	if len(p.head) == 0 {
		return 0
	}
	nameAt = min(max(nameAt, 0), len(p.head)-1)
	first, l := p.head[0].line, p.head[nameAt].line
	for l > first && strings.TrimSpace(p.lines[l-1]) != "" && p.lx.kind[l-1]&ppLine == 0 {
		l--
	}
	for l > 0 && p.lx.kind[l-1]&commentLine != 0 {
		l--
	}
	return l
}

var directiveRe = lazyRE(`^\s*#\s*([a-z]+)\b\s*([A-Za-z_]\w*)?`)

// directive reads one preprocessor line: a macro is named by its #define
// (the whole directive, continuations included) or #undef; conditionals
// are followed so that braces count from the first branch only (as ctags
// does: the others repeat them) and so that a changed #if can name what it
// guards.
func (p *cParser) directive(i int) {
	m := directiveRe().FindStringSubmatch(p.lines[i])
	if m == nil {
		return // a continuation line
	}
	defer func() { p.sawDirective = true }()
	if len(p.head) > 0 && p.block == nil && p.depth == 0 {
		// A macro call without ';' before a directive ends there (but not
		// "int\nf (void)\n#undef x\n{"); a bare word
		// (_GL_INLINE_HEADER_BEGIN) is a statement of its own.
		if last := p.head[len(p.head)-1].text; last == ")" && len(p.head) > 1 && p.head[1].text == "(" {
			p.endStatement(p.head[len(p.head)-1].line)
		} else if len(p.head) == 1 && isMacroName(last) {
			p.head = p.head[:0]
		}
	}
	switch m[1] {
	case "define", "undef":
		p.define(i, m[2])
	case "if", "ifdef", "ifndef":
		p.conds = append(p.conds, &cCond{dirs: []int{i}, depth: p.depth, firstEnd: -1})
		if m[1] == "ifndef" && !p.sawDirective {
			p.guardName = m[2] // #ifndef FOO_H, #define FOO_H: an include guard
		}
	case "elif", "else":
		if c := p.cond(); c != nil {
			c.dirs = append(c.dirs, i)
			if c.firstEnd < 0 {
				c.firstEnd = p.depth
			}
			p.depth = c.depth
		}
	case "endif":
		if c := p.cond(); c != nil {
			c.dirs = append(c.dirs, i)
			if c.firstEnd >= 0 {
				p.depth = c.firstEnd
			}
			p.conds = p.conds[:len(p.conds)-1]
			if c.depth == 0 && p.block == nil {
				p.topIfs = append(p.topIfs, c)
			}
		}
	}
}

func (p *cParser) cond() *cCond {
	if len(p.conds) == 0 {
		return nil
	}
	return p.conds[len(p.conds)-1]
}

// texts is the text of each token, in a slice the parser reuses: what is
// made of it must not keep it.
func (p *cParser) texts(toks []cTok) []string {
	p.strs = p.strs[:0]
	for _, t := range toks {
		p.strs = append(p.strs, t.text)
	}
	return p.strs
}
