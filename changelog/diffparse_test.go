package changelog

import (
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// gitDiff is git diff -p output with every kind of file change, as git
// 2.39 writes it.
const gitDiff = `diff --git a/lib/foo.c b/lib/foo.c
index 1111111..2222222 100644
--- a/lib/foo.c
+++ b/lib/foo.c
@@ -1,4 +1,4 @@ int
 int
 foo (void)
 {
-  return 1;
+  return 2;
@@ -9 +9,2 @@ bar (void)
 }
+/* end */
\ No newline at end of file
diff --git a/new file.c b/new file.c
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/new file.c	
@@ -0,0 +1 @@
+x
diff --git a/gone.h b/gone.h
deleted file mode 100644
index 4444444..0000000
--- a/gone.h
+++ /dev/null
@@ -1 +0,0 @@
-y
diff --git a/old/name.c b/new/name.c
similarity index 90%
rename from old/name.c
rename to new/name.c
index 5555555..6666666 100644
--- a/old/name.c
+++ b/new/name.c
@@ -1 +1 @@
-a
+b
diff --git a/logo.png b/logo.png
index 7777777..8888888 100644
Binary files a/logo.png and b/logo.png differ
diff --git "a/t\303\251.c" "b/t\303\251.c"
index 9999999..aaaaaaa 100644
--- "a/t\303\251.c"
+++ "b/t\303\251.c"
@@ -1 +1 @@
-1
+2
`

func TestParseDiff(t *testing.T) {
	files, err := ParseDiff([]byte(gitDiff))
	if err != nil {
		t.Fatal(err)
	}
	type short struct {
		Path, OldPath string
		Kind          ChangeKind
		Binary        bool
		Hunks         int
	}
	var got []short
	for _, f := range files {
		got = append(got, short{f.Path, f.OldPath, f.Kind, f.Binary, len(f.Hunks)})
	}
	want := []short{
		{"lib/foo.c", "lib/foo.c", Modified, false, 2},
		{"new file.c", "new file.c", Added, false, 1},
		{"gone.h", "gone.h", Deleted, false, 1},
		{"new/name.c", "old/name.c", Renamed, false, 1},
		{"logo.png", "logo.png", Modified, true, 0},
		{"té.c", "té.c", Modified, false, 1},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("files (-want +got):\n%s", d)
	}
	h := files[0].Hunks[0]
	if h.Func != "int" || h.OldStart != 1 || h.NewCount != 4 || len(h.Lines) != 5 {
		t.Errorf("first hunk = %+v", h)
	}
	if h := files[0].Hunks[1]; h.OldCount != 1 || len(h.Lines) != 2 {
		t.Errorf("second hunk = %+v (a count of 1 is implied, \\ No newline dropped)", h)
	}
}

// TestOldNewLines rebuilds each side of a change from the other.
func TestOldNewLines(t *testing.T) {
	files, err := ParseDiff([]byte(gitDiff))
	if err != nil {
		t.Fatal(err)
	}
	old := SplitLines([]byte("int\nfoo (void)\n{\n  return 1;\n}\n\nint\nbar (void)\n}\n"))
	new := SplitLines([]byte("int\nfoo (void)\n{\n  return 2;\n}\n\nint\nbar (void)\n}\n/* end */"))
	got, err := NewLines(old, files[0].Hunks)
	if err != nil || !cmp.Equal(got, new) {
		t.Errorf("NewLines = %q, %v; want %q", got, err, new)
	}
	got, err = OldLines(new, files[0].Hunks)
	if err != nil || !cmp.Equal(got, old) {
		t.Errorf("OldLines = %q, %v; want %q", got, err, old)
	}
	new[3] = "  return 3;" // the working tree moved on since the diff
	if _, err := OldLines(new, files[0].Hunks); err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("OldLines of a text that does not match: %v, want an error at line 4", err)
	}
}

func TestSplitLines(t *testing.T) {
	for in, want := range map[string][]string{"": nil, "a": {"a"}, "a\n": {"a"}, "a\r\nb\r\n": {"a", "b"}, "a\n\n": {"a", ""}} {
		if got := SplitLines([]byte(in)); !cmp.Equal(got, want) {
			t.Errorf("SplitLines(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestReadDiff reads as ParseDiff does, from a reader that gives one byte
// at a time, file after file.
func TestReadDiff(t *testing.T) {
	want, err := ParseDiff([]byte(gitDiff))
	if err != nil {
		t.Fatal(err)
	}
	var got []FileDiff
	err = ReadDiff(iotest.OneByteReader(strings.NewReader(gitDiff)), func(f FileDiff) error {
		got = append(got, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ReadDiff (-ParseDiff +ReadDiff):\n%s", d)
	}
}
