package vcsync

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/state"
)

// The states of a remote, as vcsync status --json spells them.
const (
	StateUpToDate    = "up-to-date"  // it holds the local branch's commit
	StateLacks       = "lacks"       // it lacks Missing commits: vcsync push sends them
	StateBehind      = "has-foreign" // it holds Foreign commits the branch lacks, and nothing more is to send
	StateDiverged    = "diverged"    // both: it holds others' work, and lacks ours
	StateUnknown     = "unknown"     // its backend cannot be asked without pushing
	StateUnreachable = "unreachable" // asking it failed: Err says why
)

// RemoteStatus is what vcsync status says of one remote: what the remote
// itself said when asked, never what vcsync's state remembers of it.
type RemoteStatus struct {
	RemoteInfo
	State   string // one of the State constants
	Tip     string // what it holds, in its own terms (a commit id, "r12"); "" for nothing or not known
	Missing int    // the commits it lacks, which vcsync push would send; -1 when not known
	Foreign int    // the commits (svn: revisions) it holds that the branch lacks; -1 when not known
	Pull    bool   // it is the remote vcsync pull reads: Foreign comes in that way
	Err     error  // why it could not be asked, or (diverged) how, in the backend's words
	Last    *state.Last
}

// DefaultStatusTimeout bounds the asking of one remote when neither
// --timeout nor vcsync.timeout says: status is read at a terminal, and a
// remote that stalls must not hang it.
const DefaultStatusTimeout = 30 * time.Second

// StatusOptions are the inputs of Status.
type StatusOptions struct {
	Dir      string
	Timeout  time.Duration // per remote; 0 takes vcsync.timeout, else DefaultStatusTimeout
	Runner   *run.Runner
	Registry backends.Registry
}

// Status asks every remote, in parallel (at most vcsync.jobs at once), what
// it holds, and compares it with the local branch. It changes nothing but a
// git remote's fetch ref (refs/vcsync/fetch/NAME), when the remote holds a
// commit that must be fetched to be counted.
func Status(ctx context.Context, opt StatusOptions) ([]RemoteStatus, error) {
	r, cfg, stateDir, err := openConfigured(ctx, opt.Dir, opt.Runner)
	if err != nil {
		return nil, err
	}
	st, err := state.Load(stateDir)
	if err != nil {
		return nil, err
	}
	head, branch, err := r.CurrentHead(ctx)
	if err != nil {
		return nil, err
	}
	scratch, err := newScratch()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	if opt.Timeout == 0 {
		opt.Timeout = cmp.Or(cfg.Timeout, DefaultStatusTimeout)
	}
	pullFrom, _ := primary(cfg)
	a := asker{r: r, head: head, opt: opt, l: backends.Local{Root: r.Root, Branch: branch, Runner: opt.Runner, Scratch: scratch}}
	out := make([]RemoteStatus, len(cfg.Remotes))
	sem := make(chan struct{}, max(cfg.Jobs, 1))
	var wg sync.WaitGroup
	for i, rm := range cfg.Remotes {
		out[i] = RemoteStatus{RemoteInfo: infoOf(rm), Missing: -1, Foreign: -1, Pull: rm.Name == pullFrom.Name}
		known := state.Remote{}
		if s := st.Remotes[rm.Name]; s != nil {
			out[i].Last = s.Last
			if s.URL == run.RedactURL(rm.URL) && s.Branch == cmp.Or(rm.Branch, branch) {
				known = *s
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			a.ask(ctx, rm, known, &out[i])
		}()
	}
	wg.Wait()
	return out, ctx.Err()
}

// asker asks remotes what they hold. Its methods run in parallel: they use
// git through the runner, never the Repo's go-git objects.
type asker struct {
	r    *repo.Repo
	head string
	l    backends.Local
	opt  StatusOptions
}

// ask fills s from what the remote says.
func (a asker) ask(ctx context.Context, rm backends.Remote, known state.Remote, s *RemoteStatus) {
	b, err := a.opt.Registry.New(rm)
	if err != nil {
		s.State, s.Err = StateUnreachable, err
		return
	}
	if a.opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, a.opt.Timeout)
		defer cancel()
		defer func() {
			if s.State == StateUnreachable && errors.Is(ctx.Err(), context.DeadlineExceeded) {
				s.Err = fmt.Errorf("timed out after %s: %w", a.opt.Timeout, s.Err)
			}
		}()
	}
	switch bk := b.(type) {
	case backends.Surveyor:
		sv, err := bk.Survey(ctx, a.l, backends.Range{From: known.Holds, FromRevision: known.Revision, To: a.head})
		if err != nil {
			a.failed(s, err)
			return
		}
		s.Tip, s.Missing, s.Foreign = sv.Tip, sv.Missing, sv.Foreign
	case backends.Prober:
		holds, err := bk.Holds(ctx, a.l)
		if err == nil {
			err = a.count(ctx, b, holds, s)
		}
		if err != nil {
			a.failed(s, err)
			return
		}
	default:
		// A command remote (or git-svn) cannot say what it holds: its
		// last push is all there is, and status says so.
		s.State, s.Err = StateUnknown, fmt.Errorf("a %s remote cannot be asked", rm.Kind)
		if known.Holds != "" {
			if n, err := a.revCount(ctx, known.Holds, a.head); err == nil {
				s.Missing = n
			}
		}
		return
	}
	s.State = stateOf(s.Missing, s.Foreign)
}

// stateOf names the state of a remote that lacks missing commits and holds
// foreign ones the branch lacks.
func stateOf(missing, foreign int) string {
	switch {
	case foreign > 0 && missing > 0:
		return StateDiverged
	case foreign > 0:
		return StateBehind
	case missing > 0:
		return StateLacks
	}
	return StateUpToDate
}

// failed records an error: a Rejected one is the backend saying the remote
// holds others' work it cannot count; any other, that it could not be asked.
func (a asker) failed(s *RemoteStatus, err error) {
	s.Err, s.State = errors.New(run.Redact(err.Error())), StateUnreachable
	if backends.ClassOf(err) == backends.Rejected {
		s.State = StateDiverged
	}
}

// count compares the commit the remote holds with HEAD, both ways. A
// commit the local repository lacks is fetched first, when the backend can
// (git); else the remote diverged beyond counting.
func (a asker) count(ctx context.Context, b backends.Backend, holds string, s *RemoteStatus) error {
	s.Tip = holds
	if holds != "" && !a.has(ctx, holds) {
		f, ok := b.(backends.Fetcher)
		if !ok {
			return backends.Errorf(backends.Rejected, "diverged: it holds %s, which is not in the local history", short(holds))
		}
		got, err := f.Fetch(ctx, a.l)
		if err != nil {
			return err
		}
		s.Tip = got
	}
	var err error
	if s.Missing, err = a.revCount(ctx, s.Tip, a.head); err != nil {
		return err
	}
	s.Foreign, err = a.revCount(ctx, a.head, s.Tip)
	return err
}

// has reports whether id names a commit of the local repository.
func (a asker) has(ctx context.Context, id string) bool {
	_, err := a.l.Runner.Run(ctx, run.Cmd{Name: "git", Args: []string{"cat-file", "-e", id + "^{commit}"}, Dir: a.r.Root})
	return err == nil
}

// revCount counts the commits of to that from lacks (all of to's when from
// is ""), with git: goroutines must not share the Repo.
func (a asker) revCount(ctx context.Context, from, to string) (int, error) {
	if to == "" {
		return 0, nil
	}
	rng := to
	if from != "" {
		rng = from + ".." + to
	}
	out, err := a.l.Runner.Run(ctx, run.Cmd{Name: "git", Args: []string{"rev-list", "--count", rng, "--"}, Dir: a.r.Root})
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(out)))
}
