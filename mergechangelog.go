package vcsync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/vcsync/vcsync/changelog"
	"github.com/vcsync/vcsync/internal/run"
)

// MergeChangeLog is git's merge driver for ChangeLogs (vcsync
// merge-changelog %O %A %B): it merges base, current and other by the
// ChangeLog rule and writes the result into current, reporting true. Your
// side's new entries go first: in a merge or pull, yours is current; in a
// rebase or cherry-pick (git's GIT_REFLOG_ACTION says so, or, since git
// 2.39 no longer sets it for rebase, the rebase's directory) git swaps the
// sides, and yours is other, as gnulib's git-merge-changelog
// knows. When the rule does not apply, current gets git merge-file's line
// merge, conflict markers and all, and the report is false.
func MergeChangeLog(ctx context.Context, base, current, other, reflogAction string, runner *run.Runner) (bool, error) {
	var texts [3][]byte
	for i, p := range []string{base, current, other} {
		b, err := os.ReadFile(p)
		if err != nil {
			return false, err
		}
		texts[i] = b
	}
	local, upstream := texts[1], texts[2]
	if strings.HasPrefix(reflogAction, "rebase") || strings.HasPrefix(reflogAction, "cherry-pick") || rebasing(ctx, runner) {
		local, upstream = upstream, local
	}
	out, err := changelog.Merge(texts[0], upstream, local)
	if err == nil {
		return true, os.WriteFile(current, out, 0o644)
	}
	if !errors.Is(err, changelog.ErrMergeConflict) {
		return false, err
	}
	// git merge-file writes into current, markers and all; its exit status
	// is the number of conflicts.
	_, err = runner.Run(ctx, run.Cmd{Name: "git", Args: []string{"merge-file", "--", current, base, other}})
	var re *run.RunError
	if errors.As(err, &re) && re.ExitCode > 0 {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("git merge-file: %w", err)
	}
	return true, nil
}

// rebasing reports whether a rebase is under way in the repository of the
// current directory (where git runs a merge driver).
func rebasing(ctx context.Context, runner *run.Runner) bool {
	out, err := runner.Run(ctx, run.Cmd{Name: "git", Args: []string{"rev-parse", "--git-path", "rebase-merge", "--git-path", "rebase-apply"}})
	if err != nil {
		return false
	}
	for _, p := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}
