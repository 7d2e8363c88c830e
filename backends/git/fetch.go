package git

import (
	"context"
	"errors"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

var _ backends.Fetcher = (*backend)(nil)

// Fetch fetches the remote branch with go-git, over the transport and
// credentials a push uses, into refs/vcsync/fetch/NAME.
func (b *backend) Fetch(ctx context.Context, l backends.Local) (string, error) {
	repo, ref, a, err := b.reach(ctx, l)
	if err != nil {
		return "", err
	}
	defer a.close()
	local := plumbing.ReferenceName("refs/vcsync/fetch/" + b.remote.Name)
	rem := gogit.NewRemote(repo.Storer, &config.RemoteConfig{Name: b.remote.Name, URLs: []string{a.url}})
	start := time.Now()
	err = rem.FetchContext(ctx, &gogit.FetchOptions{
		RefSpecs: []config.RefSpec{config.RefSpec("+" + ref.String() + ":" + local.String())},
		Auth:     a.auth, CABundle: a.caBundle, Tags: gogit.NoTags,
	})
	if a.local {
		l.Runner.Ran(run.Cmd{Name: "git-upload-pack", Args: []string{a.url}}, time.Since(start))
	}
	switch {
	case errors.Is(err, gogit.NoErrAlreadyUpToDate):
	case errors.Is(err, transport.ErrEmptyRemoteRepository), errors.Is(err, gogit.NoMatchingRefSpecError{}):
		return "", nil
	case err != nil:
		return "", a.failed(ctx, b, err)
	}
	got, err := repo.Reference(local, true)
	if err != nil {
		return "", nil // the branch is not there
	}
	return got.Hash().String(), nil
}
