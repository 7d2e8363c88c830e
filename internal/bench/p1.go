package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// p1: derive the message from a 5 MB GNU ChangeLog with a new top entry,
// against `git diff HEAD -- ChangeLog`, which computes the same diff.
var p1 = bench{
	id:    "P1",
	name:  "message from 5 MB ChangeLog",
	goals: []float64{1.0},
	setup: setupP1,
}

func setupP1(e *env) (trial, error) {
	const repo = "repo"
	if err := initRepo(e, repo); err != nil {
		return trial{}, err
	}
	cl := newChangeLogGen(1)
	path := filepath.Join(e.dir, repo, "ChangeLog")
	old := cl.changeLog(5 << 20)
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
	// A timed run only checks the exit status: check once that vcsync
	// really found the new entry, so that a fast failure is not reported
	// as a fast success.
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

// initRepo makes an empty git repository in dir with an identity and no
// background gc (which would race the removal of the scratch directory).
func initRepo(e *env, dir string) error {
	if err := os.MkdirAll(filepath.Join(e.dir, dir), 0o755); err != nil {
		return err
	}
	steps := [][]string{
		{"init", "-q", "-b", "main"},
		{"config", "user.name", "Bench Mark"},
		{"config", "user.email", "bench@example.org"},
		{"config", "gc.auto", "0"},
	}
	for _, args := range steps {
		if _, err := e.git(dir, args...); err != nil {
			return err
		}
	}
	return nil
}

// commitAll commits every file of the working tree of dir.
func commitAll(e *env, dir, msg string) error {
	if _, err := e.git(dir, "add", "-A"); err != nil {
		return err
	}
	_, err := e.git(dir, "commit", "-q", "--no-verify", "-m", msg)
	return err
}
