package vcsync

import (
	"context"
	"fmt"

	"github.com/vcsync/vcsync/backends"
)

// git pulls from a git primary: fetch its branch, then fast-forward or
// replay the local commits onto it.
func (p *puller) git(ctx context.Context, rm backends.Remote, f backends.Fetcher, l backends.Local, res *PullResult) error {
	tip, err := f.Fetch(ctx, l)
	if err != nil {
		return err
	}
	if tip == "" {
		return fmt.Errorf("remote %s has no branch %s to pull", rm.Name, res.Branch)
	}
	if p.opt.DryRun {
		res.Foreign = append(res.Foreign, PulledCommit{ID: tip})
		locals, err := p.locals(ctx, tip, res.From)
		for _, c := range locals {
			res.Replayed = append(res.Replayed, ReplayedCommit{Old: c.Hash.String(), Subject: subject(c.Message)})
		}
		return err
	}
	res.Foreign = []PulledCommit{{ID: tip}}
	if err := p.land(ctx, res, tip); err != nil {
		return err
	}
	return p.record(rm, res.Branch, tip, tip)
}
