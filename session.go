package vcsync

import (
	"context"

	"github.com/vcsync/vcsync/internal/config"
	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/state"
)

// locked is a repository opened by a command that changes it (push,
// pull): its configuration, vcsync's lock, and the state read under it.
type locked struct {
	r        *repo.Repo
	cfg      *config.Config
	st       *state.State
	stateDir string
	lock     *state.Lock
}

// openLocked opens the repository holding dir, loads its configuration,
// takes the lock, then reads the state: what another vcsync wrote before
// we got the lock is what we read. With write, it first completes a pull
// that was killed between moving its branch and updating the working
// tree, so that nothing works from that half state. Without write (a dry
// run), it neither takes the lock nor finishes anything: a dry run writes
// no file, not even the lock's, and the state it reads is whole (written
// by rename).
func openLocked(ctx context.Context, dir string, runner *run.Runner, write bool) (*locked, error) {
	r, cfg, stateDir, err := openConfigured(ctx, dir, runner)
	if err != nil {
		return nil, err
	}
	var lock *state.Lock
	if write {
		if lock, err = state.Acquire(stateDir); err != nil {
			return nil, err
		}
	}
	st, err := state.Load(stateDir)
	if err == nil && write {
		err = finishCheckout(ctx, r, stateDir)
	}
	if err != nil {
		lock.Release()
		return nil, err
	}
	return &locked{r: r, cfg: cfg, st: st, stateDir: stateDir, lock: lock}, nil
}

// openConfigured opens the repository holding dir and loads its
// configuration; stateDir is where vcsync's state and lock live.
func openConfigured(ctx context.Context, dir string, runner *run.Runner) (r *repo.Repo, cfg *config.Config, stateDir string, err error) {
	if r, _, err = openAt(dir); err != nil {
		return nil, nil, "", err
	}
	r.Runner = runner
	common, cfgPath, err := r.Dirs(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	if cfg, err = loadConfigFrom(ctx, r, cfgPath); err != nil {
		return nil, nil, "", err
	}
	return r, cfg, state.Dir(common), nil
}
