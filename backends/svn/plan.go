package svn

import (
	"context"
	"errors"
	"sort"
	"strconv"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/vcsync/vcsync/backends"
)

// A plan is what a push sends: a revision for each of commits, oldest first,
// the first one diffed against base, each later one against the one before.
type plan struct {
	rev     int64        // the directory's youngest revision: the baseline of the first new one
	from    string       // the local commit the directory holds, "" when empty
	base    *object.Tree // the tree the directory holds; nil when it is empty
	commits []*object.Commit
}

// plan asks the repository what the directory holds and decides what to
// send to make it hold to. What the directory holds comes from the
// repository alone, never from vcsync's state: Range.From is not needed.
func (b *backend) plan(ctx context.Context, c *client, repo *gogit.Repository, to *object.Commit, r backends.Range) (*plan, error) {
	head, err := c.youngest(ctx)
	if err != nil {
		return nil, err
	}
	if r.From != "" && r.FromRevision == "r"+strconv.FormatInt(head.rev, 10) && !local(repo, head.commit) {
		// A revision that vcsync pull or init --from-svn made into the
		// commit From: the state says so, where the revision names no
		// commit of this repository (someone else's, or one sent from
		// another clone before init).
		head.commit = r.From
	}
	since := b.remote.Options["since"]
	if head.commit != "" {
		p, refusal, err := b.planFrom(repo, head, to)
		switch {
		case err != nil:
			return nil, err
		case refusal == nil:
			return p, nil
		case since == "":
			return nil, refusal
		}
		// The record is not in our history: --since may still vouch for
		// the directory's content.
		return b.planSince(ctx, c, repo, head, to, since)
	}
	if since != "" {
		return b.planSince(ctx, c, repo, head, to, since)
	}
	empty, err := c.empty(ctx, head.rev)
	if err != nil {
		return nil, err
	}
	if empty {
		return b.planFirst(head, to)
	}
	last, ok, err := c.lastPushed(ctx)
	switch {
	case err != nil:
		return nil, err
	case ok:
		return nil, b.errorf(backends.Rejected, "diverged: r%d, the last revision of %s, was committed by someone else after vcsync's r%d (%s); vcsync never forces. "+
			"Run vcsync pull: it makes their revisions commits and puts yours on top; then push again",
			head.rev, b.url, last.rev, short(last.commit))
	}
	return nil, b.errorf(backends.Rejected, "%s is not empty, and vcsync never pushed to it: push with --since COMMIT, naming the local commit whose tree it holds (r%d), to send only what follows that commit",
		b.url, head.rev)
}

// cmpErr returns err, else refusal.
func cmpErr(err, refusal error) error {
	if err != nil {
		return err
	}
	return refusal
}

// planFrom plans a push to a directory whose youngest revision records
// that it holds head.commit. A record that is not in to's history is
// returned as refusal, a Rejected error: the directory diverged.
func (b *backend) planFrom(repo *gogit.Repository, head pushed, to *object.Commit) (p *plan, refusal, err error) {
	if head.commit == to.Hash.String() {
		return &plan{rev: head.rev, from: head.commit}, nil, nil
	}
	diverged := func(why string) error {
		return b.errorf(backends.Rejected, "diverged: r%d, the last revision of %s, holds %s, %s; sending %s would not follow it: update your branch from it first: vcsync pull (vcsync never forces)",
			head.rev, b.url, short(head.commit), why, short(to.Hash.String()))
	}
	if !plumbing.IsHash(head.commit) {
		return nil, diverged("which is not a commit id"), nil
	}
	held, err := repo.CommitObject(plumbing.NewHash(head.commit))
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, diverged("a commit the local repository does not have"), nil
	}
	if err != nil {
		return nil, nil, b.errorf(backends.Fatal, "read %s: %v", short(head.commit), err)
	}
	if ok, err := held.IsAncestor(to); err != nil {
		return nil, nil, b.errorf(backends.Fatal, "is %s an ancestor of %s: %v", short(head.commit), short(to.Hash.String()), err)
	} else if !ok {
		if ahead, _ := to.IsAncestor(held); ahead {
			return nil, diverged("which has " + short(to.Hash.String()) + " and commits on top that the local branch lacks"), nil
		}
		return nil, diverged("which is not in the history of " + short(to.Hash.String())), nil
	}
	p, err = b.planAfter(held, to)
	if err != nil {
		return nil, nil, err
	}
	p.rev, p.from = head.rev, head.commit
	return p, nil, nil
}

// planAfter plans the commits of to's first-parent history after held,
// an ancestor of to, starting from held's tree.
func (b *backend) planAfter(held, to *object.Commit) (*plan, error) {
	tree, err := held.Tree()
	if err != nil {
		return nil, b.errorf(backends.Fatal, "commit %s: %v", short(held.Hash.String()), err)
	}
	chain, found, err := b.firstParents(to, held.Hash)
	if err != nil {
		return nil, err
	}
	if !found {
		// held came in through a merge: the first commit of the chain that
		// contains it is sent as its diff against held. Containing held is
		// monotone along a first-parent chain, so a binary search finds it.
		var searchErr error
		i := sort.Search(len(chain), func(i int) bool {
			ok, err := held.IsAncestor(chain[i])
			searchErr = cmpErr(searchErr, err)
			return ok
		})
		if searchErr != nil {
			return nil, b.errorf(backends.Fatal, "%v", searchErr)
		}
		chain = chain[i:]
	}
	return &plan{base: tree, commits: chain}, nil
}

// planFirst plans the first push to an empty directory: one revision of
// to's tree, or with the history option every first-parent commit.
func (b *backend) planFirst(head pushed, to *object.Commit) (*plan, error) {
	p := &plan{rev: head.rev, commits: []*object.Commit{to}}
	if b.remote.Options["history"] == "true" {
		chain, _, err := b.firstParents(to, plumbing.ZeroHash)
		if err != nil {
			return nil, err
		}
		p.commits = chain
	}
	return p, nil
}

// firstParents returns to's first-parent history after stop, oldest
// first, and whether it met stop; without it, the whole history.
func (b *backend) firstParents(to *object.Commit, stop plumbing.Hash) ([]*object.Commit, bool, error) {
	var chain []*object.Commit
	found := false
	for c := to; ; {
		if c.Hash == stop {
			found = true
			break
		}
		chain = append(chain, c)
		if c.NumParents() == 0 {
			break
		}
		parent, err := c.Parent(0)
		if err != nil {
			return nil, false, b.errorf(backends.Fatal, "parent of %s: %v", short(c.Hash.String()), err)
		}
		c = parent
	}
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	return chain, found, nil
}

// planSince plans a push to a directory vcsync has no usable record in,
// from the local commit since, which the user says it holds. The
// directory's content must equal since's tree: anything else would be
// lost or duplicated.
func (b *backend) planSince(ctx context.Context, c *client, repo *gogit.Repository, head pushed, to *object.Commit, since string) (*plan, error) {
	h, err := repo.ResolveRevision(plumbing.Revision(since))
	if err != nil {
		return nil, b.errorf(backends.Fatal, "since %q: %v", since, err)
	}
	held, err := repo.CommitObject(*h)
	if err != nil {
		return nil, b.errorf(backends.Fatal, "since %q: %v", since, err)
	}
	if ok, err := held.IsAncestor(to); err != nil || !ok {
		return nil, b.errorf(backends.Fatal, "since %s: not in the history of %s", short(held.Hash.String()), short(to.Hash.String()))
	}
	tree, err := held.Tree()
	if err != nil {
		return nil, b.errorf(backends.Fatal, "since %s: %v", short(held.Hash.String()), err)
	}
	diff, err := b.compare(ctx, c, repo.Storer, head.rev, tree)
	if err != nil {
		return nil, err
	}
	if diff != "" {
		return nil, b.errorf(backends.Rejected, "since %s: r%d of %s is not that commit's tree: %s",
			short(held.Hash.String()), head.rev, b.url, diff)
	}
	if held.Hash == to.Hash {
		return &plan{rev: head.rev, from: held.Hash.String()}, nil
	}
	p, err := b.planAfter(held, to)
	if err != nil {
		return nil, err
	}
	p.rev, p.from = head.rev, held.Hash.String()
	return p, nil
}

// local reports whether id names a commit of repo.
func local(repo *gogit.Repository, id string) bool {
	if !plumbing.IsHash(id) {
		return false
	}
	_, err := repo.CommitObject(plumbing.NewHash(id))
	return err == nil
}
