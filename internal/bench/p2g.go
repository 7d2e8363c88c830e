package main

import (
	"fmt"
	"os/exec"
)

// p2g: P2's commit of an entry naming 10 files, in a 100,000-file
// repository against a 10,000-file one: the growth for ten times the tree,
// where git's own index costs grow too, must stay ≤ 2 (vcsync must not
// walk the tree).
var p2g = bench{
	id:    "P2g",
	name:  "commit 10 files, 100k vs 10k-file tree",
	goals: []float64{2.0},
	runs:  5, // the 100,000 files alone take 20-40 s to set up
	setup: setupP2g,
}

func setupP2g(e *env) (trial, error) {
	large, err := setupP2Repo(e, "large", p2Dirs)
	if err != nil {
		return trial{}, err
	}
	small, err := setupP2Repo(e, "small", p2Dirs/10)
	if err != nil {
		return trial{}, err
	}
	mk := func(r *p2Round) side {
		run := timed(func() *exec.Cmd { return e.command(r.repo, e.vcsync, "commit") })
		return side{
			name:    fmt.Sprintf("vcsync commit %dk", r.dirs*p2PerDir/1000),
			prepare: func() error { return r.next(false) },
			run: func() (sample, error) {
				s, err := run()
				if err != nil {
					return s, err
				}
				// Untimed: the entry was committed, nothing left over.
				return s, r.check(e)
			},
		}
	}
	return trial{ours: mk(large), peers: []side{mk(small)}}, nil
}
