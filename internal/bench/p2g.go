package main

import (
	"fmt"
	"os/exec"
)

// p2g: P2's commit of an entry naming 10 files, in a 50,000-file
// repository against a 5,000-file one (100,000 and 10,000 with -full, as in
// DESIGN.md): the growth for ten times the tree,
// where git's own index costs grow too, must stay ≤ 2 (vcsync must not
// walk the tree).
var p2g = bench{
	id:     "P2g",
	name:   "commit 10 files, 10N vs N files",
	goals:  []float64{2.0},
	runs:   5,
	warmup: 1, // the large tree alone takes 10-40 s to set up
	setup:  setupP2g,
}

func setupP2g(e *env) (trial, error) {
	dirs := p2Dirs / 2
	if e.full {
		dirs = p2Dirs
	}
	large, err := setupP2Repo(e, "large", dirs)
	if err != nil {
		return trial{}, err
	}
	small, err := setupP2Repo(e, "small", dirs/10)
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
	return trial{
		ours:  mk(large),
		peers: []side{mk(small)},
		name:  fmt.Sprintf("commit 10 files, %dk vs %dk files", dirs*p2PerDir/1000, dirs*p2PerDir/10000),
	}, nil
}
