package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// p7: push one new commit to 1,000 command remotes, against the same push to
// 250 (2,000 and 500 with -full, as in DESIGN.md): the growth for 4× the remotes, which must stay near linear (a state
// rewritten whole after each remote made it quadratic).
//
// Each side has a repository of its own whose .git/config (trusted, unlike
// a committed .vcsync) defines its command remotes, all running /bin/true.
// Each round makes one new commit in both, untimed, so that no remote is
// up to date by the state and every program runs.
var p7 = bench{
	id:     "P7",
	name:   "push to 4N vs N command remotes",
	goals:  []float64{5.0},
	runs:   3,
	warmup: 1,
	setup:  setupP7,
}

func setupP7(e *env) (trial, error) {
	small, large := 250, 1000
	if e.full {
		small, large = 500, 2000
	}
	fmt.Fprintf(os.Stderr, "bench: P7: %d vs %d command remotes\n", large, small)
	repos := []string{fmt.Sprintf("r%d", large), fmt.Sprintf("r%d", small)}
	for i, n := range []int{large, small} {
		if err := setupP7Repo(e, repos[i], n); err != nil {
			return trial{}, err
		}
	}
	r := &p7Round{e: e, repos: repos}
	mk := func(repo string) func() *exec.Cmd {
		return func() *exec.Cmd { return e.command(repo, e.vcsync, "push") }
	}
	return trial{
		round: r.next,
		name:  fmt.Sprintf("push to %d vs %d command remotes", large, small),
		ours:  side{name: fmt.Sprintf("vcsync push ×%d", large), run: timed(mk(repos[0]))},
		peers: []side{{name: fmt.Sprintf("vcsync push ×%d", small), run: timed(mk(repos[1]))}},
	}, nil
}

// setupP7Repo makes a repository with one commit and n command remotes.
func setupP7Repo(e *env, repo string, n int) error {
	if err := initRepo(e, repo); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(e.dir, repo, "README"), []byte("P7\n"), 0o644); err != nil {
		return err
	}
	if err := commitAll(e, repo, "Start."); err != nil {
		return err
	}
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "[vcsync \"c%04d\"]\n\tbackend = command\n\tcommand = /bin/true\n", i)
	}
	f, err := os.OpenFile(filepath.Join(e.dir, repo, ".git", "config"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(b.String())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// A p7Round makes the new commit of each round in every repository.
type p7Round struct {
	e     *env
	repos []string
	n     int
}

func (r *p7Round) next() error {
	r.n++
	for _, repo := range r.repos {
		if _, err := r.e.git(repo, "commit", "-q", "--no-verify", "--allow-empty", "-m", fmt.Sprintf("Round %d.", r.n)); err != nil {
			return err
		}
	}
	return nil
}
