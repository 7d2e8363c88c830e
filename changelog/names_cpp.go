package changelog

// define names a macro by its #define (the whole directive, continuations
// included) or #undef at line i. A macro of a function's own body is part
// of that function, whose name the entry gives; an include guard names
// nothing.
func (p *cParser) define(i int, name string) {
	end := continued(p.lines, i)
	if name != "" && p.depth == 0 && !p.guard(name) {
		p.add(i, end, name)
		p.defines = append(p.defines, len(p.spans)-1)
	}
}

// guard reports whether a #define is the include guard's: the first
// directive is #ifndef NAME and this defines NAME, next.
func (p *cParser) guard(name string) bool {
	if name == "" || name != p.guardName {
		return false
	}
	p.guardName = ""
	return true
}

// maxGuarded is how many macros a changed conditional may name: a
// changed #if around one or two #defines names them; around a whole
// header, nothing.
const maxGuarded = 3

// condSpans names, on each directive line of a top-level conditional, the
// macros the branch it opens (or, for #endif, closes) defines: a changed
// #if changes them. Declarations under it are not named: their entries
// give the condition ([__USE_MISC]).
func (p *cParser) condSpans() {
	var defs []span
	for _, k := range p.defines {
		defs = append(defs, p.spans[k])
	}
	for _, c := range p.topIfs {
		for k, d := range c.dirs {
			from, to := d, d
			if k+1 < len(c.dirs) {
				to = c.dirs[k+1]
			} else if k > 0 {
				from = c.dirs[k-1]
			}
			var names []string
			for _, s := range defs {
				if s.start > from && s.end < to {
					names = appendNew(names, s.names...)
				}
			}
			if len(names) > 0 && len(names) <= maxGuarded {
				p.add(d, d, names...)
			}
		}
	}
}
