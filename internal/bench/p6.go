package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// p6: the first push of a long real history, GNU texinfo's (about 19,000
// commits, 290 MB packed), to an empty bare remote, against `git push`:
// what a user does first when adding a mirror. Its goals are ≤ 1.0 in time
// and in peak RSS (issue 16: go-git's encoder took 4× git's time and 5× its
// memory).
//
// The history is real, not generated: a generated one has neither the
// deltas nor the shape of one that grew over decades. It is read from a
// local copy that the bench names and never downloads (a clone of
// https://github.com/sailfishos-mirror/texinfo, bare or not): the first of
// $VCSYNC_BENCH_TEXINFO, $XDG_CACHE_HOME/vcsync-bench/texinfo.git (or the
// user cache directory's), and /work/.mirror/sailfishos-mirror+texinfo/repo
// (where the team's tooling fetches it). Without one, P6 is skipped with a
// message saying how to get it.
//
// The setup clones it locally (hard links: its packs as they are, deltas
// included, like a user's repository), and each run pushes its default
// branch to an empty bare remote made fresh, untimed, before it: v.git for
// vcsync, whose state is removed too, so that it pushes everything again;
// g.git for git push. Both end checked: the remote's branch at the local
// tip. A run takes minutes, so a plain make bench leaves it out: run it
// alone, with `make bench BENCHFLAGS='-only P6'` (no warm-up, 3 runs).
var p6 = bench{
	id:       "P6",
	name:     "first push of texinfo's history",
	goals:    []float64{1.0},
	rssRatio: 1.0,
	runs:     3,
	warmup:   -1,
	long:     true,
	setup:    setupP6,
}

// p6Sources are where P6 looks for its history, in order.
func p6Sources() []string {
	var out []string
	if s := os.Getenv("VCSYNC_BENCH_TEXINFO"); s != "" {
		out = append(out, s)
	}
	if c, err := os.UserCacheDir(); err == nil {
		out = append(out, filepath.Join(c, "vcsync-bench", "texinfo.git"))
	}
	return append(out, "/work/.mirror/sailfishos-mirror+texinfo/repo")
}

// errSkip is a setup's way of saying that its bench cannot run here.
var errSkip = errors.New("skipped")

func setupP6(e *env) (trial, error) {
	src := ""
	for _, s := range p6Sources() {
		if _, err := e.git(".", "--git-dir", s, "rev-parse", "--verify", "-q", "HEAD^{commit}"); err == nil {
			src = s
			break
		}
		if _, err := e.git(".", "-C", s, "rev-parse", "--verify", "-q", "HEAD^{commit}"); err == nil {
			src = s
			break
		}
	}
	if src == "" {
		return trial{}, fmt.Errorf("%w: no copy of texinfo's history in %s; get one with "+
			"git clone --bare https://github.com/sailfishos-mirror/texinfo %s", errSkip, strings.Join(p6Sources(), ", "), p6Sources()[0])
	}
	fmt.Fprintf(os.Stderr, "bench: P6: cloning %s\n", src)
	if _, err := e.git(".", "clone", "-q", "--no-checkout", "--single-branch", src, "local"); err != nil {
		return trial{}, err
	}
	for _, args := range [][]string{
		{"config", "user.name", "Bench Mark"},
		{"config", "user.email", "bench@example.org"},
		{"config", "gc.auto", "0"},
		{"remote", "add", "v", "../v.git"},
		{"remote", "add", "g", "../g.git"},
	} {
		if _, err := e.git("local", args...); err != nil {
			return trial{}, err
		}
	}
	branch, err := e.git("local", "symbolic-ref", "--short", "HEAD")
	if err != nil {
		return trial{}, err
	}
	branch = strings.TrimSpace(branch)
	head, err := e.git("local", "rev-parse", "HEAD")
	if err != nil {
		return trial{}, err
	}
	head = strings.TrimSpace(head)
	n, _ := e.git("local", "rev-list", "--count", "HEAD")
	fmt.Fprintf(os.Stderr, "bench: P6: %s commits on %s\n", strings.TrimSpace(n), branch)

	// fresh empties a side's remote; for vcsync, its state too.
	fresh := func(remote string, state bool) func() error {
		return func() error {
			dir := filepath.Join(e.dir, remote)
			if err := os.RemoveAll(dir); err != nil {
				return err
			}
			if state {
				gitDir := filepath.Join(e.dir, "local", ".git")
				if err := os.RemoveAll(filepath.Join(gitDir, "vcsync")); err != nil {
					return err
				}
			}
			_, err := e.git(".", "init", "-q", "--bare", "-b", branch, dir)
			return err
		}
	}
	// checked fails a run after which the remote does not hold head.
	checked := func(remote string, run func() (sample, error)) func() (sample, error) {
		return func() (sample, error) {
			s, err := run()
			if err != nil {
				return s, err
			}
			got, err := e.git(".", "--git-dir", filepath.Join(e.dir, remote), "rev-parse", "refs/heads/"+branch)
			if err != nil {
				return s, err
			}
			if got = strings.TrimSpace(got); got != head {
				return s, fmt.Errorf("%s: %s is %s after the push, want %s", remote, branch, got, head)
			}
			return s, nil
		}
	}
	ours := timed(func() *exec.Cmd { return e.command("local", e.vcsync, "push", "v") })
	peer := timed(func() *exec.Cmd { return e.command("local", "git", "push", "-q", "g", branch) })
	return trial{
		ours:  side{name: "vcsync push", prepare: fresh("v.git", true), run: checked("v.git", ours)},
		peers: []side{{name: "git push", prepare: fresh("g.git", false), run: checked("g.git", peer)}},
	}, nil
}

// skipped reports whether err is a setup's errSkip.
func skipped(err error) bool { return errors.Is(err, errSkip) }
