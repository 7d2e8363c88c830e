package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerate keeps make man working: a page per command, with the
// command's own words.
func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	for page, want := range map[string]string{
		"vcsync.1":        "Commit a ChangeLog entry and push it to every repository",
		"vcsync-push.1":   "Push what each remote lacks",
		"vcsync-commit.1": "Commit the new ChangeLog entry and exactly the files it names",
	} {
		b, err := os.ReadFile(filepath.Join(dir, page))
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s: %v; want it to contain %q", page, err, want)
		}
	}
}
