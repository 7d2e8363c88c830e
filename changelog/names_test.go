package changelog

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffOf is the diff of two texts as one hunk with every line as context,
// which the name finders must read as they read git's.
func diffOf(path, old, new string) FileChange {
	o, n := SplitLines([]byte(old)), SplitLines([]byte(new))
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToRunes(strings.Join(o, "\n")+"\n", strings.Join(n, "\n")+"\n")
	h := Hunk{OldStart: 1, OldCount: len(o), NewStart: 1, NewCount: len(n)}
	for _, d := range dmp.DiffCharsToLines(dmp.DiffMainRunes(a, b, false), lines) {
		mark := map[diffmatchpatch.Operation]string{diffmatchpatch.DiffEqual: " ", diffmatchpatch.DiffDelete: "-", diffmatchpatch.DiffInsert: "+"}[d.Type]
		for _, l := range strings.SplitAfter(d.Text, "\n") {
			if l != "" {
				h.Lines = append(h.Lines, mark+strings.TrimSuffix(l, "\n"))
			}
		}
	}
	return FileChange{FileDiff: FileDiff{Path: path, OldPath: path, Hunks: []Hunk{h}}, Old: o, New: n}
}

// edit replaces the first "from" of text by "to".
func edit(text, from, to string) string {
	if !strings.Contains(text, from) {
		panic("edit: " + from + " not in text")
	}
	return strings.Replace(text, from, to, 1)
}

const cFile = `/* foo.c -- test.  Copyright (C) 2020 Someone.  */
#ifndef FOO_H
#define FOO_H

#include <stdio.h>

#define MAX(a, b) \
  ((a) > (b) ? (a) : (b))

#if HAVE_THING
# define THING 1
#endif

struct point { int x; int y; };
typedef struct { int a; } pair_t;
enum { RED, GREEN,
       BLUE };
static int counter = 0;
extern char **environ;
extern int helper (int);
_GL_FUNCDECL_SYS (ilogb, int, (double x));

/* Return twice X.  */
static int
twice (int x)
{
  return 2 * x;
}

struct point
origin (void)
#undef timeval
{
  struct point p = { 0, 0 };
#define LOCAL 1
  return p;
}
#endif
`

func TestNamesC(t *testing.T) {
	for _, c := range []struct {
		name     string
		from, to string
		want     []string
	}{
		{"function body", "return 2 * x;", "return x + x;", []string{"twice"}},
		{"comment above a function", "Return twice X.", "Return X doubled.", []string{"twice"}},
		{"function returning a struct, #undef before its body", "struct point p = { 0, 0 };", "struct point p = { 1, 1 };", []string{"origin"}},
		{"macro in a function's body", "#define LOCAL 1", "#define LOCAL 2", []string{"origin"}},
		{"multi-line macro", "((a) > (b) ? (a) : (b))", "((a) < (b) ? (b) : (a))", []string{"MAX"}},
		{"define under a changed #if", "#if HAVE_THING", "#if HAVE_THING && !BROKEN", []string{"THING"}},
		{"struct", "int x; int y;", "int x; int y; int z;", []string{"struct point"}},
		{"typedef of an anonymous struct", "int a;", "long a;", []string{"pair_t"}},
		{"constant of an anonymous enum", "BLUE", "CYAN", []string{"BLUE", "CYAN"}},
		{"file-scope variable", "counter = 0", "counter = 1", []string{"counter"}},
		{"extern variable", "char **environ", "char *const *environ", []string{"environ"}},
		{"function declaration", "helper (int)", "helper (long)", []string{"helper"}},
		{"declaration through a macro", "(double x)", "(double y)", []string{"ilogb"}},
		{"include", "#include <stdio.h>", "#include <stdlib.h>", nil},
		{"include guard and copyright", "Copyright (C) 2020", "Copyright (C) 2021", nil},
		{"new function", "#endif\n", "static void bye (void) { }\n#endif\n", []string{"bye"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fc := diffOf("lib/foo.c", cFile, edit(cFile, c.from, c.to))
			if got := changedNames(fc.FileDiff, fc.Old, fc.New); !cmp.Equal(got, c.want) {
				t.Errorf("names = %q, want %q", got, c.want)
			}
		})
	}
}

// TestNamesLanguages checks one change in each language with a reader.
func TestNamesLanguages(t *testing.T) {
	for _, c := range []struct {
		path, text, from, to string
		want                 []string
	}{
		{"m4/foo.m4", "# foo.m4 serial 3\ndnl Copyright.\nAC_DEFUN([gl_FOO],\n[\n  AC_REQUIRE([gl_BAR])\n])\n\ngl_iconv_AC_DEFUN([AM_ICONV],\n[\n  x=1\n])\n",
			"x=1", "x=2", []string{"AM_ICONV"}},
		{"m4/foo.m4", "# foo.m4 serial 3\nAC_DEFUN([gl_FOO],\n[\n  AC_REQUIRE([gl_BAR])\n])\n",
			"serial 3", "serial 4", nil},
		{"m4/foo.m4", "# foo.m4 serial 3\nAC_DEFUN([gl_FOO],\n[\n  AC_REQUIRE([gl_BAR]) # (\n])\n",
			"gl_BAR", "gl_BAZ", []string{"gl_FOO"}},
		{"Makefile.am", "SUBDIRS = lib\n\nall-local: foo\n\techo foo\n\nCLEANFILES = a \\\n  b\n",
			"  b", "  c", []string{"CLEANFILES"}},
		{"top/maint.mk", "sc_rule:\n\t@echo a\n\t@echo b\n\n.PHONY: sc_rule\n",
			"echo b", "echo c", []string{"sc_rule"}},
		{"doc/manual.texi", "@node Top\nText.\n@node Intro, Next, Top, Top\nIntro text.\n",
			"Intro text.", "New intro.", []string{"Intro"}},
		{"doc/posix-functions/open.texi", "@node open\n@section @code{open}\nText.\n", "Text.", "More.", nil},
		{"modules/foo", "Description:\nFoo.\n\nFiles:\nlib/foo.c\n\nDepends-on:\nbar\n",
			"bar\n", "bar\nbaz\n", []string{"Depends-on"}},
		{"build-aux/bootstrap", "#! /bin/sh\nscriptversion=2012-04-16.16; # UTC\nusage='a\n}\nb'\nfunc_foo ()\n{\n  sed='/x/{\n}'\n  echo a\n}\nunset CDPATH\n",
			"echo a", "echo b", []string{"func_foo"}},
		{"build-aux/bootstrap", "#! /bin/sh\nscriptversion=2012-04-16.16; # UTC\n\n# Comment.\nprefix=v\n",
			"2012-04-16.16", "2012-04-17.10", nil},
		{"build-aux/bootstrap", "#! /bin/sh\n# Comment.\nprefix=v\n(unset CDPATH) >/dev/null 2>&1 && unset CDPATH\n",
			"prefix=v", "prefix=w", []string{"prefix"}},
		{"build-aux/pmccabe2html", "# pmccabe2html - AWK script  -*- awk -*-\nBEGIN {\n  x = 1\n}\nfunction f(a)\n{\n  print \"}\"\n  return a\n}\n",
			"return a", "return a + 1", []string{"f"}},
		{"build-aux/gitlog-to-changelog", "#!/usr/bin/perl\nsub usage ($)\n{\n  print 1;\n}\n",
			"print 1", "print 2", []string{"usage"}},
		{"tool.py", "import os\n\nclass Tool:\n    def run(self):\n        return 1\n\ndef main():\n    pass\n",
			"return 1", "return 2", []string{"Tool.run"}},
		{"lisp/foo.el", "(defun foo (x)\n  \"Doc (.\"\n  (1+ x))\n\n(defvar bar 1)\n",
			"(1+ x)", "(+ x 2)", []string{"foo"}},
		{"main.go", "package main\n\nvar (\n\ta = 1\n\tb = 2\n)\n\n// T is.\ntype T struct{}\n\nfunc (t *T) Run() {\n\tprintln(1)\n}\n",
			"println(1)", "println(2)", []string{"T.Run"}},
		{"main.go", "package main\n\nvar (\n\ta = 1\n\tb = 2\n)\n", "b = 2", "b = 3", []string{"b"}},
		{"README.md", "# Tool\n\n## `tool run [ARG...]`: running\n\nRuns.\n\n```\n# not a heading\nx\n```\n",
			"x\n", "y\n", []string{"tool run"}},
	} {
		t.Run(c.path+": "+c.from, func(t *testing.T) {
			fc := diffOf(c.path, c.text, edit(c.text, c.from, c.to))
			if got := changedNames(fc.FileDiff, fc.Old, fc.New); !cmp.Equal(got, c.want) {
				t.Errorf("names = %q, want %q", got, c.want)
			}
		})
	}
}

// TestNamesFallback uses git's funcname line for a format with no reader:
// the name it defines, or none.
func TestNamesFallback(t *testing.T) {
	f := FileDiff{Path: "src/x.rb", Hunks: []Hunk{
		{Func: "  def frob(x)", Lines: []string{"-a", "+b"}},
		{Func: "Portability problems:", Lines: []string{"-a", "+b"}},
		{Func: "static int count (void)", Lines: []string{"-a", "+b"}},
		{Func: "the `vcsync commit` (the added lines", Lines: []string{"-a", "+b"}},
	}}
	if got, want := changedNames(f, nil, nil), []string{"frob", "count"}; !cmp.Equal(got, want) {
		t.Errorf("names = %q, want %q", got, want)
	}
}

// TestNamesWholeFile: white space and one word replaced everywhere name
// nothing; an attribute added to each declaration names each.
func TestNamesWholeFile(t *testing.T) {
	text := "void\nf (void)\n{\n  assert (a);\n}\n\nvoid\ng (void)\n{\n  if (x)\n    assert (b);\n}\n"
	for _, c := range []struct {
		name, new string
		want      []string
	}{
		{"replaced throughout", strings.ReplaceAll(text, "assert", "assure"), nil},
		{"replaced once", strings.Replace(text, "assert", "assure", 1), []string{"f"}},
		{"re-indented in one function", strings.Replace(text, "    assert (b);", "\tassert (b);", 1), []string{"g"}},
		{"re-indented and changed", strings.Replace(strings.Replace(text, "    assert (b);", "\tassert (b);", 1), "(a)", "(c)", 1), []string{"f"}},
		{"attribute added to each", strings.ReplaceAll(text, "(void)", "(void) ATTR"), []string{"f", "g"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fc := diffOf("lib/x.c", text, c.new)
			if got := changedNames(fc.FileDiff, fc.Old, fc.New); !cmp.Equal(got, c.want) {
				t.Errorf("names = %q, want %q", got, c.want)
			}
		})
	}
}
