package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// A changeLogGen writes realistic GNU ChangeLogs (gnulib's is the model),
// the same bytes for the same seed on every machine.
type changeLogGen struct {
	r     *rand.Rand
	files []string
}

var authors = []struct{ name, email string }{
	{"Jane Doe", "jane@example.org"},
	{"Ana María Núñez", "anamaria@example.es"},
	{"Jiří Dvořák", "jiri@example.cz"},
	{"Zoë Lindqvist", "zoe@example.se"},
	{"Łukasz Wójcik", "lukasz@example.pl"},
	{"Richard Roe", "roe@example.com"},
	{"田中 太郎", "taro@example.jp"},
	{"Bjørn Ødegård", "bjorn@example.no"},
}

var (
	fragments = strings.Fields(`alloc argmatch assure base64 canon chdir close crc cycle dir dup
		error exclude fcntl file fts getopt hash inttostr isnan long malloc mbs memchr
		nstrftime obstack open path quote read regex same save scratch select sig sort
		stat str tempname time unlocked utimens vasnprintf wait xalloc xstr`)
	words = strings.Fields(`a all also and avoid buffer call case check code compiler
		configure const declare default diagnostic do document error fix for from handle
		in include instead into is it leak macro make module more needed new no not null
		of on overflow pointer port portable prefer remove rename replacement return size
		so test than that the this to use warning when which with without work`)
	dirs = []struct{ dir, exts string }{
		{"lib", ".c .h .c .in.h"}, {"lib/malloc", ".c .h"}, {"src", ".c .h"},
		{"modules", ""}, {"m4", ".m4"}, {"tests", ".c .sh"}, {"tests/misc", ".sh"},
		{"doc", ".texi"}, {"build-aux", ".sh"},
	}
)

func newChangeLogGen(seed uint64) *changeLogGen {
	g := &changeLogGen{r: rand.New(rand.NewPCG(seed, seed^0x5eed))}
	for range 400 {
		d := dirs[g.r.IntN(len(dirs))]
		name := g.name("-")
		if exts := strings.Fields(d.exts); len(exts) > 0 {
			name += exts[g.r.IntN(len(exts))]
		}
		g.files = append(g.files, d.dir+"/"+name)
	}
	return g
}

// changeLog returns a ChangeLog of at least size bytes, newest entry first,
// its dates going back from the last day of 2024.
func (g *changeLogGen) changeLog(size int) []byte {
	var b bytes.Buffer
	day := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	for b.Len() < size {
		a := authors[g.r.IntN(len(authors))]
		fmt.Fprintf(&b, "%s  %s  <%s>\n\n", day.Format(time.DateOnly), a.name, a.email)
		for _, l := range g.body(3 + g.r.IntN(11)) {
			b.WriteString("\t" + l + "\n")
		}
		b.WriteString("\n")
		day = day.AddDate(0, 0, -g.r.IntN(3))
	}
	return b.Bytes()
}

// newEntry returns an entry dated day to put on top, and its summary line.
func (g *changeLogGen) newEntry(day time.Time) (entry, summary string) {
	summary = g.name("-") + ": " + strings.TrimSuffix(g.sentence(3, 7), ".")
	var b strings.Builder
	fmt.Fprintf(&b, "%s  Jane Doe  <jane@example.org>\n\n\t%s\n", day.Format(time.DateOnly), summary)
	for range 3 {
		fmt.Fprintf(&b, "\t* %s (%s): %s\n", g.file(), g.name("_"), g.sentence(3, 8))
	}
	return b.String() + "\n", summary
}

// body returns n to 15 lines (tabs not included): an optional summary and
// rationale, then `* file (function): text` items, wrapped.
func (g *changeLogGen) body(n int) []string {
	var lines []string
	if g.r.IntN(10) < 6 {
		lines = append(lines, g.name("-")+": "+strings.TrimSuffix(g.sentence(2, 6), "."))
		if g.r.IntN(2) == 0 {
			lines = append(lines, wrap(g.sentence(8, 30), 70)...)
		}
	}
	for len(lines) < n {
		item := "* " + g.file()
		if g.r.IntN(4) == 0 {
			item += ", " + g.file()
		}
		if g.r.IntN(3) > 0 {
			item += " (" + g.name("_")
			if g.r.IntN(4) == 0 {
				item += ", " + g.name("_")
			}
			item += ")"
		}
		lines = append(lines, wrap(item+": "+g.sentence(3, 24), 70)...)
	}
	return lines[:min(len(lines), 15)]
}

func (g *changeLogGen) file() string { return g.files[g.r.IntN(len(g.files))] }

// name returns an identifier of one or two fragments joined by sep.
func (g *changeLogGen) name(sep string) string {
	n := fragments[g.r.IntN(len(fragments))]
	if g.r.IntN(2) == 0 {
		n += sep + fragments[g.r.IntN(len(fragments))]
	}
	return n
}

// sentence returns lo to hi words, capitalised, some quoted as code.
func (g *changeLogGen) sentence(lo, hi int) string {
	n := lo + g.r.IntN(hi-lo+1)
	ws := make([]string, n)
	for i := range ws {
		switch {
		case g.r.IntN(12) == 0:
			ws[i] = "'" + g.name("_") + "'"
		default:
			ws[i] = words[g.r.IntN(len(words))]
		}
	}
	ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
	return strings.Join(ws, " ") + "."
}

// wrap breaks s at spaces into lines of at most width bytes where it can.
func wrap(s string, width int) []string {
	var lines []string
	for len(s) > width {
		i := strings.LastIndexByte(s[:width+1], ' ')
		if i <= 0 {
			break
		}
		lines = append(lines, s[:i])
		s = s[i+1:]
	}
	return append(lines, s)
}
