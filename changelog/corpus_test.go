package changelog

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vcsync/vcsync/internal/testserver"
)

// corpusDir holds real gnulib commits (../shared/corpus, read in place: it is
// public data that must not be copied into the repository).
const corpusDir = "../../shared/corpus/gnulib"

type corpusCase struct {
	id            string
	before, after []byte
	message       string
	files         []string
	author        string
}

func loadCorpus(t testing.TB) []corpusCase {
	t.Helper()
	dirs, err := os.ReadDir(corpusDir)
	if err != nil {
		testserver.SkipOrFail(t, "%s", corpusMissing(err))
	}
	var cs []corpusCase
	for _, d := range dirs {
		dir := filepath.Join(corpusDir, d.Name())
		read := func(name string) []byte {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		cs = append(cs, corpusCase{
			id:      d.Name(),
			before:  read("ChangeLog.before"),
			after:   read("ChangeLog.after"),
			message: string(read("message.txt")),
			files:   strings.Fields(string(read("files.txt"))),
			author:  strings.SplitN(string(read("author.txt")), "\n", 2)[0],
		})
	}
	return cs
}

// corpusMissing says why the corpus tests do not run without the corpus
// (a clone made without ../shared beside it): where it is looked for, and
// why it is not in the repository. testserver.SkipOrFail skips them with
// it, and fails them in CI, which must run every test.
func corpusMissing(err error) string {
	return fmt.Sprintf("the gnulib corpus is not here (%v): the corpus tests read it in place from "+
		"../shared/corpus beside the module's directory, as public data never copied into the repository", err)
}

// trailerRe matches the trailers a message may carry that no ChangeLog
// line holds: Signed-off-by and the like, and the
// Copyright-paperwork-exempt that vcsync adds for a "(tiny change)"
// header (gnulib's commits of the time did not).
var trailerRe = regexp.MustCompile(`^(?:[A-Z][A-Za-z-]*-by|Copyright-paperwork-exempt): `)

// normalize collapses white space within lines and runs of blank lines, and
// drops trailers, which no ChangeLog holds.
func normalize(msg string) string {
	var out []string
	for _, l := range strings.Split(msg, "\n") {
		l = strings.Join(strings.Fields(l), " ")
		if trailerRe.MatchString(l) {
			continue
		}
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// derivable reports whether every non-blank, non-trailer line of the real
// message is among the added lines: only then can any tool derive it.
func derivable(c corpusCase) bool {
	added := map[string]bool{}
	before := map[string]int{}
	for _, l := range strings.Split(string(c.before), "\n") {
		before[l]++
	}
	for _, l := range strings.Split(string(c.after), "\n") {
		if before[l] > 0 {
			before[l]--
			continue
		}
		added[strings.TrimSpace(l)] = true
	}
	for _, l := range strings.Split(c.message, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || trailerRe.MatchString(l) {
			continue
		}
		if !added[l] {
			return false
		}
	}
	return true
}

// TestCorpus runs the engine over real gnulib commits: the derived message
// must equal the real one on at least 99% of the derivable cases, and the
// files the entry names must equal the files the commit changed on 95%.
func TestCorpus(t *testing.T) {
	cases := loadCorpus(t)
	var nDeriv, okMsg, okFiles, okAuthor int
	var msgMiss, fileMiss []string
	for _, c := range cases {
		m, err := Derive([]Input{{Path: "ChangeLog", Old: c.before, New: c.after}}, Options{})
		if err != nil {
			t.Errorf("%s: %v", c.id, err)
			continue
		}
		if m.Author.String() == c.author {
			okAuthor++
		}
		// Real summaries are one line: none is taken for a wrapped one.
		for _, w := range m.Warnings {
			if strings.Contains(w.Text, "seems to go on") {
				t.Errorf("%s: %s", c.id, w)
			}
		}
		if derivable(c) {
			nDeriv++
			if normalize(m.Text) == normalize(c.message) {
				okMsg++
			} else {
				msgMiss = append(msgMiss, c.id+"\n--- derived\n"+m.Text+"--- real\n"+c.message)
			}
		}
		changed := slices.DeleteFunc(slices.Clone(c.files), IsChangeLogName)
		match := MatchFiles(m.Files, changed)
		if len(match.Unnamed) == 0 && len(match.Unmatched) == 0 {
			okFiles++
		} else {
			fileMiss = append(fileMiss, c.id+": unmatched names "+strings.Join(match.Unmatched, " ")+"; unnamed files "+strings.Join(match.Unnamed, " "))
		}
	}
	msgRate := float64(okMsg) / float64(max(nDeriv, 1))
	fileRate := float64(okFiles) / float64(max(len(cases), 1))
	t.Logf("corpus: %d cases, %d derivable; messages equal on %d/%d (%.1f%%); files equal on %d/%d (%.1f%%); author equal on %d",
		len(cases), nDeriv, okMsg, nDeriv, 100*msgRate, okFiles, len(cases), 100*fileRate, okAuthor)
	for _, s := range msgMiss {
		t.Logf("message miss %s", s)
	}
	for _, s := range fileMiss {
		t.Logf("files miss %s", s)
	}
	if msgRate < 0.99 {
		t.Errorf("messages equal on %.1f%% of derivable cases, want ≥ 99%%", 100*msgRate)
	}
	if fileRate < 0.95 {
		t.Errorf("files equal on %.1f%% of cases, want ≥ 95%%", 100*fileRate)
	}
	if len(cases) < 100 {
		t.Errorf("only %d corpus cases read", len(cases))
	}
}

// TestCorpusMissing: without the corpus, the message says where it is
// looked for.
func TestCorpusMissing(t *testing.T) {
	err := &fs.PathError{Op: "open", Path: corpusDir, Err: fs.ErrNotExist}
	if msg := corpusMissing(err); !strings.Contains(msg, "../shared/corpus") || !strings.Contains(msg, corpusDir) {
		t.Errorf("%q", msg)
	}
}
