package changelog

import (
	"strings"
)

// texiReader reads Texinfo: each @node names the lines up to the next.
var texiReader = &reader{spans: texiSpans}

// sectionReader reads a file laid out as "Section:" blocks, as gnulib's
// modules/ descriptions are (Description:, Files:, Depends-on:,
// configure.ac:, Makefile.am:): each section names its lines.
var sectionReader = &reader{spans: sectionSpans}

// markdownReader reads Markdown: each heading names the lines up to the
// next.
var markdownReader = &reader{spans: markdownSpans}

var (
	nodeRe    = lazyRE(`^@node\s+([^,]+)`)
	sectionRe = lazyRE(`^([A-Za-z][\w.+-]*):\s*$`)
	mdHeadRe  = lazyRE(`^#{1,6}\s+(.+?)\s*#*\s*$`)
	mdTrimRe  = lazyRE("[`*_]")
	mdArgsRe  = lazyRE(`\s*[\[(:,].*$`)
	mdFenceRe = lazyRE("^\\s*(```|~~~)")
)

// texiSpans names the nodes of a Texinfo file that has several: a file
// that is one node is named by the file's own name (gnulib's
// doc/posix-functions/open.texi), and entries do not repeat it.
func texiSpans(lines []string) []span {
	spans := headingSpans(lines, func(l string) string {
		if m := nodeRe().FindStringSubmatch(l); m != nil {
			return strings.TrimSpace(m[1])
		}
		return ""
	})
	if len(spans) == 1 {
		return nil
	}
	return spans
}

func sectionSpans(lines []string) []span {
	return headingSpans(lines, func(l string) string {
		if m := sectionRe().FindStringSubmatch(l); m != nil {
			return m[1]
		}
		return ""
	})
}

// headingSpans makes each heading line name the lines up to the next one.
func headingSpans(lines []string, heading func(string) string) []span {
	var spans []span
	for i, l := range lines {
		if name := heading(l); name != "" {
			if n := len(spans); n > 0 {
				spans[n-1].end = i - 1
			}
			spans = append(spans, span{names: []string{name}, start: i, end: len(lines) - 1})
		}
	}
	return spans
}

// markdownSpans names each section by its heading, shortened to what an
// entry can hold: "## `vcsync push [REMOTE...]`" is "vcsync push".
func markdownSpans(lines []string) []span {
	fenced := false
	return headingSpans(lines, func(l string) string {
		if mdFenceRe().MatchString(l) {
			fenced = !fenced
		}
		m := mdHeadRe().FindStringSubmatch(l)
		if m == nil || fenced {
			return ""
		}
		return strings.TrimSpace(mdArgsRe().ReplaceAllString(mdTrimRe().ReplaceAllString(m[1], ""), ""))
	})
}
