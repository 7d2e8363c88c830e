// Package replay puts local commits on top of commits from elsewhere, for
// vcsync pull: each commit's change (its diff against its parent) is
// applied to the new base, as git rebase does, with the ChangeLog rule of
// gnulib's git-merge-changelog where both sides added entries: the local
// entry above the other one, both intact. Other files both sides changed
// get a line merge (git merge-file); what that cannot merge stops the
// replay, naming the commit and the file.
//
// It writes objects only (trees, commits) and never moves a ref: the core
// publishes the result. It must not import the core nor internal/cli.
package replay

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/vcsync/vcsync/changelog"
	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/run"
)

// Replayer replays commits in one repository.
type Replayer struct {
	Repo      *repo.Repo
	Committer object.Signature // who replays, and when: as git rebase records it
}

// ConflictError is a commit that cannot be replayed: both sides changed a
// file in ways that do not merge.
type ConflictError struct {
	Commit string // the local commit
	Path   string
	Why    string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("commit %s cannot be replayed: %s: %s", e.Commit[:12], e.Path, e.Why)
}

// Replay applies each of commits (oldest first; none a merge) onto onto
// and returns the new commits' ids, in order. Nothing is written but
// objects.
func (rp *Replayer) Replay(ctx context.Context, commits []*object.Commit, onto plumbing.Hash) ([]plumbing.Hash, error) {
	var out []plumbing.Hash
	for _, c := range commits {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		id, err := rp.one(ctx, c, onto)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
		onto = id
	}
	return out, nil
}

// one replays c onto onto.
func (rp *Replayer) one(ctx context.Context, c *object.Commit, onto plumbing.Hash) (plumbing.Hash, error) {
	if c.NumParents() != 1 {
		return plumbing.ZeroHash, &ConflictError{Commit: c.Hash.String(), Path: "(commit)", Why: "a merge commit (or a root commit): vcsync replays a straight line of commits only"}
	}
	parent, err := c.Parent(0)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	baseTree, err := parent.Tree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	localTree, err := c.Tree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	ontoCommit, err := object.GetCommit(rp.Repo.Storer(), onto)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	upTree, err := ontoCommit.Tree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	changes, err := object.DiffTreeWithOptions(ctx, baseTree, localTree, &object.DiffTreeOptions{})
	if err != nil {
		return plumbing.ZeroHash, err
	}
	var states []repo.FileState
	for _, ch := range changes {
		st, skip, err := rp.merge(ctx, c, upTree, ch)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if !skip {
			states = append(states, st)
		}
	}
	tree := upTree.Hash
	if len(states) > 0 {
		if tree, err = rp.Repo.TreeOn(upTree.Hash, states); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	return rp.Repo.WriteCommit(&object.Commit{Author: c.Author, Committer: rp.Committer, Message: c.Message,
		TreeHash: tree, ParentHashes: []plumbing.Hash{onto}})
}

// side is one version of a path: absent when mode is zero.
type side struct {
	hash plumbing.Hash
	mode filemode.FileMode
}

func sideOf(e object.ChangeEntry) side { return side{e.TreeEntry.Hash, e.TreeEntry.Mode} }

// merge decides what the path of one change holds on top of up: skip when
// up holds it already.
func (rp *Replayer) merge(ctx context.Context, c *object.Commit, up *object.Tree, ch *object.Change) (repo.FileState, bool, error) {
	base, local := sideOf(ch.From), sideOf(ch.To)
	path := ch.To.Name
	if path == "" {
		path = ch.From.Name
	}
	var upper side
	if e, err := up.FindEntry(path); err == nil {
		upper = side{e.Hash, e.Mode}
	}
	switch {
	case upper == local:
		return repo.FileState{}, true, nil
	case upper == base:
		return stateOf(path, local), false, nil
	case base.mode == 0 || local.mode == 0 || upper.mode == 0 || !upper.mode.IsFile() || !local.mode.IsFile() || !base.mode.IsFile():
		return repo.FileState{}, false, &ConflictError{Commit: c.Hash.String(), Path: path, Why: "added, removed or retyped on one side, changed on the other"}
	}
	text, err := rp.text(ctx, path, base.hash, upper.hash, local.hash)
	if err != nil {
		var ce *ConflictError
		if errors.As(err, &ce) {
			ce.Commit = c.Hash.String()
		}
		return repo.FileState{}, false, err
	}
	mode := local.mode
	if local.mode == base.mode {
		mode = upper.mode
	}
	h, err := rp.Repo.WriteBlob(text)
	return repo.FileState{Path: path, Hash: h, Mode: mode}, false, err
}

func stateOf(path string, s side) repo.FileState {
	if s.mode == 0 {
		return repo.FileState{Path: path, Deleted: true}
	}
	return repo.FileState{Path: path, Hash: s.hash, Mode: s.mode}
}

// text merges a file both sides changed: a ChangeLog by the ChangeLog
// rule, anything else with git merge-file.
func (rp *Replayer) text(ctx context.Context, path string, base, up, local plumbing.Hash) ([]byte, error) {
	var b [3][]byte
	for i, h := range []plumbing.Hash{base, up, local} {
		var err error
		if b[i], err = rp.Repo.Blob(h); err != nil {
			return nil, err
		}
	}
	if changelog.IsChangeLogName(path) {
		out, err := changelog.Merge(b[0], b[1], b[2])
		if err == nil {
			return out, nil
		}
		if !errors.Is(err, changelog.ErrMergeConflict) {
			return nil, err
		}
	}
	return rp.mergeFile(ctx, path, b)
}

// mergeFile runs git merge-file on the three versions (base, upstream,
// local), in a directory of its own.
func (rp *Replayer) mergeFile(ctx context.Context, path string, b [3][]byte) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "vcsync-replay-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	names := [3]string{"base", "upstream", "local"}
	for i, n := range names {
		if err := os.WriteFile(filepath.Join(tmp, n), b[i], 0o600); err != nil {
			return nil, err
		}
	}
	out, err := rp.Repo.Runner.Run(ctx, run.Cmd{Name: "git", Dir: tmp,
		Args: []string{"merge-file", "-p", "--", "local", "base", "upstream"}})
	var re *run.RunError
	if errors.As(err, &re) && re.ExitCode > 0 {
		return nil, &ConflictError{Path: path, Why: fmt.Sprintf("both sides changed the same lines (%d conflict(s))", re.ExitCode)}
	}
	return out, err
}
