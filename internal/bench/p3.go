package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// p3: push one new commit to 8 local bare git remotes, against a sequential
// `git push` loop and `xargs -P8 git push`.
//
// Each side has 8 bare remotes of its own (plain paths), all made from the
// same history in the setup. Each round makes one new local commit, untimed,
// and then every side pushes the current branch to its own 8 remotes: each
// remote lacks exactly that one commit, so the sides do the same work, and
// vcsync's state (which remembers what each remote holds) cannot let it skip
// any. The remotes are configured as git remotes of the local repository:
// v0..v7 for vcsync, g0..g7 for the loop, x0..x7 for xargs.
var p3 = bench{
	id:    "P3",
	name:  "push 1 commit to 8 local remotes",
	goals: []float64{0.5, 1.0}, // the loop, xargs
	runs:  7,                   // three sides of 8 pushes: about 30 s
	setup: setupP3,
}

const (
	p3Repo    = "repo"
	p3Remotes = 8
	p3Commits = 200 // in the history every remote holds at the start
	p3Files   = 300
	p3Dirs    = 10
)

func setupP3(e *env) (trial, error) {
	if err := initRepo(e, p3Repo); err != nil {
		return trial{}, err
	}
	fmt.Fprintf(os.Stderr, "bench: P3: importing %d commits over %d files\n", p3Commits, p3Files)
	imp := e.command(p3Repo, "git", "fast-import", "--quiet")
	imp.Stdin = bytes.NewReader(p3History())
	if _, err := output(imp); err != nil {
		return trial{}, err
	}
	if _, err := e.git(p3Repo, "reset", "-q", "--hard", "main"); err != nil {
		return trial{}, err
	}

	fmt.Fprintf(os.Stderr, "bench: P3: pushing it to 3×%d bare remotes\n", p3Remotes)
	sets := map[string][]string{} // prefix: its remotes' names
	for _, prefix := range []string{"v", "g", "x"} {
		for i := range p3Remotes {
			name := fmt.Sprintf("%s%d", prefix, i)
			if err := addP3Remote(e, name); err != nil {
				return trial{}, err
			}
			sets[prefix] = append(sets[prefix], name)
		}
	}

	r := &p3Round{e: e}
	ours := timed(func() *exec.Cmd {
		return e.command(p3Repo, e.vcsync, append([]string{"push", "-j", fmt.Sprint(p3Remotes)}, sets["v"]...)...)
	})
	loop := timed(func() *exec.Cmd {
		script := fmt.Sprintf(`for r in %s; do git push -q "$r" main; done`, strings.Join(sets["g"], " "))
		return e.command(p3Repo, "sh", "-ec", script)
	})
	xargs := timed(func() *exec.Cmd {
		cmd := e.command(p3Repo, "xargs", fmt.Sprintf("-P%d", p3Remotes), "-I{}", "git", "push", "-q", "{}", "main")
		cmd.Stdin = strings.NewReader(strings.Join(sets["x"], "\n") + "\n")
		return cmd
	})
	return trial{
		round: r.next,
		ours:  side{name: "vcsync push", run: r.checked(ours, sets["v"])},
		peers: []side{
			{name: "git push loop", run: r.checked(loop, sets["g"])},
			{name: "xargs -P8", run: r.checked(xargs, sets["x"])},
		},
	}, nil
}

// addP3Remote makes the bare repository remotes/NAME.git, adds it as the
// git remote NAME of the local repository and pushes the history to it.
func addP3Remote(e *env, name string) error {
	dir := filepath.Join(e.dir, "remotes", name+".git")
	steps := [][]string{
		{"init", "-q", "--bare", "-b", "main", dir},
		{"--git-dir", dir, "config", "gc.auto", "0"}, // no background gc racing the cleanup
		{"remote", "add", name, dir},
		{"push", "-q", name, "main"},
	}
	for _, args := range steps {
		if _, err := e.git(p3Repo, args...); err != nil {
			return err
		}
	}
	return nil
}

// p3History is a git fast-import stream of p3Commits commits on main: the
// first adds p3Files small C files in p3Dirs directories, each later one
// adds a function to one to five of them.
func p3History() []byte {
	rng := rand.New(rand.NewPCG(3, 3))
	files := make([][]byte, p3Files)
	for f := range files {
		var b bytes.Buffer
		fmt.Fprintf(&b, "/* %s: part %d of the bench project. */\n\n#include <stdio.h>\n", p3Path(f), f)
		for fn := range 4 + rng.IntN(8) {
			b.WriteString(p3Func(f, fn, rng))
		}
		files[f] = b.Bytes()
	}
	var out bytes.Buffer
	for c := range p3Commits {
		changed := make([]int, 0, 5)
		msg := "Import the bench project.\n"
		if c == 0 {
			for f := range p3Files {
				changed = append(changed, f)
			}
		} else {
			for range 1 + rng.IntN(5) {
				f := rng.IntN(p3Files)
				files[f] = append(files[f], p3Func(f, 100+c, rng)...)
				changed = append(changed, f)
			}
			msg = fmt.Sprintf("Add f%03d_%d and friends (change %d).\n", changed[0], 100+c, c)
		}
		when := 1_700_000_000 + int64(c)*3600
		fmt.Fprintf(&out, "commit refs/heads/main\nauthor Bench Mark <bench@example.org> %d +0000\n", when)
		fmt.Fprintf(&out, "committer Bench Mark <bench@example.org> %d +0000\ndata %d\n%s", when, len(msg), msg)
		for _, f := range changed {
			fmt.Fprintf(&out, "M 644 inline %s\ndata %d\n%s\n", p3Path(f), len(files[f]), files[f])
		}
		out.WriteString("\n")
	}
	return out.Bytes()
}

func p3Path(f int) string { return fmt.Sprintf("src/d%02d/f%03d.c", f%p3Dirs, f) }

// p3Func is a small C function, a few lines long.
func p3Func(f, fn int, rng *rand.Rand) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nint\nf%03d_%d (int x)\n{\n", f, fn)
	for i := range 2 + rng.IntN(6) {
		fmt.Fprintf(&b, "  x = x * %d + %d;\t/* step %d */\n", 3+rng.IntN(97), rng.IntN(1000), i)
	}
	b.WriteString("  return x;\n}\n")
	return b.String()
}

// A p3Round is the state the sides share: the commit of the current round.
type p3Round struct {
	e    *env
	n    int
	head string // the local commit every side must push this round
}

// next is the untimed start of a round: one new commit, a line added to one
// file, which every side then pushes to its own remotes.
func (r *p3Round) next() error {
	r.n++
	path := filepath.Join(r.e.dir, p3Repo, p3Path(r.n%p3Files))
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(fh, "\nint round_%d;\n", r.n)
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if _, err := r.e.git(p3Repo, "commit", "-q", "--no-verify", "-a", "-m", fmt.Sprintf("Round %d.", r.n)); err != nil {
		return err
	}
	head, err := r.e.git(p3Repo, "rev-parse", "HEAD")
	r.head = strings.TrimSpace(head)
	return err
}

// checked wraps a side's timed run: after it, untimed, every one of the
// side's remotes must hold this round's commit, so that a push that skipped
// work is not reported as a fast one.
func (r *p3Round) checked(run func() (sample, error), remotes []string) func() (sample, error) {
	return func() (sample, error) {
		s, err := run()
		if err != nil {
			return s, err
		}
		for _, name := range remotes {
			dir := filepath.Join(r.e.dir, "remotes", name+".git")
			got, err := r.e.git(p3Repo, "--git-dir", dir, "rev-parse", "refs/heads/main")
			if err != nil {
				return s, err
			}
			if got = strings.TrimSpace(got); got != r.head {
				return s, fmt.Errorf("remote %s: main is %s after the push, want %s", name, got, r.head)
			}
		}
		return s, nil
	}
}
