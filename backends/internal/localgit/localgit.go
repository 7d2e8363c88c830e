// Package localgit asks the local git repository the questions that the
// backends which run other programs (bzr, hg) share: is this a commit of
// ours, is it an ancestor, where is the common git directory. Plain git
// rather than go-git: those backends run git's programs anyway, and a
// process per question keeps each push free of shared go-git objects.
//
// Its errors are plain; each backend classifies them in its own terms.
package localgit

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// Git runs git in the local working tree, for a question: it only reads
// (ReadOnly), so a dry run asks it too. Nothing here changes the repository.
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

// Short abbreviates a commit id for messages.
func Short(id string) string { return id[:min(len(id), 12)] }
