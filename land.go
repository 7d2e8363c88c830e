package vcsync

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/replay"
	"github.com/vcsync/vcsync/internal/run"
)

// land makes the branch hold tip, the remote's commit: unchanged when it
// has tip already, fast-forwarded when it has nothing tip lacks, else with
// its own commits (those no remote has) replayed onto tip.
func (p *puller) land(ctx context.Context, res *PullResult, tip string) error {
	head := res.From
	res.To = head
	if tip == head || p.isAncestor(ctx, tip, head) {
		res.Foreign = nil // all of it is here already
		return nil
	}
	mb, err := p.r.Git(ctx, nil, "merge-base", "--", tip, head)
	if err != nil {
		return fmt.Errorf("the branch %s shares no commit with what %s holds: it was not made from it (vcsync init --from-svn makes a repository that is)", res.Branch, res.Remote)
	}
	base := strings.TrimSpace(string(mb))
	res.Foreign = newOnly(res.Foreign, base)
	if base == head {
		return p.checkout(ctx, res, tip) // fast-forward
	}
	locals, err := p.locals(ctx, tip, head)
	if err != nil {
		return err
	}
	if err := p.unpublished(ctx, locals); err != nil {
		return err
	}
	who, err := committer(p.r)
	if err != nil {
		return err
	}
	when, err := envDate("GIT_COMMITTER_DATE", time.Now())
	if err != nil {
		return err
	}
	rp := &replay.Replayer{Repo: p.r, Committer: object.Signature{Name: who.Name, Email: who.Email, When: when}}
	ids, err := rp.Replay(ctx, locals, plumbing.NewHash(tip))
	if err != nil {
		return fmt.Errorf("%w; nothing changed. To do it by hand: git rebase %s (the pulled commits), then vcsync push", err, kit.Short(tip))
	}
	for i, c := range locals {
		res.Replayed = append(res.Replayed, ReplayedCommit{Old: c.Hash.String(), New: ids[i].String(), Subject: subject(c.Message)})
	}
	return p.checkout(ctx, res, ids[len(ids)-1].String())
}

// newOnly drops the pulled commits up to base, which the branch has.
func newOnly(cs []PulledCommit, base string) []PulledCommit {
	for i, c := range cs {
		if c.ID == base {
			return cs[i+1:]
		}
	}
	return cs
}

// isAncestor reports whether a is an ancestor of b (or b itself).
func (p *puller) isAncestor(ctx context.Context, a, b string) bool {
	_, err := p.r.Git(ctx, nil, "merge-base", "--is-ancestor", "--", a, b)
	return err == nil
}

// locals returns the commits of head that upstream lacks, oldest first.
func (p *puller) locals(ctx context.Context, upstream, head string) ([]*object.Commit, error) {
	out, err := p.r.Git(ctx, nil, "rev-list", "--reverse", "--topo-order", upstream+".."+head, "--")
	if err != nil {
		return nil, err
	}
	var cs []*object.Commit
	for _, id := range strings.Fields(string(out)) {
		c, err := object.GetCommit(p.r.Storer(), plumbing.NewHash(id))
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// unpublished refuses to rewrite commits that a remote has: one that
// vcsync's state says a remote holds, or a git remote-tracking branch
// contains. The oldest is enough: the others descend from it.
func (p *puller) unpublished(ctx context.Context, locals []*object.Commit) error {
	if len(locals) == 0 {
		return nil
	}
	first := locals[0].Hash.String()
	for _, rm := range p.cfg.Remotes {
		s := p.st.Remotes[rm.Name]
		if s == nil || s.Holds == "" || s.URL != run.RedactURL(rm.URL) || !p.hasCommit(s.Holds) {
			continue
		}
		if p.isAncestor(ctx, first, s.Holds) {
			return p.refuse(locals[0], "remote "+rm.Name+" has it")
		}
	}
	out, err := p.r.Git(ctx, nil, "for-each-ref", "--format=%(refname:short)", "--contains", first, "refs/remotes/")
	if err != nil {
		return err
	}
	if refs := strings.Fields(string(out)); len(refs) > 0 {
		return p.refuse(locals[0], refs[0]+" has it")
	}
	return nil
}

// refuse says why a pull stops rather than rewrite a published commit.
func (p *puller) refuse(c *object.Commit, why string) error {
	return fmt.Errorf("commit %s (%s) would have to be replayed onto the pulled commits, but %s: "+
		"vcsync never rewrites a published commit; nothing changed. Merge by hand (git merge), or ask the remote's owner",
		kit.Short(c.Hash.String()), subject(c.Message), why)
}
