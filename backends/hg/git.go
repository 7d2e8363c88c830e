package hg

import (
	"context"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/internal/localgit"
)

// The local repository's answers (package localgit), with this backend's
// error classes.

func (b *backend) git(ctx context.Context, l backends.Local, args ...string) ([]byte, error) {
	return localgit.Git(ctx, l, args...)
}

func (b *backend) commit(ctx context.Context, l backends.Local, id string) error {
	if err := localgit.CheckCommit(ctx, l, id); err != nil {
		return b.errorf(backends.Fatal, "%v", err)
	}
	return nil
}

func (b *backend) isAncestor(ctx context.Context, l backends.Local, a, to string) (bool, error) {
	ok, err := localgit.IsAncestor(ctx, l, a, to)
	if err != nil {
		return false, b.fail(err, "git merge-base")
	}
	return ok, nil
}

func (b *backend) gitDir(ctx context.Context, l backends.Local) (string, error) {
	dir, err := localgit.CommonDir(ctx, l)
	if err != nil {
		return "", b.fail(err, "find the git directory")
	}
	return dir, nil
}

func short(id string) string { return localgit.Short(id) }
