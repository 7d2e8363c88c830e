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

// p4: send 3 commits (10 with -full, as in DESIGN.md) to a Subversion
// directory over file://, `vcsync push` against `git svn dcommit` of the
// same commits. git svn dcommit takes 1-3 s a commit: at 10, P4 alone took
// five minutes of make bench.
//
// The setup builds, once, a git repository whose main holds a base commit
// (p4Files small C files) and 10 commits on it that edit, add, rename and
// delete files; vcsync pushes the base to an svn trunk, untimed. That svn
// repository is copied for each side: vcsync's repository is configured
// with it as remote "svn"; a `git svn clone` of the other copy receives the
// 10 commits by cherry-pick, so both sides send the same trees and messages.
// Before each run, untimed, each side gets back its pristine svn repository
// and git repository (vcsync's state and git-svn's metadata included), so
// every run sends the 10 commits again; after it, untimed, its svn repository
// must have 10 new revisions.
var p4 = bench{
	id:     "P4",
	name:   "send N commits to svn (file://)",
	goals:  []float64{0.3},
	runs:   3,
	warmup: 1, // git svn dcommit takes seconds a commit
	setup:  setupP4,
}

const p4Files = 300

// p4Commits is the number of commits sent, which setupP4 sets: 3, or 10
// with -full.
var p4Commits = 3

// The directories of P4, under its own: a ".pristine" copy of each is what
// prepare restores.
const (
	p4Ours    = "ours"     // vcsync's git repository
	p4OursSvn = "ours.svn" // its svn repository
	p4Peer    = "gitsvn"   // the git svn clone
	p4PeerSvn = "peer.svn" // its svn repository
)

func setupP4(e *env) (trial, error) {
	p4Commits = 3
	if e.full {
		p4Commits = 10
	}
	if err := initRepo(e, p4Ours); err != nil {
		return trial{}, err
	}
	fmt.Fprintf(os.Stderr, "bench: P4: a base of %d files and %d commits on it\n", p4Files, p4Commits)
	imp := e.command(p4Ours, "git", "fast-import", "--quiet")
	imp.Stdin = bytes.NewReader(p4History())
	if _, err := output(imp); err != nil {
		return trial{}, err
	}
	svnURL := "file://" + filepath.Join(e.dir, p4OursSvn)
	steps := []struct {
		dir  string
		name string
		args []string
	}{
		{".", "svnadmin", []string{"create", p4OursSvn}},
		{".", "svnmucc", []string{"--non-interactive", "-m", "Make trunk.", "mkdir", svnURL + "/trunk"}},
		{p4Ours, "git", []string{"reset", "-q", "--hard", fmt.Sprintf("tip~%d", p4Commits)}},
		{p4Ours, "git", []string{"config", "vcsync.svn.backend", "svn"}},
		{p4Ours, "git", []string{"config", "vcsync.svn.url", svnURL + "/trunk"}},
		{p4Ours, e.vcsync, []string{"push", "-q", "svn"}}, // the base: one revision
		{".", "cp", []string{"-a", p4OursSvn, p4PeerSvn}},
		{".", "git", []string{"svn", "clone", "-q", "file://" + filepath.Join(e.dir, p4PeerSvn) + "/trunk", p4Peer}},
		{p4Peer, "git", []string{"config", "gc.auto", "0"}},
		{p4Peer, "git", []string{"fetch", "-q", "../" + p4Ours, "tip"}},
		{p4Peer, "git", []string{"-c", "user.name=Bench Mark", "-c", "user.email=bench@example.org",
			"cherry-pick", fmt.Sprintf("FETCH_HEAD~%d..FETCH_HEAD", p4Commits)}},
		{p4Ours, "git", []string{"reset", "-q", "--hard", "tip"}},
	}
	fmt.Fprintln(os.Stderr, "bench: P4: pushing the base, cloning it with git svn")
	for _, s := range steps {
		if _, err := output(e.command(s.dir, s.name, s.args...)); err != nil {
			return trial{}, err
		}
	}
	if n, err := e.git(p4Peer, "rev-list", "--count", "git-svn..HEAD"); err != nil || strings.TrimSpace(n) != strconv.Itoa(p4Commits) {
		return trial{}, fmt.Errorf("the git svn clone has %q commits to send, want %d (%v)", strings.TrimSpace(n), p4Commits, err)
	}
	for _, d := range []string{p4Ours, p4OursSvn, p4Peer, p4PeerSvn} {
		if _, err := output(e.command(".", "cp", "-a", d, d+".pristine")); err != nil {
			return trial{}, err
		}
	}
	ours := timed(func() *exec.Cmd { return e.command(p4Ours, e.vcsync, "push", "-q", "svn") })
	peer := timed(func() *exec.Cmd { return e.command(p4Peer, "git", "svn", "dcommit", "-q") })
	return trial{
		ours: side{name: "vcsync push", prepare: p4Restore(e, p4Ours, p4OursSvn),
			run: p4Checked(e, ours, p4OursSvn)},
		peers: []side{{name: "git svn dcommit", prepare: p4Restore(e, p4Peer, p4PeerSvn),
			run: p4Checked(e, peer, p4PeerSvn)}},
		name: fmt.Sprintf("send %d commits to svn (file://)", p4Commits),
	}, nil
}

// p4Restore returns a prepare function that puts back the pristine copies
// of the directories dirs.
func p4Restore(e *env, dirs ...string) func() error {
	return func() error {
		for _, d := range dirs {
			if err := os.RemoveAll(filepath.Join(e.dir, d)); err != nil {
				return err
			}
			if _, err := output(e.command(".", "cp", "-a", d+".pristine", d)); err != nil {
				return err
			}
		}
		return nil
	}
}

// p4Checked wraps a side's timed run: after it, untimed, its svn
// repository must hold p4Commits revisions more than the pristine one.
func p4Checked(e *env, run func() (sample, error), svnDir string) func() (sample, error) {
	return func() (sample, error) {
		s, err := run()
		if err != nil {
			return s, err
		}
		before, err := output(e.command(".", "svnlook", "youngest", svnDir+".pristine"))
		if err != nil {
			return s, err
		}
		after, err := output(e.command(".", "svnlook", "youngest", svnDir))
		if err != nil {
			return s, err
		}
		b, _ := strconv.Atoi(strings.TrimSpace(before))
		a, _ := strconv.Atoi(strings.TrimSpace(after))
		if a-b != p4Commits {
			return s, fmt.Errorf("%s: %d new revisions, want %d", svnDir, a-b, p4Commits)
		}
		return s, nil
	}
}

// p4History is a git fast-import stream on the branch tip: a base commit of p4Files
// files in p3's layout, then p4Commits commits, each editing one to three
// files; some also add a file, rename one or delete one.
func p4History() []byte {
	rng := rand.New(rand.NewPCG(4, 4))
	files := map[string][]byte{}
	var out bytes.Buffer
	var b strings.Builder
	for f := range p4Files {
		b.Reset()
		fmt.Fprintf(&b, "/* %s: part %d of the bench project. */\n\n#include <stdio.h>\n", p3Path(f), f)
		for fn := range 4 + rng.IntN(8) {
			b.WriteString(p3Func(f, fn, rng))
		}
		files[p3Path(f)] = []byte(b.String())
	}
	commit := func(c int, msg string, ops []string) {
		when := 1_700_000_000 + int64(c)*3600
		fmt.Fprintf(&out, "commit refs/heads/tip\nauthor Bench Mark <bench@example.org> %d +0000\n", when)
		fmt.Fprintf(&out, "committer Bench Mark <bench@example.org> %d +0000\ndata %d\n%s", when, len(msg), msg)
		for _, o := range ops {
			out.WriteString(o)
		}
		out.WriteString("\n")
	}
	modify := func(p string) string {
		return fmt.Sprintf("M 644 inline %s\ndata %d\n%s\n", p, len(files[p]), files[p])
	}
	var ops []string
	for f := range p4Files {
		ops = append(ops, modify(p3Path(f)))
	}
	commit(0, "Import the bench project.\n", ops)
	for c := 1; c <= p4Commits; c++ {
		ops = ops[:0]
		for range 1 + rng.IntN(3) {
			p := p3Path(rng.IntN(p4Files))
			if files[p] == nil {
				continue // renamed or deleted earlier
			}
			files[p] = append(files[p], p3Func(c, 100+c, rng)...)
			ops = append(ops, modify(p))
		}
		switch c % 4 {
		case 1:
			p := fmt.Sprintf("src/new/n%02d.c", c)
			files[p] = []byte(p3Func(c, c, rng))
			ops = append(ops, modify(p))
		case 2:
			from, to := p3Path(p4Files-c), fmt.Sprintf("src/moved/m%02d.c", c)
			files[to], files[from] = files[from], nil
			ops = append(ops, fmt.Sprintf("R %s %s\n", from, to))
		case 3:
			p := p3Path(p4Files - 50 - c)
			files[p] = nil
			ops = append(ops, "D "+p+"\n")
		}
		commit(c, fmt.Sprintf("Change %d of the bench project.\n\nWith a body, as ChangeLog entries have.\n", c), ops)
	}
	return out.Bytes()
}
