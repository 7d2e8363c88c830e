package svn

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
)

// Push makes the directory hold r.To: one revision per first-parent commit
// it lacks, never forcing.
func (b *backend) Push(ctx context.Context, l backends.Local, r backends.Range) (backends.Result, error) {
	// Our own repository object: go-git's are not safe for concurrent use,
	// and the engine runs pushes in parallel.
	repo, err := gogit.PlainOpenWithOptions(l.Root, &gogit.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return backends.Result{}, b.errorf(backends.Fatal, "open %s: %v", l.Root, err)
	}
	to, err := b.commitObject(repo, r.To)
	if err != nil {
		return backends.Result{}, err
	}
	c := b.client(l)
	p, err := b.plan(ctx, c, repo, to, r)
	if err != nil {
		return backends.Result{}, err
	}
	made := map[string]int64{}
	rev, sent, err := b.send(ctx, c, repo, p, made, l.Report)
	if err != nil {
		return backends.Result{}, err
	}
	if r.FollowTags {
		if n, err := strconv.ParseInt(strings.TrimPrefix(r.FromRevision, "r"), 10, 64); err == nil && r.From != "" {
			// The state's record of a revision that vcsync pull made
			// into the commit From: it carries no vcsync:commit.
			if _, ok := made[r.From]; !ok {
				made[r.From] = n
			}
		}
		tagged, err := b.pushTags(ctx, c, repo, to, made)
		if err != nil {
			return backends.Result{}, err
		}
		sent = sent || tagged > 0
	}
	status := backends.StatusUpToDate
	if sent {
		status = backends.StatusOK
	}
	return backends.Result{Status: status, Holds: r.To, Revision: "r" + strconv.FormatInt(rev, 10), From: p.from}, nil
}

// send makes a revision of each commit of p that changes the tree, and
// returns the directory's last revision and whether it made any. made
// receives each commit's revision (in a dry run, the one it would be). It
// reports each commit as it goes: "commit 3 of 40 (after r125)".
func (b *backend) send(ctx context.Context, c *client, repo *gogit.Repository, p *plan, made map[string]int64, report func(string)) (int64, bool, error) {
	if len(p.commits) == 0 {
		return p.rev, false, nil
	}
	tmp, err := os.MkdirTemp("", "vcsync-svn-")
	if err != nil {
		return 0, false, b.errorf(backends.Fatal, "%v", err)
	}
	defer os.RemoveAll(tmp)
	rev, sent := p.rev, false
	prev := p.base
	for i, cm := range p.commits {
		report(fmt.Sprintf("commit %d of %d (after r%d)", i+1, len(p.commits), rev))
		tree, err := cm.Tree()
		if err != nil {
			return 0, false, b.errorf(backends.Fatal, "commit %s: %v", kit.Short(cm.Hash.String()), err)
		}
		ed, err := diffTrees(repo.Storer, prev, tree)
		if err != nil {
			return 0, false, b.errorf(backends.Fatal, "commit %s: %v", kit.Short(cm.Hash.String()), err)
		}
		prev = tree
		if ed.empty() {
			continue // an svn revision that changes nothing would not show in the directory's log
		}
		if rev, err = c.commit(ctx, repo.Storer, tmp, rev, cm, ed); err != nil {
			return 0, false, err
		}
		made[cm.Hash.String()] = rev
		sent = true
	}
	return rev, sent, nil
}

// commitObject returns the local commit id, which must exist locally.
func (b *backend) commitObject(repo *gogit.Repository, id string) (*object.Commit, error) {
	if !plumbing.IsHash(id) {
		return nil, b.errorf(backends.Fatal, "push %q: not a full commit id", id)
	}
	c, err := repo.CommitObject(plumbing.NewHash(id))
	if err != nil {
		return nil, b.errorf(backends.Fatal, "commit %s: %v", kit.Short(id), err)
	}
	return c, nil
}
