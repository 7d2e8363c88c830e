package git

import (
	"context"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/vcsync/vcsync/backends"
)

var _ backends.Prober = (*backend)(nil)

// Holds asks the remote where its branch is, over one receive-pack session
// that sends nothing (a flush ends it, as git does when it has nothing to
// push).
func (b *backend) Holds(ctx context.Context, l backends.Local) (string, error) {
	_, ref, a, err := b.reach(ctx, l)
	if err != nil {
		return "", err
	}
	defer a.close()
	sess, err := a.openSession()
	if err != nil {
		return "", a.failed(ctx, b, err)
	}
	defer sess.Close()
	ar, err := advertised(ctx, sess)
	if err != nil {
		return "", a.failed(ctx, b, err)
	}
	h, ok := ar.References[ref.String()]
	if !ok {
		return "", nil
	}
	return h.String(), nil
}

// reach opens the local repository, finds the remote branch that HEAD's
// branch goes to, and prepares the transport: what Holds and Fetch share.
// The caller closes the access.
func (b *backend) reach(ctx context.Context, l backends.Local) (*gogit.Repository, plumbing.ReferenceName, *access, error) {
	repo, err := gogit.PlainOpenWithOptions(l.Root, &gogit.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, "", nil, b.errorf(backends.Fatal, "open %s: %v", l.Root, err)
	}
	head, err := repo.Head()
	if err != nil {
		return nil, "", nil, b.errorf(backends.Fatal, "read HEAD: %v", err)
	}
	ref, err := b.remoteRef(repo, l, head.Hash())
	if err != nil {
		return nil, "", nil, err
	}
	a, err := b.access(ctx, l, repo)
	return repo, ref, a, err
}
