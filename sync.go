package vcsync

import (
	"context"
	"errors"

	"github.com/vcsync/vcsync/changelog"
)

// SyncResult is what the main job did: the commit (nil when there was no
// new entry) and each remote's push.
type SyncResult struct {
	Commit  *CommitResult
	Remotes []RemoteResult
}

// Sync is the main job: check every remote's setup, commit the new entry
// (if there is one), then push everywhere. A setup error stops it before
// the commit; a remote that fails to push does not undo the commit.
func Sync(ctx context.Context, c CommitOptions, p PushOptions) (*SyncResult, error) {
	pu, err := preparePush(ctx, p)
	if err != nil {
		return nil, err
	}
	defer pu.release()
	res := &SyncResult{}
	c.locked = true // by preparePush
	res.Commit, err = Commit(ctx, c)
	switch {
	case errors.Is(err, changelog.ErrNoNewEntry) || errors.Is(err, ErrNoChangeLog):
		res.Commit = nil // nothing new: just push
		var ne *NoEntryError
		if errors.As(err, &ne) && c.Notify != nil {
			c.Notify(ne.SyncNote())
		}
	case err != nil:
		return nil, err
	case c.OnDone != nil:
		c.OnDone(res.Commit)
	}
	if c.DryRun && res.Commit != nil {
		// The commit does not exist: say what would be pushed with it.
		pu.opt.DryRun, pu.opt.pending = true, true
	}
	res.Remotes, err = pu.run(ctx)
	return res, err
}
