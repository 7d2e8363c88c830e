package git

import (
	"context"
	"errors"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/vcsync/vcsync/backends"
)

// remoteName names the in-memory go-git remote of a push. It has no fetch
// refspecs, so go-git's push never writes refs/remotes/... into the local
// repository, which parallel pushes would race on.
const remoteName = "vcsync"

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
	res, err := b.send(ctx, repo, a, to, ref, r.FollowTags)
	if err != nil {
		return backends.Result{}, a.failed(ctx, b, err)
	}
	if res == backends.StatusOK {
		a.succeeded(ctx)
	}
	return backends.Result{Status: res, Holds: r.To, Revision: r.To}, nil
}

// send lists the remote branch, decides, and pushes if it must.
func (b *backend) send(ctx context.Context, repo *gogit.Repository, a *access, to *object.Commit, ref plumbing.ReferenceName, tags bool) (backends.Status, error) {
	remote := gogit.NewRemote(repo.Storer, &config.RemoteConfig{Name: remoteName, URLs: []string{a.url}})
	old, err := b.list(ctx, remote, a, ref)
	if err != nil {
		return "", err
	}
	if old == to.Hash {
		return backends.StatusUpToDate, nil
	}
	if !old.IsZero() {
		if err := b.fastForward(repo, to, old, ref); err != nil {
			return "", err
		}
	}
	// go-git takes a commit id on the left of a refspec (Remote.addCommit),
	// so we push exactly r.To even if the local branch has moved on since.
	spec := config.RefSpec(to.Hash.String() + ":" + ref.String())
	err = remote.PushContext(ctx, &gogit.PushOptions{
		RemoteName: remoteName,
		RefSpecs:   []config.RefSpec{spec},
		Auth:       a.auth,
		CABundle:   a.caBundle,
		FollowTags: tags,
		Atomic:     true,
	})
	switch {
	case errors.Is(err, gogit.NoErrAlreadyUpToDate):
		// Someone pushed the same commit between our list and our push.
		return backends.StatusUpToDate, nil
	case err != nil:
		return "", err
	}
	return backends.StatusOK, nil
}

// list returns what the remote's ref holds, the zero hash if it has none.
func (b *backend) list(ctx context.Context, remote *gogit.Remote, a *access, ref plumbing.ReferenceName) (plumbing.Hash, error) {
	refs, err := remote.ListContext(ctx, &gogit.ListOptions{Auth: a.auth, CABundle: a.caBundle})
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	for _, r := range refs {
		if r.Name() == ref && r.Type() == plumbing.HashReference {
			return r.Hash(), nil
		}
	}
	return plumbing.ZeroHash, nil
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
	return b.errorf(backends.Rejected, "diverged: its %s is at %s, %s; pushing %s would not be a fast-forward: pull and merge, then push again (vcsync never forces)",
		ref.Short(), short(old), why, short(to))
}

// commit returns the local commit id, which must exist locally: go-git
// silently skips a refspec whose commit it cannot find (Remote.addOrUpdateReferences),
// which would report success without pushing.
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
