package kit

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// The local repository's questions, asked with git's programs rather than
// go-git: the backends here run programs anyway, and a process per
// question keeps each push free of shared go-git objects. The functions
// return plain errors; Base's methods classify them and name the remote.

// Git runs git in the local working tree, through the push's Runner so
// that --verbose shows it. It is for questions only (ReadOnly), so a dry
// run asks them too; nothing here changes the repository.
func Git(ctx context.Context, l backends.Local, args ...string) ([]byte, error) {
	return l.Runner.Run(ctx, run.Cmd{Name: "git", Args: args, Dir: l.Root, ReadOnly: true})
}

// CheckCommit returns an error unless id is a full commit id of the local
// repository: brz and hg convert would otherwise fail on it with a Python
// traceback.
func CheckCommit(ctx context.Context, l backends.Local, id string) error {
	if len(id) != 40 || strings.Trim(id, "0123456789abcdef") != "" {
		return fmt.Errorf("push %q: not a full commit id", id)
	}
	if _, err := Git(ctx, l, "cat-file", "-e", id+"^{commit}"); err != nil {
		return fmt.Errorf("commit %s: %v", Short(id), err)
	}
	return nil
}

// IsAncestor reports whether commit a is in the history of to. A commit
// the local repository does not have is not: someone else made it.
func IsAncestor(ctx context.Context, l backends.Local, a, to string) (bool, error) {
	_, err := Git(ctx, l, "merge-base", "--is-ancestor", a, to)
	var re *run.RunError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &re) && (re.ExitCode == 1 || re.ExitCode == 128 && ctx.Err() == nil):
		return false, nil // 1: not an ancestor; 128: a commit we lack
	}
	return false, err
}

// CommonDir returns the repository's common directory (.git, shared by its
// worktrees), where vcsync keeps its files.
func CommonDir(ctx context.Context, l backends.Local) (string, error) {
	out, err := Git(ctx, l, "rev-parse", "--git-common-dir")
	if err != nil {
		return "", err
	}
	dir := strings.TrimSpace(string(out))
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(l.Root, dir)
	}
	return dir, nil
}

// CheckCommit returns a Fatal error unless id is a full commit id of the
// local repository.
func (b *Base) CheckCommit(ctx context.Context, l backends.Local, id string) error {
	if err := CheckCommit(ctx, l, id); err != nil {
		return b.Errorf(backends.Fatal, "%v", err)
	}
	return nil
}

// IsAncestor reports whether commit a is in the history of to.
func (b *Base) IsAncestor(ctx context.Context, l backends.Local, a, to string) (bool, error) {
	ok, err := IsAncestor(ctx, l, a, to)
	if err != nil {
		return false, b.Fail(err, "git merge-base")
	}
	return ok, nil
}

// GitDir returns the repository's common directory.
func (b *Base) GitDir(ctx context.Context, l backends.Local) (string, error) {
	dir, err := CommonDir(ctx, l)
	if err != nil {
		return "", b.Fail(err, "find the git directory")
	}
	return dir, nil
}
