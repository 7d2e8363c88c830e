package git

import (
	"context"

	gogit "github.com/go-git/go-git/v5"

	"github.com/vcsync/vcsync/backends"
)

var _ backends.Prober = (*backend)(nil)

// Holds asks the remote where its branch is, over one receive-pack session
// that sends nothing (a flush ends it, as git does when it has nothing to
// push).
func (b *backend) Holds(ctx context.Context, l backends.Local) (string, error) {
	repo, err := gogit.PlainOpenWithOptions(l.Root, &gogit.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return "", b.errorf(backends.Fatal, "open %s: %v", l.Root, err)
	}
	head, err := repo.Head()
	if err != nil {
		return "", b.errorf(backends.Fatal, "read HEAD: %v", err)
	}
	ref, err := b.remoteRef(repo, l, head.Hash())
	if err != nil {
		return "", err
	}
	a, err := b.access(ctx, l, repo)
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
