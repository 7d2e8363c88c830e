package gitsvn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// Resuming an interrupted dcommit.
//
// dcommit sends one commit at a time: it commits it to Subversion, fetches
// the new revision into the branch's svn ref (refs/remotes/git-svn), and
// moves HEAD only when the fetched tree differs from the commit's (someone
// else's revisions came too) or after the last commit. Killed, timed out or
// cut off between two commits, it leaves the revisions it made in
// Subversion, and HEAD the original commits, which a plain dcommit would
// send again: Subversion refuses them ("File already exists", "out of
// date"), and the push fails until someone runs git svn rebase. Killed
// right after a commit, before its fetch, it leaves the revision in
// Subversion only.
//
// So before dcommit, Push fetches the branch (git svn fetch --parent), then
// compares the revisions HEAD lacks with the commits to send. When the
// first revisions are the first commits, one each, with the same message
// and the same tree, Subversion provably holds those commits: Push moves
// HEAD onto those revisions and sends only the rest, recreated on top with
// their trees, messages, authors and committers (git commit-tree: neither
// the index nor the working tree is touched, since the tree at HEAD does
// not change, and a kill leaves either the old HEAD or the new one). When
// one of our commits is among those revisions, but after someone else's,
// the rest would have to be rebased onto theirs, which may conflict: Push
// refuses, naming git svn rebase.

// fetch runs `git svn fetch --parent`: it brings the revisions Subversion
// has on HEAD's branch into its svn ref, including those an interrupted
// dcommit made. dcommit fetches them anyway after its first commit.
func (b *backend) fetch(ctx context.Context, l backends.Local) error {
	out, err := l.Runner.Run(ctx, run.Cmd{Name: "git", Args: []string{"svn", "fetch", "--parent"}, Dir: l.Root, Env: env(), Group: true})
	if err != nil {
		return b.errorf(classify(ctx, err, string(out)), "%w", err)
	}
	return nil
}

// tracking returns the tip of the ref that git svn fetches base's
// Subversion branch into: a ref under refs/remotes with a revision map for
// base's repository (GIT_DIR/svn/REF/.rev_map.UUID) whose tip came from
// the same URL. ok is false when there is none, or several that disagree.
func tracking(ctx context.Context, l backends.Local, base commit) (tip commit, ok bool, err error) {
	if base.uuid == "" || strings.ContainsAny(base.uuid, `/\`) {
		return commit{}, false, nil
	}
	gitDir, err := git(ctx, l, "rev-parse", "--absolute-git-dir")
	if err != nil {
		return commit{}, false, err
	}
	out, err := git(ctx, l, "for-each-ref", "--format=%(objectname) %(refname)", "refs/remotes/")
	if err != nil {
		return commit{}, false, err
	}
	for _, line := range strings.Split(out, "\n") {
		id, ref, _ := strings.Cut(line, " ")
		if !isID(id) || (ok && id == tip.id) {
			continue
		}
		if _, err := os.Stat(filepath.Join(gitDir, "svn", filepath.FromSlash(ref), ".rev_map."+base.uuid)); err != nil {
			continue
		}
		c, err := git(ctx, l, "log", "-1", format, id, "--")
		if err != nil {
			return commit{}, false, err
		}
		if c := parseCommit(c); c.uuid == base.uuid && bareURL(c.url) == bareURL(base.url) {
			if ok {
				return commit{}, false, nil // two refs of the branch, at different commits
			}
			tip, ok = c, true
		}
	}
	return tip, ok, nil
}

// sentBefore returns the commits of old (base..HEAD, oldest first) that an
// interrupted dcommit provably sent: the revisions that follow base on its
// branch, as far as each is the next commit of old, with its message and
// its tree. It refuses, naming git svn rebase, when a later revision is one
// of our commits (same message, same change) after someone else's.
func (b *backend) sentBefore(ctx context.Context, l backends.Local, base commit, old []commit) ([]commit, error) {
	tip, ok, err := tracking(ctx, l, base)
	if err != nil {
		return nil, b.errorf(backends.Fatal, "find the svn ref of %s: %v", run.RedactURL(base.url), err)
	}
	if !ok || tip.id == base.id {
		return nil, nil
	}
	if _, err := git(ctx, l, "merge-base", "--is-ancestor", base.id, tip.id); err != nil {
		var re *run.RunError
		if errors.As(err, &re) && re.ExitCode == 1 {
			return nil, nil // not ahead of HEAD's: dcommit deals with it as it always does
		}
		return nil, b.errorf(backends.Fatal, "compare HEAD with the svn ref: %v", err)
	}
	theirs, err := log(ctx, l, base.id, tip.id)
	if err != nil {
		return nil, b.errorf(backends.Fatal, "list the revisions HEAD lacks: %v", err)
	}
	k := 0
	for k < len(theirs) && k < len(old) && theirs[k].url != "" &&
		theirs[k].tree == old[k].tree && theirs[k].msg == old[k].msg {
		k++
	}
	for _, t := range theirs[k:] {
		for _, o := range old[k:] {
			if t.url == "" || t.msg != o.msg {
				continue
			}
			same, err := samePatch(ctx, l, t.id, o.id)
			if err != nil {
				return nil, b.errorf(backends.Fatal, "compare %s with r%d: %v", short(o.id), t.rev, err)
			}
			if same {
				return nil, b.errorf(backends.Fatal, "Subversion already has commit %s (%q), as r%d, after revisions that HEAD lacks: an earlier push was interrupted after sending it, and others committed before it. Run git svn rebase (it takes their revisions in and drops the commits Subversion has; resolve any conflict), check the result, then vcsync push",
					short(o.id), subject(o.msg), t.rev)
			}
		}
	}
	return theirs[:k], nil
}

// samePatch reports whether commits a and b make the same change to their
// first parents, as git patch-id (and so git rebase) sees it.
func samePatch(ctx context.Context, l backends.Local, a, b string) (bool, error) {
	var ids [2]string
	for i, c := range []string{a, b} {
		diff, err := l.Runner.Run(ctx, run.Cmd{Name: "git", Args: []string{"diff-tree", "-p", "--no-color", c + "^", c, "--"}, Dir: l.Root, ReadOnly: true})
		if err != nil {
			return false, err
		}
		if len(diff) == 0 {
			return false, nil
		}
		out, err := l.Runner.Run(ctx, run.Cmd{Name: "git", Args: []string{"patch-id", "--stable"}, Dir: l.Root, Stdin: bytes.NewReader(diff), ReadOnly: true})
		if err != nil {
			return false, err
		}
		ids[i], _, _ = strings.Cut(string(out), " ")
	}
	return ids[0] != "" && ids[0] == ids[1], nil
}

// resume moves HEAD (head, the original commits old) onto the revisions
// that Subversion holds of them, sent (a prefix of old), recreating the
// others on top. It returns the new HEAD and, for each commit of old, its
// replacement: the revision's commit, or the recreated commit.
func (b *backend) resume(ctx context.Context, l backends.Local, head string, old, sent []commit) (string, map[string]string, error) {
	m := make(map[string]string, len(old))
	parent := sent[len(sent)-1].id
	for i, c := range old {
		if i < len(sent) {
			m[c.id] = sent[i].id
			continue
		}
		id, err := recreate(ctx, l, c, parent)
		if err != nil {
			return "", nil, b.errorf(backends.Fatal, "recreate commit %s on %s: %v", short(c.id), sent[len(sent)-1].revision(), err)
		}
		m[c.id], parent = id, id
	}
	// The tree does not change: the last commit has HEAD's tree, and so
	// does the revision of the last one sent if all were. update-ref moves
	// the branch only if it is still head.
	msg := "vcsync: take in " + revisions(sent) + ", sent by an interrupted git svn dcommit"
	if _, err := change(ctx, l, "update-ref", "-m", msg, "HEAD", parent, head); err != nil {
		return "", nil, b.errorf(backends.Fatal, "move HEAD onto %s: %v", sent[len(sent)-1].revision(), err)
	}
	return parent, m, nil
}

// revisions names the revisions of cs, oldest first: "r5", "r5..r7".
func revisions(cs []commit) string {
	first, last := cs[0].revision(), cs[len(cs)-1].revision()
	if first == last {
		return first
	}
	return first + ".." + last
}

// recreate makes a commit with c's tree, message, author, committer and
// other parents, on parent: what git rebase would make of it, without the
// working tree. It returns the new commit's id.
func recreate(ctx context.Context, l backends.Local, c commit, parent string) (string, error) {
	raw, err := l.Runner.Run(ctx, run.Cmd{Name: "git", Args: []string{"cat-file", "commit", c.id}, Dir: l.Root, ReadOnly: true})
	if err != nil {
		return "", err
	}
	header, msg, ok := bytes.Cut(raw, []byte("\n\n"))
	if !ok {
		header, msg = bytes.TrimSuffix(raw, []byte("\n")), nil
	}
	args := []string{"commit-tree", "--no-gpg-sign", c.tree, "-p", parent}
	var env []string
	firstParent := true
	for _, line := range strings.Split(string(header), "\n") {
		key, value, _ := strings.Cut(line, " ")
		switch key {
		case "parent":
			if !firstParent {
				args = append(args, "-p", value)
			}
			firstParent = false
		case "author", "committer":
			name, email, date, ok := ident(value)
			if !ok {
				return "", fmt.Errorf("cannot read its %s %q", key, value)
			}
			who := "GIT_" + strings.ToUpper(key) + "_"
			env = append(env, who+"NAME="+name, who+"EMAIL="+email, who+"DATE="+date)
		case "encoding":
			args = append([]string{"-c", "i18n.commitEncoding=" + value}, args...)
		}
	}
	out, err := l.Runner.Run(ctx, run.Cmd{Name: "git", Args: args, Dir: l.Root, Env: env, Stdin: bytes.NewReader(msg)})
	if err != nil {
		return "", err
	}
	id := strings.TrimSpace(string(out))
	if !isID(id) {
		return "", fmt.Errorf("git commit-tree printed %q", id)
	}
	return id, nil
}

// ident splits "Name <email> 1700000000 +0100", a commit's author or
// committer, into what GIT_AUTHOR_NAME, _EMAIL and _DATE take.
func ident(s string) (name, email, date string, ok bool) {
	lt := strings.LastIndex(s, " <")
	gt := strings.LastIndex(s, "> ")
	if lt < 0 || gt < lt {
		return "", "", "", false
	}
	name, email, date = s[:lt], s[lt+2:gt], strings.TrimSpace(s[gt+2:])
	if name == "" || date == "" {
		return "", "", "", false
	}
	return name, email, "@" + date, true
}
