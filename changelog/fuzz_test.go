package changelog

import (
	"fmt"
	"path"
	"strings"
	"testing"
	"time"
)

// FuzzDerive feeds arbitrary old/new pairs to every format's reader, seeded
// from the real gnulib corpus. Derive must never panic or hang, and what it
// returns must hold its promises: a subject that is the text's first line, a
// text that ends in a newline, files inside the repository.
func FuzzDerive(f *testing.F) {
	for i, c := range loadCorpus(f) {
		if i%4 == 0 { // a quarter of the corpus keeps the seed set quick to replay
			f.Add(uint8(i), trimLines(c.before, 20), trimLines(c.after, 30))
		}
	}
	f.Add(uint8(1), []byte("pkg (1.0-1) unstable; urgency=low\n\n  * Old.\n\n -- A <a@b>  Mon, 01 Jan 2024 00:00:00 +0000\n"),
		[]byte("pkg (1.0-2) unstable; urgency=low\n\n  * New.\n\n -- A <a@b>  Tue, 02 Jan 2024 00:00:00 +0000\n\npkg (1.0-1) unstable; urgency=low\n\n  * Old.\n\n -- A <a@b>  Mon, 01 Jan 2024 00:00:00 +0000\n"))
	f.Add(uint8(2), []byte("# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2024-01-01\n### Added\n- x\n"),
		[]byte("# Changelog\n\n## [Unreleased]\n### Fixed\n- y\n\n## [1.0.0] - 2024-01-01\n### Added\n- x\n"))
	paths := []string{"ChangeLog", "debian/changelog", "CHANGELOG.md", "sub/dir/ChangeLog.2"}
	f.Fuzz(func(t *testing.T, which uint8, old, new []byte) {
		p := paths[int(which)%len(paths)]
		// A hang is a failure too; the fuzzer alone would only stall.
		tm := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("HANG %q\n%q\n%q", p, old, new)) })
		m, err := Derive([]Input{{Path: p, Old: old, New: new}}, Options{})
		tm.Stop()
		if err != nil {
			return
		}
		if !strings.HasSuffix(m.Text, "\n") || !strings.HasPrefix(m.Text, m.Subject+"\n") {
			t.Fatalf("subject %q is not the first line of %q", m.Subject, m.Text)
		}
		for _, f := range m.Files {
			if path.IsAbs(f) || f == ".." || strings.HasPrefix(f, "../") {
				t.Fatalf("file %q leaves the repository", f)
			}
		}
	})
}

func trimLines(b []byte, n int) []byte {
	ls := strings.SplitAfterN(string(b), "\n", n+1)
	if len(ls) > n {
		ls = ls[:n]
	}
	return []byte(strings.Join(ls, ""))
}
