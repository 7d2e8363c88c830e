package bzr

import (
	"context"

	"github.com/vcsync/vcsync/backends"
)

var _ backends.Prober = (*backend)(nil)

// Holds reads the branch's tip and tells which local commit it is, as Push
// does before it sends anything: a git-v1 revision names its commit, a
// fast-imported one is looked up in the revmap. A tip vcsync did not push is
// Push's Rejected error.
func (b *backend) Holds(ctx context.Context, l backends.Local) (string, error) {
	t, err := b.tip(ctx, l, b.target(l.Root))
	if err != nil {
		return "", err
	}
	return b.held(ctx, l, t)
}
