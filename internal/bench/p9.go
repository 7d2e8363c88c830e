package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// p9: derive the message from a 50 MB GNU ChangeLog with a new top entry,
// against `git diff HEAD -- ChangeLog`: P1 at ten times the size, where
// anything but a linear diff of the new top entry shows.
var p9 = bench{
	id:    "P9",
	name:  "message from 50 MB ChangeLog",
	goals: []float64{1.0},
	runs:  7,
	setup: setupP9,
}

func setupP9(e *env) (trial, error) {
	const repo = "repo"
	if err := initRepo(e, repo); err != nil {
		return trial{}, err
	}
	fmt.Fprintln(os.Stderr, "bench: P9: a 50 MB ChangeLog")
	cl := newChangeLogGen(9)
	path := filepath.Join(e.dir, repo, "ChangeLog")
	old := cl.changeLog(50 << 20)
	if err := os.WriteFile(path, old, 0o644); err != nil {
		return trial{}, err
	}
	if err := commitAll(e, repo, "Import ChangeLog"); err != nil {
		return trial{}, err
	}
	entry, summary := cl.newEntry(time.Now())
	if err := os.WriteFile(path, append([]byte(entry), old...), 0o644); err != nil {
		return trial{}, err
	}
	ours := func() *exec.Cmd { return e.command(repo, e.vcsync, "message", "ChangeLog") }
	// Once, untimed: vcsync found the new entry (a fast failure is no
	// fast success).
	out, err := output(ours())
	if err != nil {
		return trial{}, err
	}
	if !strings.Contains(out, summary) {
		return trial{}, fmt.Errorf("vcsync message: output lacks the new entry's summary %q:\n%s", summary, out)
	}
	return trial{
		ours: side{name: "vcsync", run: timed(ours)},
		peers: []side{{name: "git diff", run: timed(func() *exec.Cmd {
			return e.command(repo, "git", "diff", "HEAD", "--", "ChangeLog")
		})}},
	}, nil
}
