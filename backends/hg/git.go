package hg

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// git runs git in the working tree. Plain git rather than go-git: hg's
// convert extension needs git's own programs anyway, and a process per
// question keeps each push free of shared go-git objects.
func (b *backend) git(ctx context.Context, l backends.Local, args ...string) ([]byte, error) {
	return l.Runner.Run(ctx, run.Cmd{Name: "git", Args: args, Dir: l.Root})
}

// commit checks that id names a commit of the local repository: hg convert
// would otherwise fail on it with a Python traceback.
func (b *backend) commit(ctx context.Context, l backends.Local, id string) error {
	if len(id) != 40 || strings.Trim(id, "0123456789abcdef") != "" {
		return b.errorf(backends.Fatal, "push %q: not a full commit id", id)
	}
	if _, err := b.git(ctx, l, "cat-file", "-e", id+"^{commit}"); err != nil {
		return b.errorf(backends.Fatal, "commit %s: %v", short(id), err)
	}
	return nil
}

// isAncestor reports whether commit a is in the history of b. A commit the
// local repository does not have is not: someone else made it.
func (b *backend) isAncestor(ctx context.Context, l backends.Local, a, to string) (bool, error) {
	_, err := b.git(ctx, l, "merge-base", "--is-ancestor", a, to)
	var re *run.RunError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &re) && (re.ExitCode == 1 || re.ExitCode == 128 && ctx.Err() == nil):
		return false, nil // 1: not an ancestor; 128: a commit we lack
	}
	return false, b.fail(err, "git merge-base")
}

// gitDir returns the repository's common directory (.git, shared by its
// worktrees), where vcsync keeps its files.
func (b *backend) gitDir(ctx context.Context, l backends.Local) (string, error) {
	out, err := b.git(ctx, l, "rev-parse", "--git-common-dir")
	if err != nil {
		return "", b.fail(err, "find the git directory")
	}
	dir := strings.TrimSpace(string(out))
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(l.Root, dir)
	}
	return dir, nil
}

// short abbreviates a commit id for messages.
func short(id string) string { return id[:min(len(id), 12)] }
