package changelog

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const hdr = "2026-12-04  Jane Doe  <jane@example.org>"

func TestSkeletonKinds(t *testing.T) {
	mod := diffOf("lib/foo.c", "int\nf (void)\n{\n  return 1;\n}\n", "int\nf (void)\n{\n  return 2;\n}\n")
	changes := []FileChange{
		{FileDiff: FileDiff{Path: "lib/a.c", OldPath: "lib/a.c", Kind: Added}},
		{FileDiff: FileDiff{Path: "lib/b.c", OldPath: "lib/b.c", Kind: Added}},
		mod,
		{FileDiff: FileDiff{Path: "lib/gone.c", OldPath: "lib/gone.c", Kind: Deleted}},
		{FileDiff: FileDiff{Path: "lib/new.c", OldPath: "lib/old.c", Kind: Renamed}},
		{FileDiff: FileDiff{Path: "lib/logo.png", OldPath: "lib/logo.png", Binary: true}},
	}
	want := []Item{
		{Files: []string{"a.c", "b.c"}, Note: "New files."},
		{Files: []string{"foo.c"}, Names: []string{"f"}},
		{Files: []string{"gone.c"}, Note: "Remove."},
		{Files: []string{"new.c"}, Note: "Renamed from old.c."},
		{Files: []string{"logo.png"}},
	}
	got := Skeleton(changes, "lib")
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Skeleton (-want +got):\n%s", d)
	}
}

func TestFormatEntry(t *testing.T) {
	var names []string
	for _, n := range strings.Fields("alpha_function beta_function gamma_function delta_function epsilon_function zeta") {
		names = append(names, n)
	}
	got := FormatEntry(hdr, []Item{
		{Files: []string{"lib/foo.c"}, Names: names},
		{Files: []string{"lib/a-rather-long-file-name.c", "lib/another-rather-long-file-name.c", "lib/third.c"}, Note: "New files."},
		{Files: []string{"NEWS"}},
	})
	want := hdr + `

	
	* lib/foo.c (alpha_function, beta_function, gamma_function)
	(delta_function, epsilon_function, zeta):
	* lib/a-rather-long-file-name.c, lib/another-rather-long-file-name.c,
	lib/third.c: New files.
	* NEWS:
`
	if got != want {
		t.Errorf("FormatEntry:\n%s\nwant:\n%s", got, want)
	}
	// What vcsync entry writes, vcsync commit reads back.
	if d := cmp.Diff([]Item{
		{Files: []string{"lib/foo.c"}, Names: names},
		{Files: []string{"lib/a-rather-long-file-name.c", "lib/another-rather-long-file-name.c", "lib/third.c"}},
		{Files: []string{"NEWS"}},
	}, ReadItems(SplitLines([]byte(got)))); d != "" {
		t.Errorf("ReadItems of the formatted entry (-want +got):\n%s", d)
	}
}

const twoFuncs = "int\nf (void)\n{\n  return 1;\n}\n\nint\ng (void)\n{\n  return 1;\n}\n"

// changesOf are the changes of two files: lib/x.c (twoFuncs with edits) and,
// if y is true, lib/y.c.
func changesOf(x string, y bool) []FileChange {
	cs := []FileChange{diffOf("lib/x.c", twoFuncs, x)}
	if y {
		cs = append(cs, diffOf("lib/y.c", twoFuncs, strings.Replace(twoFuncs, "return 1", "return 3", 1)))
	}
	return cs
}

func TestWriteEntryNew(t *testing.T) {
	old := "2026-01-01  Old Timer  <old@example.org>\n\n\t* a.c: Old.\n"
	out, err := WriteEntry(EntryInput{Path: "ChangeLog", Old: []byte(old), Cur: []byte(old), Header: hdr,
		Changes: changesOf(strings.Replace(twoFuncs, "return 1", "return 2", 1), false), Dir: "."})
	if err != nil {
		t.Fatal(err)
	}
	entry := hdr + "\n\n\t\n\t* lib/x.c (f):\n"
	if out.Entry != entry || string(out.Text) != entry+"\n"+old || out.Updated {
		t.Errorf("WriteEntry = %+v", out)
	}
}

// TestWriteEntryUpdate reruns on an entry the author has written in:
// their words stay; a file and a name no longer changed go; new ones come.
func TestWriteEntryUpdate(t *testing.T) {
	old := "2026-01-01  Old Timer  <old@example.org>\n\n\t* a.c (f): Old.\n"
	cur := hdr + `

	Fix the frobnicator.
	* lib/x.c (f): Return 2.
	(g): Return 2 too.
	(frob_section): Mine.
	* lib/z.c (h): Was changed, is no more.
	* lib/w.c, lib/x.c: Both.

` + old
	// Now f changes, g does not, and lib/y.c changes too.
	x := strings.Replace(twoFuncs, "return 1", "return 2", 1)
	out, err := WriteEntry(EntryInput{Path: "ChangeLog", Old: []byte(old), Cur: []byte(cur), Header: hdr,
		Changes: changesOf(x, true), Dir: "."})
	if err != nil {
		t.Fatal(err)
	}
	want := hdr + `

	Fix the frobnicator.
	* lib/x.c (f): Return 2.
	(frob_section): Mine.
	* lib/x.c: Both.
	* lib/y.c (f):
`
	if out.Entry != want || !out.Updated {
		t.Errorf("entry:\n%s\nwant:\n%s", out.Entry, want)
	}
	if !strings.HasSuffix(string(out.Text), "\n\n"+old) {
		t.Errorf("the committed entries changed:\n%s", out.Text)
	}
	// g changes again: its name comes back, after the item's last line.
	x = strings.ReplaceAll(twoFuncs, "return 1", "return 2")
	out, err = WriteEntry(EntryInput{Path: "ChangeLog", Old: []byte(old), Cur: out.Text, Header: hdr,
		Changes: changesOf(x, false), Dir: "."})
	if err != nil {
		t.Fatal(err)
	}
	want = hdr + `

	Fix the frobnicator.
	* lib/x.c (f): Return 2.
	(frob_section): Mine.
	(g):
	* lib/x.c: Both.
`
	if out.Entry != want {
		t.Errorf("entry:\n%s\nwant:\n%s", out.Entry, want)
	}
}

func TestWriteEntryEditedTop(t *testing.T) {
	old := "2026-01-01  Old Timer  <old@example.org>\n\n\t* a.c: Old.\n"
	cur := "2026-01-01  Old Timer  <old@example.org>\n\n\t* a.c: Edited.\n"
	_, err := WriteEntry(EntryInput{Path: "ChangeLog", Old: []byte(old), Cur: []byte(cur), Header: hdr, Changes: changesOf(twoFuncs, false), Dir: "."})
	if err == nil || !strings.Contains(err.Error(), "ChangeLog: cannot find the committed entries") {
		t.Errorf("err = %v", err)
	}
}

// TestRenamedFromNamesBoth: the item vcsync entry writes for a rename
// names the old path too, so that vcsync commit commits both.
func TestRenamedFromNamesBoth(t *testing.T) {
	entry := hdr + "\n\n\tMove it.\n\t* new/name.c: Renamed from old/name.c.\n\n"
	m, err := Derive([]Input{{Path: "lib/ChangeLog", New: []byte(entry)}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"lib/new/name.c", "lib/old/name.c"}; !cmp.Equal(m.Files, want) {
		t.Errorf("files = %q, want %q", m.Files, want)
	}
}

// TestWriteEntryCRLF: a ChangeLog with CRLF line ends keeps them, the new
// entry's lines too.
func TestWriteEntryCRLF(t *testing.T) {
	old := "2026-01-01  Old Timer  <old@example.org>\r\n\r\n\t* a.c: Old.\r\n"
	out, err := WriteEntry(EntryInput{Path: "ChangeLog", Old: []byte(old), Cur: []byte(old), Header: hdr,
		Changes: changesOf(strings.Replace(twoFuncs, "return 1", "return 2", 1), false), Dir: "."})
	if err != nil {
		t.Fatal(err)
	}
	want := hdr + "\r\n\r\n\t\r\n\t* lib/x.c (f):\r\n\r\n" + old
	if string(out.Text) != want {
		t.Errorf("text = %q, want %q", out.Text, want)
	}
}
