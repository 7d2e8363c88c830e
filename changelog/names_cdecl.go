package changelog

import "slices"

// isOuterBlock reports whether the head of a brace holds definitions
// rather than being one: extern "C" {, namespace NAME {.
func isOuterBlock(toks []string) bool {
	if len(toks) == 0 {
		return false
	}
	if toks[0] == "namespace" {
		return true
	}
	if toks[0] != "extern" || len(toks) < 2 {
		return false
	}
	for _, t := range toks[1:] {
		if t != "\"" {
			return false
		}
	}
	return true
}

// blockHead is what the head of a top-level brace defines, and the index
// of its name token in the head.
type blockHead struct {
	cBlock
	nameAt int
}

// classifyBlock reads the head of a top-level brace: a function, a
// struct, union, enum or class, or an initialized variable.
func classifyBlock(toks []string) blockHead {
	if len(toks) == 0 {
		return blockHead{}
	}
	if eq := indexOutsideParens(toks, "="); eq >= 0 {
		names, at := declarators2(toks[:eq])
		return blockHead{cBlock: cBlock{names: names, aggregate: true}, nameAt: at}
	}
	paren := slices.Index(toks, "(")
	kw := -1
	for i, t := range toks {
		if t == "struct" || t == "union" || t == "enum" || t == "class" {
			kw = i
			break
		}
	}
	if kw >= 0 && paren < 0 { // struct foo *bar (void) { is a function
		b := blockHead{cBlock: cBlock{aggregate: true}, nameAt: kw}
		tag := ""
		if kw+1 < len(toks) && isIdent(toks[kw+1]) {
			tag = toks[kw+1]
			b.nameAt = kw + 1
		}
		switch {
		case toks[0] == "typedef" || tag == "":
			b.fromTail = true
		default:
			b.names = []string{toks[kw] + " " + tag}
		}
		b.enumerators = toks[kw] == "enum" && tag == ""
		return b
	}
	if paren > 0 {
		name, at := nameBeforeParen(toks, paren)
		if name != "" {
			return blockHead{cBlock: cBlock{names: []string{name}}, nameAt: at}
		}
	}
	return blockHead{}
}

// declNames reads a declaration (the tokens before its ';'): what it
// declares, and the index of the name token.
func declNames(toks []string) ([]string, int) {
	if len(toks) == 0 {
		return nil, 0
	}
	if len(toks) == 2 && (toks[0] == "struct" || toks[0] == "union" || toks[0] == "enum") && isIdent(toks[1]) {
		return []string{toks[0] + " " + toks[1]}, 1
	}
	paren := slices.Index(toks, "(")
	eq := indexOutsideParens(toks, "=")
	if paren > 0 && (eq < 0 || paren < eq) && toks[0] != "typedef" {
		name, at := nameBeforeParen(toks, paren)
		if name == "" {
			return nil, 0
		}
		return []string{name}, at
	}
	if toks[0] == "typedef" {
		// typedef int (*fn_t) (void); typedef struct foo foo_t;
		if paren >= 0 && paren+2 < len(toks) && toks[paren+1] == "*" && isIdent(toks[paren+2]) {
			return []string{toks[paren+2]}, paren + 2
		}
		if paren >= 0 {
			toks = toks[:paren]
		}
		for i := len(toks) - 1; i > 0; i-- {
			if isIdent(toks[i]) && !isAttribute(toks[i]) {
				return []string{toks[i]}, i
			}
		}
		return nil, 0
	}
	return declarators2(toks)
}

// declarators reads the names that a list of declarators defines: the
// identifier before each '=', '[' or ',' (skipping attributes).
func declarators(toks []string) []string {
	names, _ := declarators2(toks)
	return names
}

func declarators2(toks []string) ([]string, int) {
	var names []string
	at, depth, last, lastAt := 0, 0, "", -1
	flush := func() {
		if last != "" && !slices.Contains(names, last) {
			if len(names) == 0 {
				at = lastAt
			}
			names = append(names, last)
		}
		last = ""
	}
	for i, t := range toks {
		switch {
		case t == "(" || t == "[":
			if depth == 0 && t == "(" && i+1 < len(toks) && toks[i+1] == "*" {
				// (*name): a pointer to a function or an array
				if i+2 < len(toks) && isIdent(toks[i+2]) {
					last, lastAt = toks[i+2], i+2
				}
			}
			depth++
		case t == ")" || t == "]":
			depth--
		case depth > 0:
		case t == "=":
			flush()
			depth = 1000 // skip the initializer up to the next ','
		case t == ",":
			flush()
		case isIdent(t) && !isAttribute(t) && !cKeywords[t]:
			last, lastAt = t, i
		}
		if depth >= 1000 && t == "," {
			depth = 0
		}
	}
	flush()
	return names, at
}

// nameBeforeParen is the name a declaration or definition with a
// parameter list gives: the identifier before its first '(' (Class::name
// in C++), the pointer's name in "(*name) (...)", or, for a macro that
// declares (DECLARE (name, ...), written in capitals at the start), its
// first argument.
func nameBeforeParen(toks []string, paren int) (string, int) {
	if paren+2 < len(toks) && toks[paren+1] == "*" && isIdent(toks[paren+2]) {
		return toks[paren+2], paren + 2
	}
	i := paren - 1
	if i < 0 || !isIdent(toks[i]) || cKeywords[toks[i]] {
		return "", 0
	}
	if isAttribute(toks[i]) {
		// int x __attribute__ ((unused)): the name comes before it.
		return "", 0
	}
	if i == 0 && isMacroName(toks[0]) {
		// A statement that is a macro call declares its first argument, or
		// nothing (CHECK (ns::f, int)): the macro itself is not defined here.
		if paren+2 < len(toks) && isIdent(toks[paren+1]) && (toks[paren+2] == "," || toks[paren+2] == ")") {
			return toks[paren+1], paren + 1
		}
		return "", 0
	}
	name := toks[i]
	for i >= 2 && toks[i-1] == "::" && isIdent(toks[i-2]) {
		name = toks[i-2] + "::" + name
		i -= 2
	}
	return name, paren - 1
}

// indexOutsideParens finds t outside parentheses and brackets.
func indexOutsideParens(toks []string, t string) int {
	depth := 0
	for i, x := range toks {
		switch x {
		case "(", "[":
			depth++
		case ")", "]":
			depth--
		case t:
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// isAttribute reports whether an identifier is a compiler attribute
// keyword rather than a name.
func isAttribute(t string) bool {
	switch t {
	case "__attribute__", "__attribute", "__declspec", "__asm__", "__asm", "asm", "__extension__",
		"_Alignas", "alignas", "__THROW", "_GL_ARG_NONNULL", "__nonnull", "__wur":
		return true
	}
	return false
}

// cKeywords are words that are never the name of a definition.
var cKeywords = map[string]bool{
	"int": true, "char": true, "short": true, "long": true, "unsigned": true, "signed": true,
	"float": true, "double": true, "void": true, "const": true, "volatile": true, "static": true,
	"extern": true, "register": true, "auto": true, "inline": true, "struct": true, "union": true,
	"enum": true, "typedef": true, "return": true, "if": true, "while": true, "for": true,
	"switch": true, "sizeof": true, "restrict": true, "_Bool": true, "bool": true, "class": true,
	"__inline": true, "__inline__": true, "_Noreturn": true, "do": true, "else": true,
}
