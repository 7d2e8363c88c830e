package svn

import (
	"context"
	"strconv"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/vcsync/vcsync/backends"
)

var _ backends.Surveyor = (*backend)(nil)

// Survey plans the push as Push would, and sends nothing: the commits it
// lacks are the revisions Push would make. A directory whose last
// revisions are others' is counted back to the youngest revision that
// holds a local commit, from the revision properties alone (issue 14:
// status believed vcsync's state and said "up to date" after a
// colleague's svn commit).
func (b *backend) Survey(ctx context.Context, l backends.Local, r backends.Range) (backends.Survey, error) {
	repo, err := gogit.PlainOpenWithOptions(l.Root, &gogit.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return backends.Survey{}, b.errorf(backends.Fatal, "open %s: %v", l.Root, err)
	}
	to, err := b.commitObject(repo, r.To)
	if err != nil {
		return backends.Survey{}, err
	}
	c := b.client(l)
	p, refusal := b.plan(ctx, c, repo, to, r)
	if refusal == nil {
		return backends.Survey{Tip: revName(p.rev), Missing: len(p.commits)}, nil
	}
	if backends.ClassOf(refusal) != backends.Rejected {
		return backends.Survey{}, refusal
	}
	tip, foreign, held, err := b.others(ctx, c, repo, r)
	if err != nil || held == "" {
		return backends.Survey{}, cmpErr(err, refusal)
	}
	base, err := repo.CommitObject(plumbing.NewHash(held))
	if err != nil {
		return backends.Survey{}, b.errorf(backends.Fatal, "read %s: %v", short(held), err)
	}
	if ok, err := base.IsAncestor(to); err != nil || !ok {
		// Ours is not below theirs: the refusal says how it diverged.
		return backends.Survey{}, cmpErr(err, refusal)
	}
	after, err := b.planAfter(base, to)
	if err != nil {
		return backends.Survey{}, err
	}
	return backends.Survey{Tip: revName(tip), Missing: len(after.commits), Foreign: foreign}, nil
}

// others counts the directory's revisions above the youngest one that
// holds a local commit (its vcsync:commit, or r.From where the state says
// vcsync pull made that revision into it), and returns that commit, ""
// when no revision holds one.
func (b *backend) others(ctx context.Context, c *client, repo *gogit.Repository, r backends.Range) (tip int64, foreign int, held string, err error) {
	for limit := 64; ; limit *= 8 {
		revs, err := c.log(ctx, limit)
		if err != nil || len(revs) == 0 {
			return 0, 0, "", err
		}
		for i, rev := range revs {
			switch {
			case r.From != "" && r.FromRevision == revName(rev.rev) && local(repo, r.From):
				return revs[0].rev, i, r.From, nil
			case local(repo, rev.commit):
				return revs[0].rev, i, rev.commit, nil
			}
		}
		if len(revs) < limit {
			return revs[0].rev, len(revs), "", nil
		}
	}
}

// revName is a revision as vcsync shows it: "r12".
func revName(rev int64) string { return "r" + strconv.FormatInt(rev, 10) }
