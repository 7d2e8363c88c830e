package vcsync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/repo"
)

// checkoutMarker names the file that says a pull moved a branch and has
// not yet updated the index and working tree: "BRANCH OLD NEW".
const checkoutMarker = "pull-checkout"

// checkout moves the branch from res.From to to, then the index and the
// working tree, as one step for the user. The ref moves by compare-and-swap
// (git update-ref with the old value); the index and files follow with git
// read-tree -m -u, which keeps uncommitted changes and refuses, before
// anything is written, to overwrite one (the -n run first). A marker in
// the state directory lets a rerun finish the second step if vcsync is
// killed between the two.
func (p *puller) checkout(ctx context.Context, res *PullResult, to string) error {
	old := res.From
	// Fresh stat data first, as git checkout does: vcsync commit writes
	// index entries without it, and read-tree would take them for changes.
	_, _ = p.r.Git(ctx, nil, "update-index", "-q", "--refresh")
	if _, err := p.r.Git(ctx, nil, "read-tree", "-m", "-u", "-n", old, to); err != nil {
		return fmt.Errorf("your uncommitted changes are in the way of the pulled files; commit them (vcsync) or stash them (git stash), then pull again: %w", err)
	}
	ctx = context.WithoutCancel(ctx) // both steps, or none: they take milliseconds
	marker := filepath.Join(p.stateDir, checkoutMarker)
	if err := writeAtomic(marker, res.Branch+" "+old+" "+to+"\n"); err != nil {
		return err
	}
	ref := "refs/heads/" + res.Branch
	if _, err := p.r.Git(ctx, nil, "update-ref", "-m", "vcsync pull: from "+res.Remote, ref, to, old); err != nil {
		os.Remove(marker)
		return fmt.Errorf("move %s (did another command change it meanwhile?): %w", res.Branch, err)
	}
	if _, err := p.r.Git(ctx, nil, "read-tree", "-m", "-u", old, to); err != nil {
		_, rbErr := p.r.Git(ctx, nil, "update-ref", "-m", "vcsync pull: undo", ref, old, to)
		if rbErr == nil {
			os.Remove(marker)
		}
		return errors.Join(fmt.Errorf("update the working tree: %w", err), rbErr)
	}
	res.To = to
	return os.Remove(marker)
}

// finishCheckout completes the checkout of a pull killed after it moved
// its branch: the index and working tree then still hold the old commit.
// The caller holds the lock.
func finishCheckout(ctx context.Context, r *repo.Repo, stateDir string) error {
	marker := filepath.Join(stateDir, checkoutMarker)
	b, err := os.ReadFile(marker)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	f := strings.Fields(string(b))
	if len(f) != 3 {
		return os.Remove(marker)
	}
	branch, old, to := f[0], f[1], f[2]
	out, err := r.Git(ctx, nil, "rev-parse", "--verify", "-q", "refs/heads/"+branch)
	if err == nil && strings.TrimSpace(string(out)) == to {
		if _, err := r.Git(ctx, nil, "read-tree", "-m", "-u", old, to); err != nil {
			return fmt.Errorf("finish the working tree of an interrupted pull (%s moved to %s): %w", branch, kit.Short(to), err)
		}
	}
	return os.Remove(marker)
}

// writeAtomic writes a small file by rename.
func writeAtomic(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
