package gitsvn

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// Push sends Subversion the commits of HEAD that it lacks, with
// `git svn dcommit`. HEAD must be r.To: dcommit works on HEAD and moves it,
// and the engine then pushes the HEAD of that moment to the git remotes.
// It first fetches, and takes in the revisions that an interrupted push
// made of the first commits (resume.go).
func (b *backend) Push(ctx context.Context, l backends.Local, r backends.Range) (backends.Result, error) {
	if !isID(r.To) {
		return backends.Result{}, b.errorf(backends.Fatal, "push %q: not a full commit id", r.To)
	}
	head, err := git(ctx, l, "rev-parse", "--verify", "HEAD")
	if err != nil {
		return backends.Result{}, b.errorf(backends.Fatal, "read HEAD: %v", err)
	}
	if head != r.To {
		return backends.Result{}, b.errorf(backends.Fatal, "HEAD is %s, not %s: git svn dcommit sends HEAD, which moved; push again", short(head), short(r.To))
	}
	base, err := b.upstream(ctx, l)
	if err != nil {
		return backends.Result{}, err
	}
	if err := b.checkClone(ctx, l, base.url); err != nil {
		return backends.Result{}, err
	}
	if base.id == head {
		return backends.Result{Status: backends.StatusUpToDate, Holds: head, Revision: base.revision(), From: head}, nil
	}
	if err := b.checkClean(ctx, l); err != nil {
		return backends.Result{}, err
	}
	old, err := log(ctx, l, base.id, head)
	if err != nil {
		return backends.Result{}, b.errorf(backends.Fatal, "list the commits to send: %v", err)
	}
	if err := b.checkEmpty(base, old); err != nil {
		return backends.Result{}, err
	}
	// An interrupted push may have sent the first ones (see resume.go).
	if err := b.fetch(ctx, l); err != nil {
		return backends.Result{}, err
	}
	sent, err := b.sentBefore(ctx, l, base, old)
	if err != nil {
		return backends.Result{}, err
	}
	var resumed map[string]string
	if len(sent) > 0 && !l.Runner.Dry() {
		head, resumed, err = b.resume(ctx, l, head, old, sent)
		if err != nil {
			return backends.Result{}, err
		}
		base = sent[len(sent)-1]
		if base.id == head {
			return backends.Result{Status: backends.StatusUpToDate, Holds: head, Revision: base.revision(), Rewritten: resumed}, nil
		}
		if old, err = log(ctx, l, base.id, head); err != nil {
			return backends.Result{}, b.errorf(backends.Fatal, "list the commits to send: %v", err)
		}
	}
	// Group: a --timeout or Ctrl-C ends git svn and the git programs it
	// runs (its closing rebase) together, so that the clean-up in failed
	// finds nothing of them still at work.
	out, err := l.Runner.Run(ctx, run.Cmd{Name: "git", Args: []string{"svn", "dcommit"}, Dir: l.Root, Env: env(), Group: true,
		Note: fmt.Sprintf("%d commit(s) onto %s", len(old), base.revision())})
	if err == nil && l.Runner.Dry() {
		// Printed, not run (and a resume left to the real push).
		return backends.Result{Status: backends.StatusOK, Holds: head, From: base.id}, nil
	}
	if err != nil {
		err = b.failed(ctx, l, string(out), err)
		if resumed != nil {
			err = backends.Errorf(backends.ClassOf(err), "%w\n(HEAD had first been moved onto %s, which an interrupted push had sent)", err, revisions(sent))
		}
		return backends.Result{}, err
	}
	res, err := b.result(ctx, l, base, old, string(out))
	if err == nil && resumed != nil {
		// From the original commits, through the recreated ones.
		for o, n := range resumed {
			if r, ok := res.Rewritten[n]; ok {
				resumed[o] = r
			}
		}
		res.Rewritten = resumed
	}
	return res, err
}

// env keeps ssh, which svn+ssh:// runs, from prompting: stdin is /dev/null
// for git svn's own prompts, but ssh asks on the terminal. The default is
// svn's own tunnel ("ssh -q --"), in batch mode; a user's SVN_SSH is kept.
func env() []string {
	if os.Getenv("SVN_SSH") != "" {
		return nil
	}
	return []string{"SVN_SSH=ssh -q -o BatchMode=yes --"}
}

// committedLine is what dcommit prints for each revision it made, in order.
// Its "rN = ID" lines are no guide: they also list the revisions of others
// that dcommit fetched on the way.
var committedLine = regexp.MustCompile(`(?m)^Committed r([0-9]+)$`)

// committed returns the revisions dcommit reported making.
func committed(out string) []int {
	var revs []int
	for _, m := range committedLine.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		revs = append(revs, n)
	}
	return revs
}

// result reads what dcommit did: HEAD is now the rewritten commits (or the
// upstream commit, if everything sent was empty), each revision we made
// is a commit with a git-svn-id line in base..HEAD, among those of others
// fetched on the way.
func (b *backend) result(ctx context.Context, l backends.Local, base commit, old []commit, out string) (backends.Result, error) {
	head, err := git(ctx, l, "rev-parse", "--verify", "HEAD")
	if err != nil {
		return backends.Result{}, b.errorf(backends.Fatal, "git svn dcommit succeeded, but HEAD cannot be read: %v", err)
	}
	revs := committed(out)
	res := backends.Result{Status: backends.StatusOK, Holds: head, Revision: base.revision()}
	if len(revs) == 0 {
		res.Status = backends.StatusUpToDate // every commit was empty: Subversion has their content
	}
	news, err := log(ctx, l, base.id, head)
	if err != nil {
		return backends.Result{}, b.errorf(backends.Fatal, "git svn dcommit succeeded, but its commits cannot be read: %v", err)
	}
	var ours []commit
	for _, c := range news {
		if slices.Contains(revs, c.rev) && c.url != "" {
			ours = append(ours, c)
		}
		if c.id == head {
			res.Revision = c.revision()
		}
	}
	res.Rewritten = rewrites(old, ours, base.id)
	return res, nil
}

// checkEmpty refuses a commit that changes nothing when others follow it.
// dcommit skips it ("No changes") but then cannot find the base revision
// of the next one ("Unable to extract revision information from commit
// X~1", git 2.39), and stops with the commits before it sent and the rest
// not: refuse before sending anything. An empty last commit is harmless.
func (b *backend) checkEmpty(base commit, old []commit) error {
	prev := base.tree
	for _, c := range old[:len(old)-1] {
		if c.tree == prev {
			return b.errorf(backends.Fatal, "commit %s (%q) changes nothing, and git svn dcommit cannot send an empty commit followed by others: drop it (git rebase -i %s), then push again",
				short(c.id), subject(c.msg), short(base.id))
		}
		prev = c.tree
	}
	return nil
}

// subject returns the first line of a message.
func subject(msg string) string {
	s, _, _ := strings.Cut(msg, "\n")
	return s
}

// checkClean refuses a working tree that dcommit would refuse, or that a
// push must not touch: changes to tracked files, a rebase under way. It
// names what is in the way and sends nothing.
func (b *backend) checkClean(ctx context.Context, l backends.Local) error {
	if rebasing, err := rebasing(ctx, l); err != nil {
		return b.errorf(backends.Fatal, "%v", err)
	} else if rebasing {
		return b.errorf(backends.Fatal, "a rebase is under way in %s: finish it (git rebase --continue) or abort it, then push again", l.Root)
	}
	out, err := git(ctx, l, "status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return b.errorf(backends.Fatal, "git status: %v", err)
	}
	if out == "" {
		return nil
	}
	lines := strings.Split(out, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	if len(lines) > 5 {
		lines = append(lines[:5], "...")
	}
	return b.errorf(backends.Fatal, "git svn dcommit needs a clean working tree, and these tracked files have uncommitted changes:\n\t%s\ncommit them, or stash them (git stash), then vcsync push",
		strings.Join(lines, "\n\t"))
}

// rebasing reports whether a rebase is under way: stopped on a conflict,
// it leaves rebase-merge (or, for the apply backend, rebase-apply) in the
// git directory.
func rebasing(ctx context.Context, l backends.Local) (bool, error) {
	out, err := git(ctx, l, "rev-parse", "--path-format=absolute", "--git-path", "rebase-merge", "--git-path", "rebase-apply")
	if err != nil {
		return false, err
	}
	for _, dir := range strings.Split(out, "\n") {
		if _, err := os.Stat(dir); err == nil {
			return true, nil
		}
	}
	return false, nil
}
