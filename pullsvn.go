package vcsync

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/config"
	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/safefile"
	"github.com/vcsync/vcsync/internal/svnconv"
)

// svn pulls from a Subversion primary: the revisions after the last one
// whose commit the repository has become commits, then land puts the
// local commits on top.
func (p *puller) svn(ctx context.Context, rm backends.Remote, rr backends.RevisionReader, l backends.Local, res *PullResult) error {
	info, err := rr.Repository(ctx, l)
	if err != nil {
		return err
	}
	base, err := p.svnBase(ctx, rm, rr, l, info)
	if err != nil {
		return err
	}
	if p.opt.DryRun {
		return p.svnPlan(ctx, rr, l, info, base, res)
	}
	authors, err := loadAuthors(p.r, p.cfg)
	if err != nil {
		return err
	}
	conv := &svnconv.Converter{Store: p.r.Storer(), Source: svnconv.Bind(rr, l), Dir: info.Path, UUID: info.UUID, Authors: authors}
	tip, tipRev := base.Commit, base.Rev
	err = conv.Convert(ctx, base, info.Youngest, func(c svnconv.Commit) error {
		res.Foreign = append(res.Foreign, PulledCommit{Revision: "r" + strconv.FormatInt(c.Rev, 10), ID: c.ID.String(), Subject: subject(c.Log)})
		if p.opt.OnProgress != nil {
			p.opt.OnProgress(fmt.Sprintf("r%d of r%d", c.Rev, info.Youngest))
		}
		tip, tipRev = c.ID, c.Rev
		return nil
	})
	if err != nil {
		return err
	}
	if tip.IsZero() {
		return fmt.Errorf("%s has no revision to pull", info.Root+"/"+info.Path)
	}
	if err := p.land(ctx, res, tip.String()); err != nil {
		return err
	}
	return p.record(rm, res.Branch, tip.String(), "r"+strconv.FormatInt(tipRev, 10))
}

// svnBase finds where the conversion starts: the youngest revision that
// holds a commit of this repository, by its vcsync:commit or by the state
// (a revision an earlier pull converted). Without one, it starts before
// the directory's first revision: the conversion is deterministic, so a
// clone of a mirror that vcsync init --from-svn made gets its commits
// again, the same.
func (p *puller) svnBase(ctx context.Context, rm backends.Remote, rr backends.RevisionReader, l backends.Local, info backends.RepoInfo) (svnconv.Base, error) {
	known := p.st.Remotes[rm.Name]
	if known != nil && known.URL != run.RedactURL(rm.URL) {
		known = nil // re-pointed: what it knew is of another directory
	}
	to, limit := info.Youngest, 64
	for to > 0 {
		revs, err := rr.Revisions(ctx, l, 0, to, limit)
		if err != nil {
			return svnconv.Base{}, err
		}
		for _, rev := range revs {
			if known != nil && known.Revision == "r"+strconv.FormatInt(rev.Number, 10) && p.hasCommit(known.Holds) {
				// A revision an earlier pull or init converted.
				return svnconv.Base{Rev: rev.Number, Commit: plumbing.NewHash(known.Holds)}, nil
			}
			id := rev.Commit
			if id == "" {
				continue
			}
			if !p.hasCommit(id) {
				return svnconv.Base{}, fmt.Errorf("r%d of %s was sent by vcsync from another repository, as commit %s, which this one lacks: "+
					"fetch it from a mirror that has it (git fetch MIRROR), then pull again", rev.Number, info.Path, kit.Short(id))
			}
			return svnconv.Base{Rev: rev.Number, Commit: plumbing.NewHash(id)}, nil
		}
		if len(revs) < limit || len(revs) == 0 {
			if len(revs) > 0 {
				return svnconv.Base{Rev: revs[len(revs)-1].Number - 1}, nil
			}
			break
		}
		to, limit = revs[len(revs)-1].Number-1, limit*4
	}
	return svnconv.Base{}, nil
}

// hasCommit reports whether id names a commit of the local repository.
func (p *puller) hasCommit(id string) bool {
	if !plumbing.IsHash(id) {
		return false
	}
	_, err := object.GetCommit(p.r.Storer(), plumbing.NewHash(id))
	return err == nil
}

// svnPlan fills a dry run's result: the revisions that would come in, and
// the local commits that would be replayed, from svn log alone.
func (p *puller) svnPlan(ctx context.Context, rr backends.RevisionReader, l backends.Local, info backends.RepoInfo, base svnconv.Base, res *PullResult) error {
	if base.Rev < info.Youngest {
		revs, err := rr.Revisions(ctx, l, base.Rev+1, info.Youngest, 0)
		if err != nil {
			return err
		}
		for i := len(revs) - 1; i >= 0; i-- {
			res.Foreign = append(res.Foreign, PulledCommit{Revision: "r" + strconv.FormatInt(revs[i].Number, 10), Subject: subject(revs[i].Log)})
		}
	}
	if len(res.Foreign) == 0 || base.Commit.IsZero() {
		return nil
	}
	locals, err := p.locals(ctx, base.Commit.String(), res.From)
	for _, c := range locals {
		res.Replayed = append(res.Replayed, ReplayedCommit{Old: c.Hash.String(), Subject: subject(c.Message)})
	}
	return err
}

// loadAuthors reads the authors file vcsync.authorsFile names, if any.
func loadAuthors(r *repo.Repo, cfg *config.Config) (svnconv.Authors, error) {
	path, err := authorsPath(r, cfg)
	if err != nil || path == "" {
		return nil, err
	}
	b, err := safefile.ReadFile(path, 16<<20)
	if err != nil {
		return nil, fmt.Errorf("vcsync.authorsFile: %w", err)
	}
	return svnconv.ParseAuthors(path, b)
}

// subject is a message's first line.
func subject(msg string) string {
	s, _, _ := strings.Cut(strings.TrimLeft(msg, "\n"), "\n")
	return s
}
