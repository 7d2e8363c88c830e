package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// p11: vcsync entry writes the skeleton for a 500-file change (C files,
// two functions changed in each, one added in every fifth), against
// `git diff -p` of the same change, which it runs and reads. The
// ChangeLog is put back before each run, so that each writes a new entry.
var p11 = bench{
	id:    "P11",
	name:  "entry for a 500-file change",
	goals: []float64{2.0},
	runs:  9,
	setup: setupP11,
}

const (
	p11Files = 500
	p11Funcs = 12 // per file
)

func setupP11(e *env) (trial, error) {
	const repo = "repo"
	if err := initRepo(e, repo); err != nil {
		return trial{}, err
	}
	root := filepath.Join(e.dir, repo)
	old := []byte("2026-01-01  Old Timer  <old@example.org>\n\n\t* lib/f000.c: Old.\n")
	changeLog := filepath.Join(root, "ChangeLog")
	if err := os.WriteFile(changeLog, old, 0o644); err != nil {
		return trial{}, err
	}
	if err := writeP11(root, false); err != nil {
		return trial{}, err
	}
	if err := commitAll(e, repo, "Import"); err != nil {
		return trial{}, err
	}
	if err := writeP11(root, true); err != nil {
		return trial{}, err
	}
	ours := func() *exec.Cmd { return e.command(repo, e.vcsync, "entry") }
	reset := func() error { return os.WriteFile(changeLog, old, 0o644) }
	// A fast failure must not pass for a fast success: check once that
	// the entry names every file and the functions changed.
	out, err := output(e.command(repo, e.vcsync, "entry", "--stdout"))
	if err != nil {
		return trial{}, err
	}
	if n := strings.Count(out, "\t* lib/"); n != p11Files || !strings.Contains(out, "* lib/f499.c (func499_03, func499_07):") ||
		!strings.Contains(out, "* lib/f495.c (func495_03, func495_07, added495):") {
		return trial{}, fmt.Errorf("vcsync entry --stdout: %d items, or names missing:\n%.2000s", n, out)
	}
	return trial{
		ours: side{name: "vcsync", prepare: reset, run: timed(ours)},
		peers: []side{{name: "git diff -p", run: timed(func() *exec.Cmd {
			return e.command(repo, "git", "diff", "-p", "HEAD")
		})}},
	}, nil
}

// writeP11 writes the 500 C files, before the change or after it.
func writeP11(root string, changed bool) error {
	if err := os.MkdirAll(filepath.Join(root, "lib"), 0o755); err != nil {
		return err
	}
	for f := range p11Files {
		var b strings.Builder
		fmt.Fprintf(&b, "/* f%03d.c -- part of the P11 benchmark.  */\n\n#include <stdio.h>\n\n", f)
		for k := range p11Funcs {
			body := "x + 1"
			if changed && (k == 3 || k == 7) {
				body = "x + 2"
			}
			fmt.Fprintf(&b, "/* Return X plus one, for the %d-th time.  */\nstatic int\nfunc%03d_%02d (int x)\n{\n  int y = %s;\n  if (y < 0)\n    return 0;\n  return y;\n}\n\n", k, f, k, body)
		}
		if changed && f%5 == 0 {
			fmt.Fprintf(&b, "int\nadded%03d (void)\n{\n  return 1;\n}\n", f)
		}
		if err := os.WriteFile(filepath.Join(root, "lib", fmt.Sprintf("f%03d.c", f)), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}
