package bzr

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
)

// gitRevPrefix starts the revision id that Breezy gives a git commit
// (`brz log --show-ids`: "revision-id: git-v1:<commit id>").
const gitRevPrefix = "git-v1:"

// noPushLocation keeps brz from remembering the target as the git
// repository's push location, which it writes to the user's
// ~/.config/breezy/locations.conf on a first push: a file that parallel
// pushes would contend for. brz remembers only when no location is set.
const noPushLocation = "-Opush_location=vcsync-does-not-remember"

// tip is what a Bazaar branch holds: its revno and last revision id
// ("0 null:" for an empty branch).
type tip struct {
	revno, revid string
}

// Push makes the branch hold r.To: from its tip it tells which local commit
// it holds, refuses a branch that holds anything else, and sends the rest
// with `brz push`, or with the fast-import fallback when brz cannot.
func (b *backend) Push(ctx context.Context, l backends.Local, r backends.Range) (backends.Result, error) {
	res, err := b.push(ctx, l, r)
	if err != nil || !r.FollowTags {
		return res, err
	}
	// Then the tags (Range.FollowTags), on revisions the branch now has.
	n, err := b.pushTags(ctx, l, b.target(l.Root), r.To)
	if err != nil {
		return backends.Result{}, err
	}
	if n > 0 {
		res.Status = backends.StatusOK
	}
	return res, nil
}

// push is Push without the tags.
func (b *backend) push(ctx context.Context, l backends.Local, r backends.Range) (backends.Result, error) {
	if err := b.CheckCommit(ctx, l, r.To); err != nil {
		return backends.Result{}, err
	}
	target := b.target(l.Root)
	l.Report("reading the branch's tip")
	t, held, err := b.state(ctx, l, target, r.To)
	if err != nil || held == r.To {
		return upToDate(r.To, t, err)
	}
	// A branch whose tip came through fast-import must go on that way:
	// `brz push` from git would find it diverged from the git-v1 history.
	from := held
	if t.revid == "null:" || strings.HasPrefix(t.revid, gitRevPrefix) {
		l.Report("sending the revisions (brz push)")
		revno, err := b.native(ctx, l, target, r.To)
		if !internalError(err) {
			return sent(r.To, from, revno, err)
		}
		// brz may crash after it moved the tip (printing its report, say):
		// ask again rather than import on top of a tip we did not see.
		if t, held, err = b.state(ctx, l, target, r.To); err != nil || held == r.To {
			return sent(r.To, from, t.revno, err)
		}
	}
	l.Report("sending the revisions (git fast-export | brz fast-import, then brz push)")
	revno, err := b.fallback(ctx, l, target, t, held, r.To)
	return sent(r.To, from, revno, err)
}

// upToDate is the result of a push that found the branch holding to, or
// that failed with err before it sent anything.
func upToDate(to string, t tip, err error) (backends.Result, error) {
	if err != nil {
		return backends.Result{}, err
	}
	return backends.Result{Status: backends.StatusUpToDate, Holds: to, Revision: t.revno, From: to}, nil
}

// sent is the result of a push that sent to onto from (the commit the
// branch held, "" for none), making revno the branch's, or failed with err.
func sent(to, from, revno string, err error) (backends.Result, error) {
	if err != nil {
		return backends.Result{}, err
	}
	return backends.Result{Status: backends.StatusOK, Holds: to, Revision: revno, From: from}, nil
}

// state reads the branch's tip and the commit it holds ("" for none), and
// refuses a branch that holds anything but an ancestor of to (or to).
func (b *backend) state(ctx context.Context, l backends.Local, target, to string) (tip, string, error) {
	t, err := b.tip(ctx, l, target)
	if err != nil {
		return t, "", err
	}
	held, err := b.held(ctx, l, t)
	if err != nil || held == "" || held == to {
		return t, held, err
	}
	ok, err := b.IsAncestor(ctx, l, held, to)
	if err == nil && !ok {
		err = b.diverged(t, "commit "+kit.Short(held)+", which is not in the history of "+kit.Short(to))
	}
	return t, held, err
}

// tip asks the branch for its tip.
func (b *backend) tip(ctx context.Context, l backends.Local, target string) (tip, error) {
	out, err := b.read(ctx, l, "revision-info", "-d", target)
	if err != nil {
		if strings.Contains(err.Error(), "Not a branch") {
			// `brz push` would create it; a typo in the URL must not.
			return tip{}, b.Errorf(backends.Fatal, "%s is not a Bazaar branch: make it with `brz init %s` first", run.RedactURL(target), run.RedactURL(target))
		}
		return tip{}, b.Fail(err, "read the branch tip")
	}
	revno, revid, ok := strings.Cut(strings.TrimSpace(string(out)), " ")
	if !ok || revid == "" {
		return tip{}, b.Errorf(backends.Fatal, "brz revision-info -d %s: unexpected output %q", run.RedactURL(target), out)
	}
	return tip{revno: revno, revid: revid}, nil
}

// held returns the local commit the branch holds, "" for an empty branch:
// from the revision id for a git-v1 revision, from the revmap for one that
// came through fast-import. Any other revision is someone else's.
func (b *backend) held(ctx context.Context, l backends.Local, t tip) (string, error) {
	switch {
	case t.revid == "null:":
		return "", nil
	case strings.HasPrefix(t.revid, gitRevPrefix):
		return strings.TrimPrefix(t.revid, gitRevPrefix), nil
	}
	dir, err := b.GitDir(ctx, l)
	if err != nil {
		return "", err
	}
	m, err := readRevmap(dir)
	if err != nil {
		return "", b.Errorf(backends.Fatal, "%v", err)
	}
	if id, ok := m.commit[t.revid]; ok {
		return id, nil
	}
	return "", b.diverged(t, "a revision that vcsync did not push")
}

// diverged is the Rejected error of a branch that holds others' work.
func (b *backend) diverged(t tip, what string) error {
	return b.Errorf(backends.Rejected, "diverged: its tip, revision %s (%s), is %s: merge that work into git, then push again (vcsync never overwrites)",
		t.revno, t.revid, what)
}

// native pushes with `brz push`, never --overwrite, and returns the new
// revno. -r names the commit: the git branch may have moved on since.
func (b *backend) native(ctx context.Context, l backends.Local, target, to string) (string, error) {
	view, err := b.gitView(ctx, l)
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(view)
	var stderr bytes.Buffer
	// Group: bzr+ssh:// and sftp:// run ssh, which a timeout must end too.
	_, err = l.Runner.Run(ctx, run.Cmd{Name: "brz", Dir: l.Neutral(), Neutral: true, Env: env, Stderr: &stderr, Group: true,
		Args: []string{"push", noPushLocation, "-d", view, "-r", "git:" + to, "--", target}})
	if locked(err) {
		return "", b.lockedError(target)
	}
	if err != nil {
		return "", b.Fail(err, "brz push")
	}
	return pushedRevno(stderr.Bytes()), nil
}

// gitView makes a directory outside the working tree through which brz
// reads the local git repository: it holds only a .git file naming the
// git directory, as a linked worktree's does. Given the working tree, brz
// would open a .bzr/ branch that the clone commits there instead, and push
// its publisher's revisions. The caller removes it.
func (b *backend) gitView(ctx context.Context, l backends.Local) (string, error) {
	gitDir, err := b.GitDir(ctx, l)
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp(l.Neutral(), "vcsync-brz-")
	if err != nil {
		return "", b.Errorf(backends.Fatal, "%v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".git"), []byte("gitdir: "+gitDir+"\n"), 0o600); err != nil {
		os.RemoveAll(dir)
		return "", b.Errorf(backends.Fatal, "%v", err)
	}
	return dir, nil
}

var pushedRE = regexp.MustCompile(`(?m)^Pushed up to revision (\d+)\.`)

// pushedRevno reads the revno from brz push's "Pushed up to revision N.";
// "" if it did not say.
func pushedRevno(stderr []byte) string {
	if m := pushedRE.FindSubmatch(stderr); m != nil {
		return string(m[1])
	}
	return ""
}
