package repo

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/vcsync/vcsync/internal/run"
)

// Change is a tracked path whose working-tree content differs from HEAD,
// staged or not.
type Change struct {
	Path     string
	Deleted  bool // gone from the working tree (or staged as removed)
	Added    bool // not in HEAD: staged as new
	Unmerged bool // a merge conflict not yet resolved
}

// Git runs git in the working tree through internal/run. vcsync execs git
// where git does a job better than go-git: status honours the stat cache,
// filters and fsmonitor and takes a few hundred milliseconds on 100,000
// files, where go-git's Worktree.Status walks every file and ignored
// directory (issue 3, P2).
func (r *Repo) Git(ctx context.Context, stdin []byte, args ...string) ([]byte, error) {
	c := run.Cmd{Name: "git", Args: args, Dir: r.Root,
		// Status must not take index.lock to refresh stat data: that would
		// race a git command the user runs meanwhile.
		Env: []string{"GIT_OPTIONAL_LOCKS=0"}}
	if stdin != nil {
		c.Stdin = bytes.NewReader(stdin)
	}
	return r.Runner.Run(ctx, c)
}

// Changes lists the tracked paths whose working-tree content differs from
// HEAD, from git status, in git's order.
func (r *Repo) Changes(ctx context.Context) ([]Change, error) {
	out, err := r.Git(ctx, nil, "status", "--porcelain=v2", "-z", "--untracked-files=no", "--no-renames", "--ignore-submodules=all")
	if err != nil {
		return nil, fmt.Errorf("list the working tree's changes: %w", err)
	}
	return parseStatus(out)
}

// parseStatus reads git status --porcelain=v2 -z output (without renames
// and untracked files).
func parseStatus(out []byte) ([]Change, error) {
	var cs []Change
	for _, rec := range strings.Split(string(out), "\x00") {
		if rec == "" {
			continue
		}
		switch rec[0] {
		case '1':
			// 1 XY sub mH mI mW hH hI path
			f := strings.SplitN(rec, " ", 9)
			if len(f) != 9 {
				return nil, fmt.Errorf("git status: unexpected line %q", rec)
			}
			xy := f[1]
			cs = append(cs, Change{Path: f[8], Deleted: xy[0] == 'D' || xy[1] == 'D', Added: xy[0] == 'A'})
		case 'u':
			// u XY sub m1 m2 m3 mW h1 h2 h3 path
			f := strings.SplitN(rec, " ", 11)
			if len(f) != 11 {
				return nil, fmt.Errorf("git status: unexpected line %q", rec)
			}
			cs = append(cs, Change{Path: f[10], Unmerged: true})
		case '#', '?', '!':
		default:
			return nil, fmt.Errorf("git status: unexpected line %q", rec)
		}
	}
	return cs, nil
}
