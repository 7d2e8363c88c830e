package hg

import (
	"context"
	"errors"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
)

// nullID is the changeset id hg gives the tip of an empty repository.
const nullID = "0000000000000000000000000000000000000000"

// exitNothing is hg push's exit status when the remote already has every
// changeset: success for us, not a failure.
const exitNothing = 1

// Push makes the remote hold r.To: it converts the commits into the mirror,
// tells from the remote's tip which commit the remote holds, refuses a
// remote that holds anything else, and pushes the rest from the mirror.
func (b *backend) Push(ctx context.Context, l backends.Local, r backends.Range) (backends.Result, error) {
	if err := b.CheckCommit(ctx, l, r.To); err != nil {
		return backends.Result{}, err
	}
	gitDir, err := b.GitDir(ctx, l)
	if err != nil {
		return backends.Result{}, err
	}
	m := b.mirrorOf(gitDir)
	l.Report("converting into the Mercurial mirror (hg convert)")
	shamap, err := b.convert(ctx, l, m, gitDir, r.To)
	if err != nil {
		return backends.Result{}, err
	}
	node, ok := shamap[r.To]
	if !ok && l.Runner.Dry() {
		node = "CHANGESET-OF-" + kit.Short(r.To) // not converted yet: a dry run converts nothing
	}
	target := b.target(l.Root)
	l.Report("reading the remote's tip")
	tip, err := b.tip(ctx, l, target)
	if err != nil {
		return backends.Result{}, err
	}
	if tip != nullID {
		held := commitOf(shamap, tip)
		switch {
		case held == r.To:
			return backends.Result{Status: backends.StatusUpToDate, Holds: r.To, Revision: node, From: r.To}, nil
		case held == "":
			return backends.Result{}, b.diverged(tip, "a changeset that vcsync did not convert")
		}
		ok, err := b.IsAncestor(ctx, l, held, r.To)
		if err != nil {
			return backends.Result{}, err
		}
		if !ok {
			return backends.Result{}, b.diverged(tip, "commit "+kit.Short(held)+", which is not in the history of "+kit.Short(r.To))
		}
	}
	l.Report("sending the changesets (hg push)")
	status, err := b.send(ctx, l, m, node, target)
	if err != nil {
		return backends.Result{}, err
	}
	from := ""
	if tip != nullID {
		from = commitOf(shamap, tip)
	}
	return backends.Result{Status: status, Holds: r.To, Revision: node, From: from}, nil
}

// tip asks the remote for the id of its tip, the changeset added last
// (nullID for an empty repository): hg identify works on a remote without
// cloning it. -T prints the full id, which the plain output shortens.
func (b *backend) tip(ctx context.Context, l backends.Local, target string) (string, error) {
	out, err := b.read(ctx, l, "identify", "-r", "tip", "-T", "{id}\n", "--", target)
	if err != nil {
		if msg := err.Error(); strings.Contains(msg, "abort: repository ") && strings.Contains(msg, " not found") {
			return "", b.Errorf(backends.Fatal, "%s is not a Mercurial repository: make it with `hg init` first", run.RedactURL(target))
		}
		return "", b.Fail(err, "read the remote's tip")
	}
	id := strings.TrimSpace(string(out))
	if len(id) != len(nullID) {
		return "", b.Errorf(backends.Fatal, "hg identify %s: unexpected output %q", run.RedactURL(target), out)
	}
	return id, nil
}

// commitOf returns the commit the changeset node was converted from, ""
// if the mirror has no such changeset.
func commitOf(shamap map[string]string, node string) string {
	for id, n := range shamap {
		if n == node {
			return id
		}
	}
	return ""
}

// send pushes the changeset node and its ancestors from the mirror, never
// with --force: a push that would add a head to the remote is refused by hg
// itself, which covers a change made there since we looked at its tip.
func (b *backend) send(ctx context.Context, l backends.Local, m mirror, node, target string) (backends.Status, error) {
	_, err := b.hg(ctx, l, "push", "-R", m.dir, "-r", node, "--", target)
	var re *run.RunError
	switch {
	case err == nil:
		return backends.StatusOK, nil
	case errors.As(err, &re) && re.ExitCode == exitNothing && ctx.Err() == nil:
		// "no changes found": someone pushed the same changesets since.
		return backends.StatusUpToDate, nil
	}
	return "", b.Fail(err, "hg push")
}

// diverged is the Rejected error of a remote that holds others' work.
func (b *backend) diverged(tip, what string) error {
	return b.Errorf(backends.Rejected, "diverged: its tip, changeset %s, is %s: merge that work into git, then push again (vcsync never forces)",
		tip[:12], what)
}
