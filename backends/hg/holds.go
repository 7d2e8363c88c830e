package hg

import (
	"context"

	"github.com/vcsync/vcsync/backends"
)

var _ backends.Prober = (*backend)(nil)

// Holds reads the remote's tip and finds the commit it was converted from
// in the mirror's shamap, without converting anything: a changeset vcsync
// pushed was converted before it was sent. Any other tip is Push's
// Rejected error.
func (b *backend) Holds(ctx context.Context, l backends.Local) (string, error) {
	tip, err := b.tip(ctx, l, b.target(l.Root))
	if err != nil || tip == nullID {
		return "", err
	}
	gitDir, err := b.gitDir(ctx, l)
	if err != nil {
		return "", err
	}
	shamap, err := readShamap(b.mirrorOf(gitDir).dir)
	if err != nil {
		return "", b.errorf(backends.Fatal, "%v", err)
	}
	if held := commitOf(shamap, tip); held != "" {
		return held, nil
	}
	return "", b.diverged(tip, "a changeset that vcsync did not convert")
}
