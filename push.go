package vcsync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/config"
	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/state"
)

// PushOptions are the inputs of Push. Zero values take the configuration's.
type PushOptions struct {
	Dir     string
	Remotes []string                   // names; none means every configured remote
	Exclude func(backends.Remote) bool // leaves out the remotes it returns true for
	Jobs    int                        // pushes at once
	Timeout time.Duration              // per attempt of each remote; 0 takes the configuration's, negative is none
	Retries int                        // retries of transient failures; -1 takes the configuration's
	Backoff time.Duration              // delay before the first retry, doubled each time; 0 is 1s
	DryRun  bool
	// Tags sends every remote the annotated tags that point into the
	// pushed history (--tags), whatever followTags says. A push with tags
	// asks each remote, even one that the state says is up to date: a tag
	// may be new.
	Tags bool
	// History sends every commit on a first push to a backend that would
	// otherwise send one revision of the tree (svn); Since names the commit
	// whose tree a never-pushed, non-empty remote holds.
	History  bool
	Since    string
	Runner   *run.Runner
	Registry backends.Registry
	// To and Branch, when set, push that commit to that remote branch
	// instead of HEAD and its branch (the pre-push hook mirrors the refs git
	// pushes).
	To, Branch string
	OnStart    func(name string)  // called as a push to a remote starts, from its goroutine
	OnDone     func(RemoteResult) // called as each remote finishes, from its goroutine, one at a time
	// OnProgress, if set, receives a remote's progress lines as its push
	// goes (git's objects counted and written, an svn replay's
	// revisions), from its goroutine; unset, the backends ask their
	// programs for no progress at all.
	OnProgress func(name, line string)

	pending bool // a dry run of the main job: a new commit would come first
}

// RemoteResult is how the push to one remote ended (DESIGN.md's push JSON).
type RemoteResult struct {
	Name     string
	Backend  string
	URL      string // redacted
	Status   backends.Status
	From     string // the commit the remote held before, as far as known
	To       string // the commit pushed
	Revision string
	Attempts int
	Err      error // redacted
	Duration time.Duration
	Plan     string // with DryRun: what would be sent
	// Commands are, with DryRun, the command lines that the push would run
	// to write (svnmucc, brz push, hg push, the command's program, git
	// svn), and for a git remote its ref updates, each OLD..NEW as read
	// from the remote. The commands that only read ran.
	Commands []string
	// Messages are what the remote's server said (git's "remote:" lines:
	// its hooks' output), even when the push failed.
	Messages []string

	rewritten map[string]string // from a backend that rewrites history
	branch    string            // the remote branch pushed to ("" when not tried)
}

// AnyFailed reports whether a remote did not end ok or up to date (a dry
// run's plan aside): the command then exits 3.
func AnyFailed(rs []RemoteResult) bool {
	return slices.ContainsFunc(rs, func(r RemoteResult) bool {
		return r.Plan == "" && r.Status != backends.StatusOK && r.Status != backends.StatusUpToDate
	})
}

// target is a configured remote with its backend.
type target struct {
	remote  backends.Remote
	backend backends.Backend
	caps    backends.Capabilities
}

var errNoRemote = errors.New("no remote to push to: add one with vcsync remote add NAME URL, or git remote add")

// pusher holds what a push needs once it is prepared and checked.
type pusher struct {
	r        *repo.Repo
	cfg      *config.Config
	targets  []target
	stateDir string
	st       *state.State // read before anything is committed or sent
	lock     *state.Lock  // held from preparePush until release
	scratch  string       // the run's directory outside the working tree (backends.Local.Scratch)
	opt      PushOptions
}

// release gives the lock back and removes the scratch directory.
func (p *pusher) release() {
	os.RemoveAll(p.scratch)
	p.lock.Release()
}

// local is the repository as a backend sees it.
func (p *pusher) local(branch string) backends.Local {
	return backends.Local{Root: p.r.Root, Branch: branch, Runner: p.opt.Runner, Scratch: p.scratch}
}

// newScratch makes the directory, outside the working tree, where hg, brz
// and svn run (backends.Local.Scratch).
func newScratch() (string, error) {
	return os.MkdirTemp("", "vcsync-run-")
}

// preparePush opens the repository, loads the configuration, builds the
// selected remotes' backends and checks them: every setup error (unknown
// backend, program missing, URL that cannot be parsed) is found here,
// before anything is committed or sent.
func preparePush(ctx context.Context, opt PushOptions) (*pusher, error) {
	s, err := openLocked(ctx, opt.Dir, opt.Runner, !opt.DryRun)
	if err != nil {
		return nil, err
	}
	scratch, err := newScratch()
	if err != nil {
		s.lock.Release()
		return nil, err
	}
	p := &pusher{r: s.r, cfg: s.cfg, stateDir: s.stateDir, st: s.st, lock: s.lock, scratch: scratch, opt: opt}
	cfg := s.cfg
	if p.opt.Jobs <= 0 {
		p.opt.Jobs = cfg.Jobs
	}
	if p.opt.Timeout == 0 {
		p.opt.Timeout = cfg.Timeout
	}
	if p.opt.Retries < 0 {
		p.opt.Retries = cfg.Retries
	}
	if p.opt.Backoff <= 0 {
		p.opt.Backoff = time.Second
	}
	if err := p.selectTargets(ctx); err != nil {
		p.release()
		return nil, err
	}
	return p, nil
}

// loadConfig reads .vcsync and the repository's config file, as obeyed
// (loadConfigFrom).
func loadConfig(ctx context.Context, r *repo.Repo) (*config.Config, error) {
	_, cfgPath, err := r.Dirs(ctx)
	if err != nil {
		return nil, err
	}
	return loadConfigFrom(ctx, r, cfgPath)
}

// readConfig reads .vcsync and the repository's config file without
// obeying them: for a command that only edits or shows the configuration.
func readConfig(ctx context.Context, r *repo.Repo) (*config.Config, error) {
	_, cfgPath, err := r.Dirs(ctx)
	if err != nil {
		return nil, err
	}
	return config.Load(configFiles(r.Root, cfgPath)...)
}

// selectTargets builds and checks the backends of the selected remotes.
func (p *pusher) selectTargets(ctx context.Context) error {
	// Sets, not slices: 2,000 names on the command line against 2,000
	// remotes stay O(n).
	known := make(map[string]bool, len(p.cfg.Remotes))
	for _, r := range p.cfg.Remotes {
		known[r.Name] = true
	}
	wanted := make(map[string]bool, len(p.opt.Remotes))
	for _, name := range p.opt.Remotes {
		if !known[name] {
			return fmt.Errorf("no remote named %q; vcsync remote list shows the configured ones", name)
		}
		wanted[name] = true
	}
	var errs []error
	for _, rm := range p.cfg.Remotes {
		if len(wanted) > 0 && !wanted[rm.Name] || p.opt.Exclude != nil && p.opt.Exclude(rm) {
			continue
		}
		rm = p.withFlags(rm)
		b, err := p.opt.Registry.New(rm)
		if err == nil {
			err = notCommittedRepo(p.r, rm)
		}
		if err == nil {
			err = b.Check(ctx, backends.Local{Root: p.r.Root, Scratch: p.scratch})
		}
		if err != nil {
			// Backends and the registry name the remote in their errors.
			errs = append(errs, errors.New(run.Redact(err.Error())))
			continue
		}
		p.targets = append(p.targets, target{remote: rm, backend: b, caps: b.Capabilities()})
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if len(p.targets) == 0 {
		return errNoRemote
	}
	return nil
}

// withFlags gives a remote the command line's --history and --since.
func (p *pusher) withFlags(rm backends.Remote) backends.Remote {
	if !p.opt.History && p.opt.Since == "" {
		return rm
	}
	opts := map[string]string{}
	for k, v := range rm.Options {
		opts[k] = v
	}
	if p.opt.History {
		opts["history"] = "true"
	}
	if p.opt.Since != "" {
		opts["since"] = p.opt.Since
	}
	rm.Options = opts
	return rm
}

// Push sends each selected remote what it lacks: first the backends that
// rewrite history, then the primary remote, then the others in parallel, at
// most Jobs at once, and only if the ones before succeeded. The error is
// for what stops everything; a remote's failure is in its RemoteResult.
func Push(ctx context.Context, opt PushOptions) ([]RemoteResult, error) {
	p, err := preparePush(ctx, opt)
	if err != nil {
		return nil, err
	}
	defer p.release()
	return p.run(ctx)
}
