package vcsync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/config"
	"github.com/vcsync/vcsync/internal/hook"
	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/run"
)

// HookOptions are the inputs of HookRun: what git gives a pre-push hook.
type HookOptions struct {
	Dir         string
	Remote, URL string // the remote git pushes to: its name (or URL) and URL
	Input       []byte // git's ref lines
	Runner      *run.Runner
	Registry    backends.Registry
	ErrOut      io.Writer          // the hooks' own output
	OnDone      func(RemoteResult) // each mirror's result
	// Managed says that a hook manager (pre-commit, lefthook) runs vcsync,
	// not vcsync's own hook: the hooks directory is the manager's, so the
	// chained hook is not vcsync's to run (it may be the manager's own).
	Managed bool
	// Steps, when not nil, are the steps to run, whatever vcsync.hookCheck
	// and vcsync.hookMirror say: a manager's configuration chose them.
	Steps *HookSteps
}

// HookSteps are what the pre-push hook does.
type HookSteps struct {
	Check  bool // refuse outgoing commits without their ChangeLog entry's message
	Mirror bool // push the same refs to the other remotes
}

// HookRun is the pre-push hook: it runs the chained foreign hook, then,
// as configured, checks the outgoing commits (hookCheck) and pushes the same
// refs to the other remotes (hookMirror). An error refuses the push; a
// mirror's failure does so only with hookStrict, but a failed push to a
// primary that is not git does so unless hookStrict is set to false.
func HookRun(ctx context.Context, opt HookOptions) ([]RemoteResult, error) {
	r, _, err := openAt(opt.Dir)
	if err != nil {
		return nil, err
	}
	r.Runner = opt.Runner
	if !opt.Managed {
		if err := runChained(ctx, r, opt); err != nil {
			return nil, err
		}
	}
	updates, err := hook.ParseUpdates(string(opt.Input))
	if err != nil {
		return nil, err
	}
	if err := resolveLocal(ctx, r, updates); err != nil {
		return nil, err
	}
	cfg, err := loadConfig(ctx, r)
	if err != nil {
		return nil, err
	}
	steps := HookSteps{Check: cfg.HookCheck, Mirror: cfg.HookMirror}
	if opt.Steps != nil {
		steps = *opt.Steps
	}
	if steps.Check {
		if err := checkOutgoing(ctx, r, updates); err != nil {
			return nil, err
		}
	}
	if !steps.Mirror {
		return nil, nil
	}
	results, record, err := mirror(ctx, r, opt, updates, cfg)
	switch {
	case err != nil:
	case record != nil && (cfg.HookStrict || !cfg.HookStrictSet):
		// Why it failed is on the line above, the mirror's, or in
		// "not mirrored: ...".
		err = fmt.Errorf("the push to %s, the repository of record (vcsync.primary), failed: the push to %s is refused, so that %s never gets ahead of it. "+
			"Fix %s first (vcsync status; vcsync pull if it has others' work), then git push again; git config vcsync.hookStrict false lets such pushes through",
			cfg.Primary, opt.Remote, opt.Remote, cfg.Primary)
	case record != nil:
		fmt.Fprintf(opt.ErrOut, "vcsync: warning: the push to %s, the repository of record, failed, and vcsync.hookStrict is false: %s gets ahead of it\n", cfg.Primary, opt.Remote)
	case cfg.HookStrict && AnyFailed(results):
		err = fmt.Errorf("a mirror failed and vcsync.hookStrict is true: the push to %s is refused", opt.Remote)
	}
	return results, err
}

// recordOf returns the primary remote when it is not a git remote: the
// repository of record (svn, say) that a git push must not get ahead of.
func recordOf(cfg *config.Config) (backends.Remote, bool) {
	for _, rm := range cfg.Remotes {
		if rm.Name == cfg.Primary && rm.Kind != "git" {
			return rm, true
		}
	}
	return backends.Remote{}, false
}

// resolveLocal turns a local id that is a ref (pre-commit gives the local
// branch alone for a push that brings the root commit) into its commit id.
func resolveLocal(ctx context.Context, r *repo.Repo, updates []hook.RefUpdate) error {
	for i, u := range updates {
		if u.Deletes() || plumbing.IsHash(u.LocalID) {
			continue
		}
		out, err := r.Git(ctx, nil, "rev-parse", "--verify", "--end-of-options", u.LocalID+"^{commit}")
		if err != nil {
			return fmt.Errorf("the pushed ref %s: %w", u.LocalID, err)
		}
		updates[i].LocalID = strings.TrimSpace(string(out))
	}
	return nil
}

// runChained runs the foreign pre-push hook that vcsync's replaced, with the
// same arguments and input; its refusal refuses the push.
func runChained(ctx context.Context, r *repo.Repo, opt HookOptions) error {
	ps, err := r.GitPath(ctx, "hooks")
	if err != nil {
		return err
	}
	p := filepath.Join(ps[0], hook.Chained)
	if fi, err := os.Stat(p); err != nil || fi.Mode()&0o111 == 0 {
		return nil
	}
	_, err = r.Runner.Run(ctx, run.Cmd{Name: p, Args: []string{opt.Remote, opt.URL}, Dir: r.Root,
		Stdin: bytes.NewReader(opt.Input), Stderr: opt.ErrOut})
	if err != nil {
		return fmt.Errorf("the chained pre-push hook refused the push: %w", err)
	}
	return nil
}

// mirror pushes each updated branch to every other remote, in parallel.
// Deleting a branch is not mirrored: vcsync never deletes on a remote. A
// remote that tracks one branch (any but git, or a git remote with its own
// branch) only receives the checked-out branch; git-svn is never run from
// the hook (dcommit would rewrite HEAD in the middle of git push). Without
// hookStrict, a mirror that cannot even be set up is reported, not fatal.
// record is why the push to the repository of record (recordOf) failed,
// nil when it did not fail or was not tried.
func mirror(ctx context.Context, r *repo.Repo, opt HookOptions, updates []hook.RefUpdate, cfg *config.Config) (all []RemoteResult, record, err error) {
	_, current, err := r.CurrentHead(ctx)
	if err != nil {
		return nil, nil, err
	}
	rec, guarded := recordOf(cfg)
	for _, u := range updates {
		branch, ok := strings.CutPrefix(u.RemoteRef, "refs/heads/")
		if u.Deletes() || !ok {
			continue
		}
		exclude := func(rm backends.Remote) bool {
			oneBranch := rm.Kind != "git" || rm.Branch != ""
			return rm.Name == opt.Remote || rm.URL == opt.URL || rm.Kind == "git-svn" || oneBranch && branch != current
		}
		rs, err := Push(ctx, PushOptions{Dir: opt.Dir, Retries: -1, Runner: opt.Runner, Registry: opt.Registry,
			To: u.LocalID, Branch: branch, OnDone: opt.OnDone, Exclude: exclude})
		all = append(all, rs...)
		if guarded && !exclude(rec) && record == nil {
			record = failure(rs, rec.Name, err)
		}
		switch {
		case err == errNoRemote:
			continue // no other remote takes this branch
		case err != nil && !cfg.HookStrict:
			fmt.Fprintf(opt.ErrOut, "vcsync mirror: %s: not mirrored: %v\n", branch, run.Redact(err.Error()))
			all = append(all, RemoteResult{Name: "(setup)", Status: backends.StatusFailed, Err: err})
		case err != nil:
			return all, record, err
		}
	}
	return all, record, nil
}

// failure is why the push to the remote name failed: its result's error,
// or the error that stopped every push before it began (setup).
func failure(rs []RemoteResult, name string, setup error) error {
	if setup != nil && setup != errNoRemote {
		return errors.New(run.Redact(setup.Error()))
	}
	for _, r := range rs {
		if r.Name == name && AnyFailed([]RemoteResult{r}) {
			if r.Err == nil {
				return fmt.Errorf("%s", r.Status)
			}
			return r.Err
		}
	}
	return nil
}

// HookInstall installs the pre-push hook where git looks for hooks, to run
// the vcsync at bin (an absolute path; "" for the one on PATH).
func HookInstall(ctx context.Context, dir, bin string, force bool) (hook.Result, error) {
	hooksDir, err := hooksDir(ctx, dir)
	if err != nil {
		return hook.Result{}, err
	}
	return hook.Install(hooksDir, bin, force)
}

// HookUninstall removes the pre-push hook and restores the chained one.
func HookUninstall(ctx context.Context, dir string) (hook.Result, error) {
	hooksDir, err := hooksDir(ctx, dir)
	if err != nil {
		return hook.Result{}, err
	}
	return hook.Uninstall(hooksDir)
}

func hooksDir(ctx context.Context, dir string) (string, error) {
	r, _, err := openAt(dir)
	if err != nil {
		return "", err
	}
	ps, err := r.GitPath(ctx, "hooks")
	if err != nil {
		return "", err
	}
	return ps[0], nil
}
