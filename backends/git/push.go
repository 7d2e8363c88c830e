package git

import (
	"context"
	"errors"
	"strings"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// Push makes the remote branch hold r.To, never forcing it.
func (b *backend) Push(ctx context.Context, l backends.Local, r backends.Range) (backends.Result, error) {
	// Our own repository object: go-git's are not safe for concurrent use,
	// and the engine runs pushes in parallel.
	repo, err := gogit.PlainOpenWithOptions(l.Root, &gogit.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return backends.Result{}, b.errorf(backends.Fatal, "open %s: %v", l.Root, err)
	}
	to, err := b.commit(repo, r.To)
	if err != nil {
		return backends.Result{}, err
	}
	ref, err := b.remoteRef(repo, l, to.Hash)
	if err != nil {
		return backends.Result{}, err
	}
	a, err := b.access(ctx, l, repo)
	if err != nil {
		return backends.Result{}, err
	}
	defer a.close()
	start := time.Now()
	res, old, err := b.send(ctx, l, repo, a, to, ref, r.FollowTags)
	if a.local {
		// go-git ran it, not internal/run: -v still shows it.
		l.Runner.Ran(run.Cmd{Name: "git-receive-pack", Args: []string{a.url}}, time.Since(start))
	}
	if err != nil {
		return backends.Result{Messages: a.said.Lines()}, a.failed(ctx, b, err)
	}
	if res == backends.StatusOK && !l.Runner.Dry() {
		a.succeeded(ctx)
	}
	from := ""
	if !old.IsZero() {
		from = old.String()
	}
	return backends.Result{Status: res, Holds: r.To, Revision: r.To, From: from, Messages: a.said.Lines()}, nil
}

// send pushes to over one receive-pack session: the remote's refs, then,
// unless it holds to (and, with tags, every tag to follow) already, the
// pack of what it lacks and the ref updates, old -> new, never forced. old
// is what the remote's branch held. In a dry run (l.Runner.Dry) the ref
// updates are printed, each OLD..NEW as the remote advertised it, and not
// sent. A large push (objectsToSend) is packed by git pack-objects
// (gitReceivePack) where git is installed, else by go-git from its revlist.
func (b *backend) send(ctx context.Context, l backends.Local, repo *gogit.Repository, a *access, to *object.Commit, ref plumbing.ReferenceName, tags bool) (st backends.Status, old plumbing.Hash, err error) {
	rn := l.Runner
	sess, err := a.openSession()
	if err != nil {
		return "", old, err
	}
	// Close ends a session with nothing to push by a flush, as git does,
	// and waits for the server. Its error is not the push's: the outcome
	// is known by then (up to date, or the remote's report-status).
	defer sess.Close()
	ar, err := advertised(ctx, sess)
	if err != nil {
		return "", old, err
	}
	old = ar.References[ref.String()]
	var cmds []*packp.Command
	var objs, want, have []plumbing.Hash
	large := false
	if old != to.Hash {
		if objs, large, err = b.objectsToSend(repo, to, old, ref, ar.References); err != nil {
			return "", old, err
		}
		cmds = append(cmds, &packp.Command{Name: ref, Old: old, New: to.Hash})
	}
	if large && !gitInstalled() {
		if objs, err = b.walkAll(repo, to, ar.References); err != nil {
			return "", old, err
		}
		large = false
	}
	if large {
		have, want = haves(repo, ar.References), []plumbing.Hash{to.Hash}
	}
	if tags {
		// On a large push the objects are git's to list; the commits are
		// few enough to list here, and tags point at commits.
		sent := objs
		if large {
			if sent, err = b.newCommits(ctx, l, to.Hash, have); err != nil {
				return "", old, b.errorf(backends.Fatal, "follow tags: %v", err)
			}
		}
		tagCmds, tagObjs, err := followTags(repo, to.Hash, sent, ar.References)
		if err != nil {
			return "", old, b.errorf(backends.Fatal, "follow tags: %v", err)
		}
		cmds = append(cmds, tagCmds...)
		if large {
			want = append(want, tagObjs...)
		} else {
			objs = append(objs, tagObjs...)
		}
	}
	if len(cmds) == 0 {
		return backends.StatusUpToDate, old, nil
	}
	if rn.Dry() {
		rn.Write(dryPush(a.url, cmds), nil)
		return backends.StatusOK, old, nil
	}
	req := newRequest(ar, cmds)
	a.said.listen(ar, req, a.secrets)
	if large {
		err = b.gitReceivePack(ctx, l, sess, ar, req, want, have)
	} else {
		err = b.receivePack(ctx, sess, repo.Storer, packWindow(repo.Storer), ar, req, objs)
	}
	if err != nil {
		// Refused, yet perhaps because the branch got there meanwhile: a
		// push of a vcsync killed with -9 that the server side finished
		// after we read the refs ("reference already exists", "cannot
		// lock ref"). Read them again: holding to, the remote is up to
		// date, and the rerun right after the kill does not fail for it.
		if rf := (*refusedError)(nil); errors.As(err, &rf) && b.holdsNow(ctx, a, ref, to.Hash) {
			return backends.StatusUpToDate, old, nil
		}
		return "", old, err
	}
	return backends.StatusOK, old, nil
}

// dryPush describes the ref updates cmds to url as the git push that would
// make them, each OLD..NEW (or "new NEW") in its note, in short ids.
func dryPush(url string, cmds []*packp.Command) run.Cmd {
	c := run.Cmd{Name: "git", Args: []string{"push", "--", url}}
	var notes []string
	for _, u := range cmds {
		c.Args = append(c.Args, u.New.String()+":"+u.Name.String())
		change := "new " + short(u.New)
		if !u.Old.IsZero() {
			change = short(u.Old) + ".." + short(u.New)
		}
		notes = append(notes, u.Name.String()+" "+change)
	}
	c.Note = strings.Join(notes, ", ")
	return c
}

// holdsNow reads the remote's refs again, in a session of its own, and
// reports whether ref is at want.
func (b *backend) holdsNow(ctx context.Context, a *access, ref plumbing.ReferenceName, want plumbing.Hash) bool {
	sess, err := a.openSession()
	if err != nil {
		return false
	}
	defer sess.Close()
	ar, err := advertised(ctx, sess)
	return err == nil && ar.References[ref.String()] == want
}

// objectsToSend returns what the remote, whose branch is at old, lacks to
// hold to, when that is a few commits on old (up to smallChain): their
// differences (chainObjects). Otherwise (a new branch, a merge, old far
// back) it says large, after the fast-forward check: an old that is not in
// to's history is Rejected before anything is sent.
func (b *backend) objectsToSend(repo *gogit.Repository, to *object.Commit, old plumbing.Hash, ref plumbing.ReferenceName, remote map[string]plumbing.Hash) (objs []plumbing.Hash, large bool, err error) {
	if old.IsZero() {
		return nil, true, nil
	}
	chain, end, err := newChain(repo.Storer, to, old)
	if err != nil {
		return nil, false, b.errorf(backends.Fatal, "walk back from %s: %v", short(to.Hash), err)
	}
	if end != reachedTip {
		if err := b.fastForward(repo, to, old, ref); err != nil {
			return nil, false, err
		}
		return nil, true, nil
	}
	if len(chain)-1 > smallChain && gitInstalled() {
		return nil, true, nil
	}
	objs, err = chainObjects(repo.Storer, chain)
	if err != nil {
		return nil, false, b.errorf(backends.Fatal, "find the objects to send for %s: %v", short(to.Hash), err)
	}
	return objs, false, nil
}

// walkAll runs allObjects and words its error.
func (b *backend) walkAll(repo *gogit.Repository, to *object.Commit, remote map[string]plumbing.Hash) ([]plumbing.Hash, error) {
	objs, err := fullWalk(repo.Storer, to.Hash, remote)
	if err != nil {
		return nil, b.errorf(backends.Fatal, "find the objects to send for %s: %v", short(to.Hash), err)
	}
	return objs, nil
}

// fastForward returns a Rejected error unless old, what the remote holds,
// is in the history of to. A commit we do not even have locally is someone
// else's work: the remote diverged.
func (b *backend) fastForward(repo *gogit.Repository, to *object.Commit, old plumbing.Hash, ref plumbing.ReferenceName) error {
	oldCommit, err := repo.CommitObject(old)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return b.diverged(ref, old, to.Hash, "a commit the local repository does not have")
	}
	if err != nil {
		return b.errorf(backends.Fatal, "read %s: %v", short(old), err)
	}
	ok, err := oldCommit.IsAncestor(to)
	if err != nil {
		return b.errorf(backends.Fatal, "is %s an ancestor of %s: %v", short(old), short(to.Hash), err)
	}
	if ok {
		return nil
	}
	if ahead, _ := to.IsAncestor(oldCommit); ahead {
		return b.diverged(ref, old, to.Hash, "which has "+short(to.Hash)+" and commits on top that the local branch lacks")
	}
	return b.diverged(ref, old, to.Hash, "which is not in the history of "+short(to.Hash))
}

// diverged is the Rejected error of a push that would not fast-forward.
func (b *backend) diverged(ref plumbing.ReferenceName, old, to plumbing.Hash, why string) error {
	return b.errorf(backends.Rejected, "diverged: its %s is at %s, %s; pushing %s would not be a fast-forward: bring its commits into your branch (vcsync pull, from the primary; else git pull), then push again (vcsync never forces)",
		ref.Short(), short(old), why, short(to))
}

// commit returns the local commit id, which must exist locally: its
// history tells what to send, and a ref update to an object that no pack
// carries would only be refused by the remote, after the connection.
func (b *backend) commit(repo *gogit.Repository, id string) (*object.Commit, error) {
	if !plumbing.IsHash(id) {
		return nil, b.errorf(backends.Fatal, "push %q: not a full commit id", id)
	}
	c, err := repo.CommitObject(plumbing.NewHash(id))
	if err != nil {
		return nil, b.errorf(backends.Fatal, "commit %s: %v", short(plumbing.NewHash(id)), err)
	}
	return c, nil
}

// remoteRef returns the remote branch to update: the remote's configured
// branch, else the name of the local branch (l.Branch, or for a detached
// HEAD the one local branch whose tip is to).
func (b *backend) remoteRef(repo *gogit.Repository, l backends.Local, to plumbing.Hash) (plumbing.ReferenceName, error) {
	name := strings.TrimPrefix(b.remote.Branch, "refs/heads/")
	if name == "" {
		name = strings.TrimPrefix(l.Branch, "refs/heads/")
	}
	if name == "" {
		name = branchAt(repo, to)
	}
	if name == "" {
		return "", b.errorf(backends.Fatal, "no branch to push %s to: HEAD is detached; set the remote's branch", short(to))
	}
	ref := plumbing.NewBranchReferenceName(name)
	if err := ref.Validate(); err != nil {
		return "", b.errorf(backends.Fatal, "branch %q: %v", name, err)
	}
	return ref, nil
}

// branchAt returns the name of the only local branch at to, or "".
func branchAt(repo *gogit.Repository, to plumbing.Hash) string {
	iter, err := repo.Branches()
	if err != nil {
		return ""
	}
	var names []string
	_ = iter.ForEach(func(r *plumbing.Reference) error {
		if r.Hash() == to {
			names = append(names, r.Name().Short())
		}
		return nil
	})
	if len(names) != 1 {
		return ""
	}
	return names[0]
}

// short abbreviates a commit id for messages.
func short(h plumbing.Hash) string { return h.String()[:12] }
