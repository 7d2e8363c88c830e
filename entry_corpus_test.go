package vcsync_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vcsync/vcsync"
	"github.com/vcsync/vcsync/changelog"
	"github.com/vcsync/vcsync/internal/testserver"
)

// entriesDir holds real gnulib commits with the entries their authors wrote
// (../shared/corpus/entries, read in place: public data, not copied here).
const entriesDir = "../shared/corpus/entries"

// entryScore sums the corpus figures.
type entryScore struct {
	cases, exact, headers           int
	realFiles, foundFiles           int
	realNames, foundNames, ourNames int
}

// TestEntryCorpus runs vcsync entry --stdout on each commit of the corpus,
// rebuilt as a git repository (the parent's files committed, the commit's
// diff applied and staged), with the commit's author as git's
// identity and its author date as GIT_AUTHOR_DATE, and compares the
// skeleton with the entry the author wrote:
//
//   - file recall: of the files the real entry names (resolved against the
//     changed files as vcsync commit resolves them), those the skeleton has;
//   - function recall and precision: over (file, name) pairs, where names
//     are those in the items' parentheses ("[COND]" and the text after the
//     colon are the author's and not compared);
//   - exact: the real entry and the skeleton name the same files and, for
//     each, the same set of names (whitespace, wrapping, the order and the
//     grouping of items aside; summaries and item texts ignored);
//   - header: the skeleton's header is "DATE  NAME  <EMAIL>" of git's
//     author identity and date, exactly. (Authors' own headers differ from
//     the commit's author in 52 cases: entries written days before the
//     commit, another address; no tool can know that.)
func TestEntryCorpus(t *testing.T) {
	dirs, err := os.ReadDir(entriesDir)
	if err != nil {
		testserver.SkipOrFail(t, "corpus not found (../shared/corpus, beside the clone): %v", err)
	}
	testserver.Require(t, "git")
	testserver.Env(t)
	var cases []string
	for _, d := range dirs {
		if d.IsDir() {
			cases = append(cases, d.Name())
		}
	}
	work := t.TempDir()
	t0 := time.Now()
	changed := rebuildCommits(t, work, cases)
	t.Logf("rebuild %v", time.Since(t0))
	var s entryScore
	var misses []string
	for _, c := range cases {
		miss, err := scoreEntry(t, work, c, changed[c], &s)
		if err != nil {
			t.Errorf("%s: %v", c, err)
			continue
		}
		if miss != "" {
			misses = append(misses, c+": "+miss)
		}
	}
	rate := func(a, b int) float64 { return float64(a) / float64(max(b, 1)) }
	fileRecall, nameRecall := rate(s.foundFiles, s.realFiles), rate(s.foundNames, s.realNames)
	precision, exact := rate(s.foundNames, s.ourNames), rate(s.exact, s.cases)
	t.Logf("entry corpus: %d cases; file recall %.3f (%d/%d); function recall %.3f (%d/%d); function precision %.3f (%d/%d); exact %.3f (%d/%d); header right %d/%d",
		s.cases, fileRecall, s.foundFiles, s.realFiles, nameRecall, s.foundNames, s.realNames,
		precision, s.foundNames, s.ourNames, exact, s.exact, s.cases, s.headers, s.cases)
	if os.Getenv("ENTRY_CORPUS_MISSES") != "" {
		for _, m := range misses {
			t.Log(m)
		}
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"file recall", fileRecall, 0.99}, {"function recall", nameRecall, 0.70}, {"function precision", precision, 0.65}, {"exact", exact, 0.50}} {
		if c.got < c.want {
			t.Errorf("%s %.3f, want ≥ %.2f", c.name, c.got, c.want)
		}
	}
	if s.headers != s.cases {
		t.Errorf("header right in %d of %d cases, want all", s.headers, s.cases)
	}
	if s.cases < 150 {
		t.Errorf("only %d corpus cases read", s.cases)
	}
}

// scoreEntry runs vcsync entry --stdout on one commit's directory, with the
// commit's author and date as git's, and adds its figures to s; it returns
// a description of what differs, if anything.
func scoreEntry(t *testing.T, work, c string, changed []string, s *entryScore) (string, error) {
	dir := filepath.Join(entriesDir, c)
	author, date, err := readAuthor(filepath.Join(dir, "author.txt"))
	if err != nil {
		return "", err
	}
	t.Setenv("GIT_AUTHOR_NAME", author.Name)
	t.Setenv("GIT_AUTHOR_EMAIL", author.Email)
	t.Setenv("GIT_AUTHOR_DATE", date.Format(time.RFC3339))
	res, err := vcsync.Entry(context.Background(), vcsync.EntryOptions{Dir: work, Files: []string{c}, Stdout: true})
	if err != nil {
		return "", err
	}
	if len(res.Entries) != 1 || res.Entries[0].ChangeLog != c+"/ChangeLog" {
		return "", fmt.Errorf("entries %+v, want one, of %s/ChangeLog", res.Entries, c)
	}
	ours := changelog.SplitLines([]byte(res.Entries[0].Text))
	realText, err := os.ReadFile(filepath.Join(dir, "entry.txt"))
	if err != nil {
		return "", err
	}
	s.cases++
	want := changelog.Header(date.Format("2006-01-02"), author)
	if len(ours) > 0 && ours[0] == want {
		s.headers++
	}
	r := itemPairs(changelog.ReadItems(changelog.SplitLines(realText)), changed)
	o := itemPairs(changelog.ReadItems(ours), changed)
	s.realFiles += len(r.files)
	s.foundFiles += countIn(r.files, o.files)
	s.realNames += len(r.names)
	s.ourNames += len(o.names)
	s.foundNames += countIn(r.names, o.names)
	if slices.Equal(r.files, o.files) && slices.Equal(r.names, o.names) {
		s.exact++
		return "", nil
	}
	return fmt.Sprintf("\n  real %v %v\n  ours %v %v", r.files, r.names, o.files, o.names), nil
}

// rebuildCommits makes work one git repository with a directory per
// commit: HEAD holds each parent's files and an empty ChangeLog, so that
// each commit's files belong to its own ChangeLog; the working tree and
// the index hold each commit's files, its diff applied. Three git
// commands for the whole corpus (a repository per commit would take a
// minute on a loaded machine); vcsync entry then runs once per commit,
// limited to its directory, as it would in the commit's own repository.
// It returns each commit's changed paths, relative to its directory.
func rebuildCommits(t *testing.T, work string, cases []string) map[string][]string {
	for _, c := range cases {
		to := filepath.Join(work, c)
		if err := os.CopyFS(to, os.DirFS(filepath.Join(entriesDir, c, "before"))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		if err := os.MkdirAll(to, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, "ChangeLog"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git(t, work, "init", "-q")
	git(t, work, "add", "-A")
	git(t, work, "commit", "-q", "-m", "before")
	changed := map[string][]string{}
	for _, c := range cases {
		patch, err := os.ReadFile(filepath.Join(entriesDir, c, "diff.patch"))
		if err != nil {
			t.Fatal(err)
		}
		diffs, err := changelog.ParseDiff(patch)
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		for _, d := range diffs {
			changed[c] = append(changed[c], d.Path)
			if err := applyFile(filepath.Join(work, c), d); err != nil {
				t.Fatalf("%s: %s: %v", c, d.Path, err)
			}
		}
	}
	git(t, work, "add", "-A")
	return changed
}

// applyFile applies one file's diff in the working tree work.
func applyFile(work string, d changelog.FileDiff) error {
	var old []string
	if d.Kind != changelog.Added || d.OldPath != d.Path {
		b, err := os.ReadFile(filepath.Join(work, d.OldPath))
		if err != nil && d.Kind != changelog.Added {
			return err
		}
		old = changelog.SplitLines(b)
	}
	if d.Kind == changelog.Deleted {
		return os.Remove(filepath.Join(work, d.Path))
	}
	lines, err := changelog.NewLines(old, d.Hunks)
	if err != nil {
		return err
	}
	if d.Kind == changelog.Renamed {
		if err := os.Remove(filepath.Join(work, d.OldPath)); err != nil {
			return err
		}
	}
	file := filepath.Join(work, d.Path)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

// pairs are an entry's files and (file, name) pairs, sorted.
type pairs struct{ files, names []string }

// itemPairs resolves the files items name against the changed files (a
// glob, a name in the wrong directory, as vcsync commit resolves them)
// and lists the files and "file (name)" pairs.
func itemPairs(items []changelog.Item, changed []string) pairs {
	var p pairs
	for _, it := range items {
		for _, f := range it.Files {
			m := changelog.MatchFiles([]string{f}, changed)
			files := m.Files
			if len(files) == 0 {
				files = []string{f} // a file the change does not touch: counted, never found
			}
			for _, file := range files {
				p.files = append(p.files, file)
				for _, n := range it.Names {
					p.names = append(p.names, file+" ("+strings.TrimSuffix(n, "()")+")")
				}
			}
		}
	}
	slices.Sort(p.files)
	slices.Sort(p.names)
	return pairs{slices.Compact(p.files), slices.Compact(p.names)}
}

// countIn counts the elements of want (sorted, distinct) found in got.
func countIn(want, got []string) int {
	n := 0
	for _, w := range want {
		if _, ok := slices.BinarySearch(got, w); ok {
			n++
		}
	}
	return n
}

// readAuthor reads the first two lines of author.txt: "Name <email>" and
// the author date.
func readAuthor(file string) (changelog.Author, time.Time, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return changelog.Author{}, time.Time{}, err
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 2 {
		return changelog.Author{}, time.Time{}, fmt.Errorf("%s: short", file)
	}
	a, err := vcsync.ParseIdent(lines[0])
	if err != nil {
		return a, time.Time{}, err
	}
	date, err := time.Parse(time.RFC3339, strings.TrimSpace(lines[1]))
	return a, date, err
}
