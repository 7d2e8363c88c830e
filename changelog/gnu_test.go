package changelog

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const oldTop = "2026-11-20  Old Timer  <old@example.org>\n\n\tpaint: fix the brush\n\t* lib/paint.c (brush): Fix.\n\n"

func TestGNU(t *testing.T) {
	tests := []struct {
		name      string
		path      string
		old, new  string
		subject   string
		text      string
		author    string
		coAuthors []string
		files     []string
		warnings  []string // substrings, in order
	}{
		{
			name:    "new entry at top",
			old:     oldTop,
			new:     "2026-11-25  Jane Doe  <jane@example.org>\n\n\tfoo: do bar\n\tMore words.\n\n\t* lib/foo.c (fn), bar.c [COND]: text\n\t(other_fn): more\n\n" + oldTop,
			subject: "foo: do bar",
			text:    "foo: do bar\n\nMore words.\n\n* lib/foo.c (fn), bar.c [COND]: text\n(other_fn): more\n",
			author:  "Jane Doe <jane@example.org>",
			files:   []string{"lib/foo.c", "bar.c"},
		},
		{
			name:    "new entry with the same header as the top one",
			old:     oldTop,
			new:     "2026-11-20  Old Timer  <old@example.org>\n\n\tsecond: change\n\t* b.c: New.\n\n" + oldTop,
			subject: "second: change",
			text:    "second: change\n\n* b.c: New.\n",
			author:  "Old Timer <old@example.org>",
			files:   []string{"b.c"},
		},
		{
			name:    "lines added under the existing top header",
			old:     oldTop,
			new:     "2026-11-20  Old Timer  <old@example.org>\n\n\tmore: stuff\n\t* c.c: Tweak.\n\n\tpaint: fix the brush\n\t* lib/paint.c (brush): Fix.\n\n",
			subject: "more: stuff",
			text:    "more: stuff\n\n* c.c: Tweak.\n",
			author:  "Old Timer <old@example.org>",
			files:   []string{"c.c"},
		},
		{
			name:    "entry appended at the end of the file",
			old:     oldTop,
			new:     oldTop + "2026-11-01  Late Comer  <late@example.org>\n\n\tlate: entry\n\t* d.c: New.\n",
			subject: "late: entry",
			text:    "late: entry\n\n* d.c: New.\n",
			author:  "Late Comer <late@example.org>",
			files:   []string{"d.c"},
		},
		{
			name:      "co-authors: second header and 'and' line",
			old:       oldTop,
			new:       "2026-11-25  Jane Doe  <jane@example.org>\n2026-11-25  John Roe  <john@example.org>\n\tand Ann Poe  <ann@example.org>\n\n\tpair: work\n\t* e.c: New.\n\n" + oldTop,
			subject:   "pair: work",
			text:      "pair: work\n\n* e.c: New.\n\nCo-authored-by: John Roe <john@example.org>\nCo-authored-by: Ann Poe <ann@example.org>\n",
			author:    "Jane Doe <jane@example.org>",
			coAuthors: []string{"John Roe <john@example.org>", "Ann Poe <ann@example.org>"},
			files:     []string{"e.c"},
		},
		{
			name:      "co-author in GNU indented form",
			old:       oldTop,
			new:       "2026-11-25  Jane Doe  <jane@example.org>\n\t    John Roe  <john@example.org>\n\n\tpair: work\n\n" + oldTop,
			subject:   "pair: work",
			text:      "pair: work\n\nCo-authored-by: John Roe <john@example.org>\n",
			author:    "Jane Doe <jane@example.org>",
			coAuthors: []string{"John Roe <john@example.org>"},
		},
		{
			name:     "sloppy header spacing",
			old:      oldTop,
			new:      "2026-06-30 Jane Doe <jane@example.org>\n\n\tfix: it\n\n" + oldTop,
			subject:  "fix: it",
			text:     "fix: it\n",
			author:   "Jane Doe <jane@example.org>",
			warnings: []string{`ChangeLog:1: entry header has one space where the GNU standard has two; write it as "2026-06-30  Jane Doe  <jane@example.org>"`},
		},
		{
			name:     "header not followed by a blank line",
			old:      oldTop,
			new:      "2026-11-25  Jane Doe  <jane@example.org>\n\tfix: it\n\n" + oldTop,
			subject:  "fix: it",
			text:     "fix: it\n",
			author:   "Jane Doe <jane@example.org>",
			warnings: []string{"ChangeLog:2: entry header is not followed by a blank line"},
		},
		{
			name:     "no summary line",
			old:      oldTop,
			new:      "2026-11-25  Jane Doe  <jane@example.org>\n\n\t* f.c (g): Fix a leak.\n\tIt leaked.\n\n" + oldTop,
			subject:  "* f.c (g): Fix a leak.",
			text:     "* f.c (g): Fix a leak.\n\nIt leaked.\n",
			author:   "Jane Doe <jane@example.org>",
			files:    []string{"f.c"},
			warnings: []string{"no summary line"},
		},
		{
			name:    "inner blank lines kept, outer dropped, one TAB removed, # is text",
			old:     oldTop,
			new:     "2026-11-25  Jane Doe  <jane@example.org>\n\n\n\tsum: mary\n\n\t\tindented code\n\t# not a comment\n\n\n" + oldTop,
			subject: "sum: mary",
			text:    "sum: mary\n\n\tindented code\n# not a comment\n",
			author:  "Jane Doe <jane@example.org>",
		},
		{
			name:    "wrapped file list, braces, globs, Version item",
			old:     oldTop,
			new:     "2026-11-25  Jane Doe  <jane@example.org>\n\n\tmany: files\n\t* a.c,\n\tb.c: text\n\t* lib/x.{c,h}: New.\n\t* modules/foo/*: Update.\n\t* Version 2.0.\n\t* lib/solo.c\n\t(fn): Wrapped.\n\t* configure.ac (AC_INIT,\n\tAC_FOO): Wrapped.\n\n" + oldTop,
			subject: "many: files",
			text:    "many: files\n\n* a.c,\nb.c: text\n* lib/x.{c,h}: New.\n* modules/foo/*: Update.\n* Version 2.0.\n* lib/solo.c\n(fn): Wrapped.\n* configure.ac (AC_INIT,\nAC_FOO): Wrapped.\n",
			author:  "Jane Doe <jane@example.org>",
			files:   []string{"a.c", "b.c", "lib/x.c", "lib/x.h", "modules/foo/*", "lib/solo.c", "configure.ac"},
		},
		{
			name:    "paths relative to the ChangeLog's directory",
			path:    "lib/ChangeLog",
			old:     oldTop,
			new:     "2026-11-25  Jane Doe  <jane@example.org>\n\n\tsub: dir\n\t* foo.c, ./sub/../bar.c, ../NEWS: text\n\n" + oldTop,
			subject: "sub: dir",
			text:    "sub: dir\n\n* foo.c, ./sub/../bar.c, ../NEWS: text\n",
			author:  "Jane Doe <jane@example.org>",
			files:   []string{"lib/foo.c", "lib/bar.c", "NEWS"},
		},
		{
			name:    "CRLF and Latin-1",
			old:     strings.ReplaceAll(oldTop, "\n", "\r\n"),
			new:     strings.ReplaceAll("2026-11-25  Ren\xe9 Doe  <rene@example.org>\n\n\tcaf\xe9: fix\n\n"+oldTop, "\n", "\r\n"),
			subject: "café: fix",
			text:    "café: fix\n",
			author:  "René Doe <rene@example.org>",
		},
		{
			name:     "edit of an old entry is not in the message",
			old:      oldTop,
			new:      "2026-11-25  Jane Doe  <jane@example.org>\n\n\tnew: one\n\n" + strings.Replace(oldTop, "Fix.", "Fix it.", 1),
			subject:  "new: one",
			text:     "new: one\n",
			author:   "Jane Doe <jane@example.org>",
			warnings: []string{"ChangeLog:8: this change edits existing lines"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.path
			if p == "" {
				p = "ChangeLog"
			}
			m, err := Derive([]Input{{Path: p, Old: []byte(tt.old), New: []byte(tt.new)}}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tt.subject {
				t.Errorf("subject = %q, want %q", m.Subject, tt.subject)
			}
			if diff := cmp.Diff(tt.text, m.Text); diff != "" {
				t.Errorf("text (-want +got):\n%s", diff)
			}
			if got := m.Author.String(); got != tt.author {
				t.Errorf("author = %q, want %q", got, tt.author)
			}
			var co []string
			for _, a := range m.CoAuthors {
				co = append(co, a.String())
			}
			if diff := cmp.Diff(tt.coAuthors, co); diff != "" {
				t.Errorf("co-authors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.files, m.Files); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			var ws []string
			for _, w := range m.Warnings {
				ws = append(ws, w.String())
			}
			if len(ws) != len(tt.warnings) {
				t.Fatalf("warnings = %q, want %d like %q", ws, len(tt.warnings), tt.warnings)
			}
			for i := range ws {
				if !strings.Contains(ws[i], tt.warnings[i]) {
					t.Errorf("warning %d = %q, want it to contain %q", i, ws[i], tt.warnings[i])
				}
			}
		})
	}
}

func TestGNUErrors(t *testing.T) {
	tests := []struct {
		name, path, old, new string
		want                 string
	}{
		{"address without brackets", "ChangeLog", oldTop, "2026-11-25 Jane Doe jane@example.org\n\n\tx\n\n" + oldTop,
			"ChangeLog:1: cannot read this entry header: the address needs angle brackets, <jane@example.org>; expected \"YYYY-MM-DD  Name  <email>\""},
		{"another date format", "ChangeLog", oldTop, "Nov 25 2026  Jane Doe  <jane@example.org>\n\n\tx\n\n" + oldTop,
			"ChangeLog:1: cannot read this entry header: the date must be YYYY-MM-DD; expected \"YYYY-MM-DD  Name  <email>\""},
		{"unreadable header", "ChangeLog", oldTop, "2026-11-25  <jane@example.org>\n\n\tx\n\n" + oldTop,
			"ChangeLog:1: cannot read this entry header; expected \"YYYY-MM-DD  Name  <email>\", with two spaces"},
		{"path leaves the repository", "lib/ChangeLog", oldTop, "2026-11-25  Jane Doe  <jane@example.org>\n\n\tx: y\n\t* ../../etc/passwd: Own.\n\n" + oldTop,
			"lib/ChangeLog:4: names \"../../etc/passwd\", which is not a file inside the repository"},
		{"absolute path", "ChangeLog", oldTop, "2026-11-25  Jane Doe  <jane@example.org>\n\n\tx: y\n\t* /etc/passwd: Own.\n\n" + oldTop,
			"ChangeLog:4: names \"/etc/passwd\""},
		{"binary", "ChangeLog", oldTop, "2026-11-25\x00", "ChangeLog: is a binary file, not a ChangeLog"},
		{"not a ChangeLog", "notes.txt", "", "hello\n", "notes.txt: is not a ChangeLog"},
		{"nothing added", "ChangeLog", oldTop, oldTop, "ChangeLog: no new entry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Derive([]Input{{Path: tt.path, Old: []byte(tt.old), New: []byte(tt.new)}}, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	_, err := Derive([]Input{{Path: "ChangeLog", Old: []byte(oldTop), New: []byte(oldTop)}}, Options{})
	if !errors.Is(err, ErrNoNewEntry) {
		t.Errorf("err = %v, want ErrNoNewEntry", err)
	}
}

func TestSeveralChangeLogs(t *testing.T) {
	in := []Input{
		{Path: "ChangeLog", Old: []byte(oldTop), New: []byte("2026-11-25  Jane Doe  <jane@example.org>\n\n\t* top.c: Fix.\n\n" + oldTop)},
		{Path: "lib/ChangeLog", Old: []byte(oldTop), New: []byte("2026-11-25  John Roe  <john@example.org>\n\n\tlib: the real summary\n\t* foo.c: Fix.\n\n" + oldTop)},
	}
	m, err := Derive(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "lib: the real summary\n\nChangeLog:\n* top.c: Fix.\n\nlib/ChangeLog:\n* foo.c: Fix.\n\nCo-authored-by: John Roe <john@example.org>\n"
	if diff := cmp.Diff(want, m.Text); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"top.c", "lib/foo.c"}, m.Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ChangeLog", "lib/ChangeLog"}, m.ChangeLogs); diff != "" {
		t.Errorf("changelogs (-want +got):\n%s", diff)
	}
}

func TestMatchFiles(t *testing.T) {
	m := MatchFiles(
		[]string{"modules/foo/*", "src/dfa.c", "lib/x.c", "typo.c", "doc", "unicase/u8.c", "main.c", "t*.h"},
		[]string{"modules/foo/a", "modules/foo/b", "lib/dfa.c", "lib/x.c", "typ.c", "doc/a.texi", "other.c",
			"lib/unicase/u8.c", "tests/u8.c", "src/main.c", "tests/main.c"})
	want := Match{
		Files:     []string{"modules/foo/a", "modules/foo/b", "lib/dfa.c", "lib/x.c", "doc/a.texi", "lib/unicase/u8.c"},
		Unmatched: []string{"typo.c", "main.c", "t*.h"},
		// unicase/u8.c: the one path that ends so, though two have its
		// base name; main.c: two paths end so, none is taken.
		Guessed: map[string]string{"src/dfa.c": "lib/dfa.c", "unicase/u8.c": "lib/unicase/u8.c"},
		Suggest: map[string]string{"typo.c": "typ.c"},
		Unnamed: []string{"typ.c", "other.c", "tests/u8.c", "src/main.c", "tests/main.c"},
	}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("match (-want +got):\n%s", diff)
	}
}

// TestTinyChange: "(tiny change)" in a header becomes GNU's trailer, after
// the co-authors'.
func TestTinyChange(t *testing.T) {
	entry := "2026-11-25  Jane Doe  <jane@example.org>  (tiny change)\n\tand Joe Bloggs  <joe@example.org>\n\n\tfoo: fix\n\t* foo.c: Fix.\n"
	m, err := Derive([]Input{{Path: "ChangeLog", New: []byte(entry)}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "foo: fix\n\n* foo.c: Fix.\n\nCo-authored-by: Joe Bloggs <joe@example.org>\nCopyright-paperwork-exempt: Yes\n"
	if m.Text != want || m.Author.Name != "Jane Doe" {
		t.Errorf("text = %q, author %v; want %q", m.Text, m.Author, want)
	}
}
