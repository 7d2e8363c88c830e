package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// p2: commit an entry naming 10 files in a 100,000-file repository, against
// `git add F… && git commit -F msg`. Both sides commit on the same
// repository, each round its own new entry.
var p2 = bench{
	id:    "P2",
	name:  "commit 10 of 100,000 files",
	goals: []float64{1.2},
	rssMB: 64,
	runs:  7, // the setup alone takes 20-40 s: keep P2 within ~2 minutes
	setup: setupP2,
}

const (
	p2Dirs    = 200
	p2PerDir  = 500
	p2Named   = 10 // files each entry names, each in its own directory
	p2Repo    = "repo"
	p2Header  = "2026-11-25  Jane Doe  <jane@example.org>"
	p2CLBytes = 64 << 10 // the ChangeLog's history under the new entries
)

func setupP2(e *env) (trial, error) {
	r, err := setupP2Repo(e, p2Repo, p2Dirs)
	if err != nil {
		return trial{}, err
	}
	ours := timed(func() *exec.Cmd { return e.command(p2Repo, e.vcsync, "commit") })
	checked := false
	oursRun := func() (sample, error) {
		s, err := ours()
		if err != nil || checked {
			return s, err
		}
		// A timed run only checks the exit status: check once, untimed, that
		// vcsync committed the entry and everything it named.
		checked = true
		return s, r.check(e)
	}

	// The peer is two commands, each timed on its own and summed, not one
	// `sh -c`, so that a shell's start-up does not count against git.
	add := timed(func() *exec.Cmd {
		return e.command(p2Repo, "git", append([]string{"add", "ChangeLog"}, r.files...)...)
	})
	commit := timed(func() *exec.Cmd { return e.command(p2Repo, "git", "commit", "-q", "-F", r.msgFile) })
	peerRun := func() (sample, error) {
		a, err := add()
		if err != nil {
			return sample{}, err
		}
		c, err := commit()
		if err != nil {
			return sample{}, err
		}
		return sample{wall: a.wall + c.wall, maxRSS: max(a.maxRSS, c.maxRSS)}, nil
	}

	return trial{
		ours:  side{name: "vcsync commit", prepare: func() error { return r.next(false) }, run: oursRun},
		peers: []side{{name: "git add+commit", prepare: func() error { return r.next(true) }, run: peerRun}},
	}, nil
}

// setupP2Repo makes the repository repo: dirs directories of p2PerDir
// files and a ChangeLog, committed; the round that changes it is returned.
func setupP2Repo(e *env, repo string, dirs int) (*p2Round, error) {
	if err := initRepo(e, repo); err != nil {
		return nil, err
	}
	root := filepath.Join(e.dir, repo)
	if err := writeTree(root, dirs); err != nil {
		return nil, err
	}
	cl := newChangeLogGen(2).changeLog(p2CLBytes)
	if err := os.WriteFile(filepath.Join(root, "ChangeLog"), cl, 0o644); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "bench: %s: committing %d files (once)\n", filepath.Base(e.dir), dirs*p2PerDir+1)
	if err := commitAll(e, repo, "Import the tree"); err != nil {
		return nil, err
	}
	return &p2Round{repo: repo, dirs: dirs, root: root, msgFile: filepath.Join(e.dir, repo+".msg")}, nil
}

// writeTree writes ndirs directories of p2PerDir small C files under root,
// a few directories at a time.
func writeTree(root string, ndirs int) error {
	dirs := make(chan int)
	errs := make(chan error, ndirs)
	var wg sync.WaitGroup
	for range max(4, 2*runtime.NumCPU()) {
		wg.Go(func() {
			for d := range dirs {
				errs <- writeDir(root, d)
			}
		})
	}
	for d := range ndirs {
		dirs <- d
	}
	close(dirs)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func writeDir(root string, d int) error {
	dir := filepath.Join(root, p2Dir(d))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	for f := range p2PerDir {
		src := fmt.Sprintf("/* %s */\n\nint\n%s (void)\n{\n  return %d;\n}\n", p2File(d, f), p2Func(d, f), d*p2PerDir+f)
		if err := os.WriteFile(filepath.Join(root, p2File(d, f)), []byte(src), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func p2Dir(d int) string     { return fmt.Sprintf("d%03d", d) }
func p2File(d, f int) string { return fmt.Sprintf("d%03d/f%03d.c", d, f) }
func p2Func(d, f int) string { return fmt.Sprintf("f%03d_%03d", d, f) }

// A p2Round is the state the rounds share: each prepares the next entry.
type p2Round struct {
	repo    string // relative to the bench's directory
	dirs    int    // the tree's directories, of p2PerDir files each
	root    string
	msgFile string   // the peer's commit message, outside the repository
	n       int      // rounds prepared so far
	files   []string // the files the current entry names
	summary string   // the current entry's summary line
}

// next is a side's untimed prepare step: it changes p2Named files, in
// different directories, and puts a new entry naming exactly them on top of
// the ChangeLog; with msg, it also writes the commit message to r.msgFile.
func (r *p2Round) next(msg bool) error {
	r.n++
	r.files = r.files[:0]
	r.summary = fmt.Sprintf("bench: bump %d counters, round %d.", p2Named, r.n)
	var items []string
	for j := range p2Named {
		d := (j*r.dirs/p2Named + r.n) % r.dirs
		f := (r.n*37 + j*11) % p2PerDir
		name := p2File(d, f)
		fh, err := os.OpenFile(filepath.Join(r.root, name), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(fh, "\nint %s_round_%d;\n", p2Func(d, f), r.n)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		r.files = append(r.files, name)
		items = append(items, fmt.Sprintf("* %s (%s_round_%d): New counter.", name, p2Func(d, f), r.n))
	}
	path := filepath.Join(r.root, "ChangeLog")
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	entry := p2Header + "\n\n\t" + r.summary + "\n\t" + strings.Join(items, "\n\t") + "\n\n"
	if err := os.WriteFile(path, append([]byte(entry), old...), 0o644); err != nil {
		return err
	}
	if !msg {
		return nil
	}
	// What vcsync derives from the entry: the summary, a blank line, the
	// items without their tab.
	text := r.summary + "\n\n" + strings.Join(items, "\n") + "\n"
	return os.WriteFile(r.msgFile, []byte(text), 0o644)
}

// check makes sure that HEAD is the current entry's commit and that nothing
// is left uncommitted.
func (r *p2Round) check(e *env) error {
	subject, err := e.git(r.repo, "log", "-1", "--format=%s")
	if err != nil {
		return err
	}
	if got := strings.TrimSuffix(subject, "\n"); got != r.summary {
		return fmt.Errorf("vcsync commit: HEAD's subject is %q, want %q", got, r.summary)
	}
	status, err := e.git(r.repo, "status", "--porcelain")
	if err != nil {
		return err
	}
	if status != "" {
		return fmt.Errorf("vcsync commit: left changes behind:\n%s", status)
	}
	return nil
}
