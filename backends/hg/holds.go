package hg

import (
	"context"
	"strings"

	"github.com/vcsync/vcsync/backends"
)

var _ backends.Prober = (*backend)(nil)

// Holds reads the remote's tip and finds the commit it was converted from
// in the mirror's shamap: a changeset vcsync pushed was converted before it
// was sent. Any other tip is Push's Rejected error.
func (b *backend) Holds(ctx context.Context, l backends.Local) (string, error) {
	tip, err := b.tip(ctx, l, b.target(l.Root))
	if err != nil || tip == nullID {
		return "", err
	}
	gitDir, err := b.gitDir(ctx, l)
	if err != nil {
		return "", err
	}
	m := b.mirrorOf(gitDir)
	shamap, err := readShamap(m.dir)
	if err != nil {
		return "", b.errorf(backends.Fatal, "%v", err)
	}
	if held := commitOf(shamap, tip); held != "" {
		return held, nil
	}
	// The mirror may be gone, or behind a push from another clone: the
	// conversion is deterministic, so converting HEAD's history finds
	// the tip if it is ours. Only then is it someone else's.
	out, err := b.git(ctx, l, "rev-parse", "--verify", "HEAD^{commit}")
	if err != nil {
		return "", b.fail(err, "git rev-parse HEAD")
	}
	if shamap, err = b.convert(ctx, l, m, gitDir, strings.TrimSpace(string(out))); err != nil {
		return "", err
	}
	if held := commitOf(shamap, tip); held != "" {
		return held, nil
	}
	return "", b.diverged(tip, "a changeset that vcsync did not convert")
}
