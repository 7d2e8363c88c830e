package repo

import (
	"context"
	"fmt"
	"io"

	"github.com/vcsync/vcsync/internal/run"
)

// WorktreeDiff writes to w git diff -p of the working tree (staged or not)
// against HEAD, for paths (all when none), as git writes it, in one form
// whatever the configuration: a/ and b/ prefixes, 3 lines of context,
// Myers, renames found, unquoted paths, no colour, files in git's order.
// The hunks' funcname lines are git's own: a .gitattributes diff= driver's
// xfuncname, or the default. A committed .gitattributes can select a
// driver, never make git run a program here: external diff programs and
// textconv filters are off.
func (r *Repo) WorktreeDiff(ctx context.Context, paths []string, w io.Writer) error {
	args := []string{"--literal-pathspecs", "-c", "core.quotePath=false",
		"diff", "HEAD", "-p", "--no-color", "--no-ext-diff", "--no-textconv", "-M",
		"--src-prefix=a/", "--dst-prefix=b/", "-U3", "--inter-hunk-context=0",
		"--diff-algorithm=myers", "--indent-heuristic", "--no-relative",
		"--ignore-submodules=all", "-O/dev/null", "--"}
	_, err := r.Runner.Run(ctx, run.Cmd{Name: "git", Args: append(args, paths...), Dir: r.Root, Stdout: w,
		// GIT_DIFF_OPTS would change the context; GIT_EXTERNAL_DIFF is
		// off already, by --no-ext-diff.
		Env: []string{"GIT_OPTIONAL_LOCKS=0", "GIT_DIFF_OPTS="}})
	if err != nil {
		return fmt.Errorf("diff the working tree: %w", err)
	}
	return nil
}
