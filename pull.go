package vcsync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/config"
	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/state"
)

// PullOptions are the inputs of Pull.
type PullOptions struct {
	Dir      string
	DryRun   bool // say what would come in and what would be replayed; change nothing
	Runner   *run.Runner
	Registry backends.Registry
	// OnProgress, if set, receives a line as each foreign revision is
	// converted ("r812 of r1000"), for a terminal's live line.
	OnProgress func(line string)
}

// PullResult is what Pull did, or with DryRun would do.
type PullResult struct {
	Remote, Backend string
	Branch          string
	From, To        string           // the branch before and after ("" To with DryRun)
	Foreign         []PulledCommit   // what came in, oldest first: one commit per svn revision
	Replayed        []ReplayedCommit // the local commits put on top, oldest first
	DryRun          bool
}

// PulledCommit is a commit that came from the remote.
type PulledCommit struct {
	Revision string // "r12" for svn; "" for git
	ID       string // "" in a dry run of svn: not converted yet
	Subject  string
}

// ReplayedCommit is a local commit put on top of the pulled ones.
type ReplayedCommit struct {
	Old, New string // New is "" in a dry run
	Subject  string
}

// puller holds what one pull needs.
type puller struct {
	r        *repo.Repo
	cfg      *config.Config
	st       *state.State
	stateDir string
	opt      PullOptions
}

// Pull brings the primary remote's new commits into the current branch:
// for svn, each revision someone else made becomes one commit; for git,
// the remote branch is fetched. The local commits that no remote has are
// then replayed on top (a ChangeLog's new entries stay above the pulled
// ones). Commits a remote has are never rewritten. The branch moves once,
// by compare-and-swap, after every object is written; then the index and
// working tree follow, keeping uncommitted changes as git checkout does.
func Pull(ctx context.Context, opt PullOptions) (*PullResult, error) {
	s, err := openLocked(ctx, opt.Dir, opt.Runner, !opt.DryRun)
	if err != nil {
		return nil, err
	}
	defer s.lock.Release()
	r := s.r
	p := &puller{r: r, cfg: s.cfg, st: s.st, stateDir: s.stateDir, opt: opt}
	rm, err := primary(s.cfg)
	if err != nil {
		return nil, err
	}
	b, err := opt.Registry.New(rm)
	if err == nil {
		err = b.Check(ctx, backends.Local{Root: r.Root})
	}
	if err != nil {
		return nil, errors.New(run.Redact(err.Error()))
	}
	head, branch, err := r.CurrentHead(ctx)
	if err != nil {
		return nil, err
	}
	if branch == "" {
		return nil, errors.New("HEAD is detached: check out the branch to pull into (git switch BRANCH)")
	}
	res := &PullResult{Remote: rm.Name, Backend: rm.Kind, Branch: branch, From: head, DryRun: opt.DryRun}
	l := backends.Local{Root: r.Root, Branch: branch, Runner: opt.Runner}
	switch bk := b.(type) {
	case backends.RevisionReader:
		err = p.svn(ctx, rm, bk, l, res)
	case backends.Fetcher:
		err = p.git(ctx, rm, bk, l, res)
	default:
		err = fmt.Errorf("remote %s: the %s backend cannot be read back; vcsync pull reads svn and git remotes", rm.Name, rm.Kind)
	}
	if err != nil {
		return nil, errors.New(run.Redact(err.Error()))
	}
	return res, nil
}

// primary is the remote to pull from: vcsync.primary, else the only
// remote that can be read back.
func primary(cfg *config.Config) (backends.Remote, error) {
	var readable []backends.Remote
	for _, rm := range cfg.Remotes {
		if rm.Name == cfg.Primary {
			return rm, nil
		}
		if rm.Kind == "svn" || rm.Kind == "git" {
			readable = append(readable, rm)
		}
	}
	if len(readable) == 1 {
		return readable[0], nil
	}
	if len(cfg.Remotes) == 0 {
		return backends.Remote{}, errNoRemote
	}
	return backends.Remote{}, errors.New("no primary remote to pull from: name it with git config vcsync.primary NAME")
}

// record saves that the remote holds commit id (rev in its own terms).
func (p *puller) record(rm backends.Remote, branch, id, rev string) error {
	s := p.st.Remote(rm.Name)
	where := rm.Branch
	if where == "" {
		where = branch
	}
	s.URL, s.Branch, s.Holds, s.Revision = run.RedactURL(rm.URL), where, id, rev
	return p.st.Save(p.stateDir)
}

// authorsPath is the file vcsync.authorsFile names, "" for none: any
// file when .git/config sets it, only one inside the working tree when the
// committed .vcsync does (a stranger's file must not make vcsync read
// ~/.ssh or /etc into commit authors).
func authorsPath(r *repo.Repo, cfg *config.Config) (string, error) {
	path := cfg.AuthorsFile
	switch {
	case path == "":
		return "", nil
	case cfg.AuthorsShared:
		rel, err := r.Rel(r.Root, path)
		if err != nil || filepath.IsAbs(path) || strings.HasPrefix(path, "~") {
			return "", fmt.Errorf(".vcsync: [vcsync] authorsFile = %q: name a file inside the repository (or set it in .git/config)", path)
		}
		return filepath.Join(r.Root, filepath.FromSlash(rel)), nil
	case strings.HasPrefix(path, "~/"):
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, path[2:]), nil
	case !filepath.IsAbs(path):
		return filepath.Join(r.Root, path), nil
	}
	return path, nil
}
