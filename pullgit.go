package vcsync

import (
	"context"
	"fmt"

	"github.com/vcsync/vcsync/backends"
)

// git pulls from a git primary: fetch its branch, then fast-forward or
// replay the local commits onto it.
func (p *puller) git(ctx context.Context, rm backends.Remote, f backends.Fetcher, l backends.Local, res *PullResult) error {
	if p.opt.DryRun {
		return p.gitPlan(ctx, f, l, res)
	}
	tip, err := f.Fetch(ctx, l)
	if err != nil {
		return err
	}
	if tip == "" {
		return fmt.Errorf("remote %s has no branch %s to pull", rm.Name, res.Branch)
	}
	res.Foreign = []PulledCommit{{ID: tip}}
	if err := p.land(ctx, res, tip); err != nil {
		return err
	}
	return p.record(rm, res.Branch, tip, tip)
}

// gitPlan fills a dry run's result without fetching: the remote's tip,
// asked of it, and, when the repository has that commit, the local
// commits that would be replayed onto it.
func (p *puller) gitPlan(ctx context.Context, f backends.Fetcher, l backends.Local, res *PullResult) error {
	pr, ok := f.(backends.Prober)
	if !ok {
		return nil
	}
	tip, err := pr.Holds(ctx, l)
	if err != nil || tip == "" || tip == res.From {
		return err
	}
	res.Foreign = append(res.Foreign, PulledCommit{ID: tip})
	if !p.hasCommit(tip) || p.isAncestor(ctx, tip, res.From) {
		return nil
	}
	locals, err := p.locals(ctx, tip, res.From)
	for _, c := range locals {
		res.Replayed = append(res.Replayed, ReplayedCommit{Old: c.Hash.String(), Subject: subject(c.Message)})
	}
	return err
}
