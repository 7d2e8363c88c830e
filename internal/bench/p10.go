package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// p10: bring 20 revisions (1,000 with -full, as in DESIGN.md) that someone
// else committed to svn into git, `vcsync pull` against `git svn fetch` of
// the same revisions. git svn takes 0.3-0.6 s a revision: at 1,000, P10
// alone took ten minutes, so make bench runs 20 unless told.
//
// The setup loads an svn repository (svnadmin load of a generated dump):
// r1 a trunk of p10Files files, then p10Revs revisions that each change two
// of them. Before the p10Revs revisions are loaded, `vcsync init
// --from-svn` and `git svn fetch -r 1` make each side's repository at r1;
// those are the pristine copies that prepare restores before each run, so
// that every run brings in the same p10Revs revisions. After a run,
// untimed, each side's branch must have p10Revs commits more.
var p10 = bench{
	id:    "P10",
	name:  "pull N foreign svn revisions",
	goals: []float64{0.5},
	runs:  3,
	// No warm-up: git svn fetch takes a second a revision under load, 30
	// times vcsync pull, so a cold first run changes no verdict.
	warmup: -1,
	setup:  setupP10,
}

const p10Files = 300

// p10Revs is the number of revisions pulled.
func p10Revs(e *env) int {
	if e.full {
		return 1000
	}
	return 20
}

func setupP10(e *env) (trial, error) {
	revs := p10Revs(e)
	first, rest := p10Dumps(revs)
	for name, b := range map[string][]byte{"r1.dump": first, "rest.dump": rest} {
		if err := os.WriteFile(filepath.Join(e.dir, name), b, 0o644); err != nil {
			return trial{}, err
		}
	}
	url := "file://" + filepath.Join(e.dir, "svn") + "/trunk"
	fmt.Fprintf(os.Stderr, "bench: P10: an svn trunk of %d files, both sides at r1\n", p10Files)
	steps := [][]string{
		{"svnadmin", "create", "svn"},
		{"sh", "-c", "svnadmin load -q --no-flush-to-disk svn <r1.dump"},
		{e.vcsync, "init", "-q", "--from-svn", url, "ours"},
		{"git", "svn", "init", url, "peer"},
		{"git", "-C", "peer", "config", "gc.auto", "0"},
		{"git", "-C", "ours", "config", "gc.auto", "0"},
		{"git", "-C", "peer", "svn", "fetch", "-q", "-r", "1"},
		{"cp", "-a", "ours", "ours.pristine"},
		{"cp", "-a", "peer", "peer.pristine"},
	}
	for _, s := range steps {
		if _, err := output(e.command(".", s[0], s[1:]...)); err != nil {
			return trial{}, err
		}
	}
	fmt.Fprintf(os.Stderr, "bench: P10: loading %d revisions\n", revs)
	if _, err := output(e.command(".", "sh", "-c", "svnadmin load -q --no-flush-to-disk svn <rest.dump")); err != nil {
		return trial{}, err
	}
	ours := timed(func() *exec.Cmd { return e.command("ours", e.vcsync, "pull", "-q") })
	peer := timed(func() *exec.Cmd { return e.command("peer", "git", "svn", "fetch", "-q") })
	return trial{
		ours:  side{name: "vcsync pull", prepare: p4Restore(e, "ours"), run: p10Checked(e, ours, "ours", "HEAD", revs)},
		peers: []side{{name: "git svn fetch", prepare: p4Restore(e, "peer"), run: p10Checked(e, peer, "peer", "refs/remotes/git-svn", revs)}},
		name:  fmt.Sprintf("pull %d foreign svn revisions", revs),
	}, nil
}

// p10Checked wraps a side's timed run: after it, untimed, ref in dir must
// hold a commit per revision, r1's and the revs new ones.
func p10Checked(e *env, run func() (sample, error), dir, ref string, revs int) func() (sample, error) {
	return func() (sample, error) {
		s, err := run()
		if err != nil {
			return s, err
		}
		n, err := e.git(dir, "rev-list", "--count", ref)
		if err != nil {
			return s, err
		}
		if got, _ := strconv.Atoi(strings.TrimSpace(n)); got != revs+1 {
			return s, fmt.Errorf("%s: %d commits on %s, want %d", dir, got, ref, revs+1)
		}
		return s, nil
	}
}

// p10Dumps returns two svn dump streams: r1, a trunk of p10Files files in
// p3's layout; then revs revisions that each append a line to two files,
// with a log message and an author, as a colleague's commits.
func p10Dumps(revs int) (first, rest []byte) {
	rng := rand.New(rand.NewPCG(10, 10))
	files := map[string]string{}
	var names []string
	var b bytes.Buffer
	b.WriteString("SVN-fs-dump-format-version: 2\n\n")
	p10Rev(&b, 1, "Import the bench project.")
	p10Node(&b, "trunk", "dir", "add", "")
	p10Node(&b, "trunk/src", "dir", "add", "")
	for d := range p3Dirs {
		p10Node(&b, fmt.Sprintf("trunk/src/d%02d", d), "dir", "add", "")
	}
	for f := range p10Files {
		p := "trunk/" + p3Path(f)
		files[p] = fmt.Sprintf("/* %s */\n", p) + p3Func(f, 0, rng)
		names = append(names, p)
		p10Node(&b, p, "file", "add", files[p])
	}
	first = bytes.Clone(b.Bytes())
	b.Reset()
	b.WriteString("SVN-fs-dump-format-version: 2\n\n")
	for r := 2; r <= revs+1; r++ {
		p10Rev(&b, r, fmt.Sprintf("Change %d of the bench project.\n\n* src: Two functions more.", r))
		for range 2 {
			p := names[rng.IntN(len(names))]
			files[p] += p3Func(r, r, rng)
			p10Node(&b, p, "file", "change", files[p])
		}
	}
	return first, b.Bytes()
}

// p10Props is a dump's property block.
func p10Props(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, "K %d\n%s\nV %d\n%s\n", len(kv[i]), kv[i], len(kv[i+1]), kv[i+1])
	}
	return b.String() + "PROPS-END\n"
}

func p10Rev(b *bytes.Buffer, r int, log string) {
	date := fmt.Sprintf("2026-11-%02dT%02d:%02d:00.000000Z", 1+r/1440, r/60%24, r%60)
	p := p10Props("svn:author", "colleague", "svn:date", date, "svn:log", log)
	fmt.Fprintf(b, "Revision-number: %d\nProp-content-length: %d\nContent-length: %d\n\n%s\n", r, len(p), len(p), p)
}

func p10Node(b *bytes.Buffer, path, kind, action, text string) {
	p := p10Props()
	fmt.Fprintf(b, "Node-path: %s\nNode-kind: %s\nNode-action: %s\nProp-content-length: %d\n", path, kind, action, len(p))
	if kind == "file" {
		fmt.Fprintf(b, "Text-content-length: %d\n", len(text))
	}
	fmt.Fprintf(b, "Content-length: %d\n\n%s%s\n\n", len(p)+len(text), p, text)
}
