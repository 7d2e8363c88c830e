package vcsync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/state"
)

// phase is one step of a push: its remotes run at most jobs at once, and
// only once every remote of the phases before it succeeded.
type phase struct {
	name    string // "rewriting", "primary", "rest": for the reader and a debugger
	jobs    int
	targets []target
}

// phases sorts the targets into the order they push in: a backend that
// rewrites history (git-svn) first, since after it the others push the
// rewritten commits; then the primary, the repository of record; then the
// rest, -j at once.
func (p *pusher) phases() []phase {
	rewriting := phase{name: "rewriting", jobs: 1}
	primary := phase{name: "primary", jobs: 1}
	rest := phase{name: "rest", jobs: p.opt.Jobs}
	for _, t := range p.targets {
		switch {
		case t.caps.RewritesHistory:
			rewriting.targets = append(rewriting.targets, t)
		case t.remote.Name == p.cfg.Primary:
			primary.targets = append(primary.targets, t)
		default:
			rest.targets = append(rest.targets, t)
		}
	}
	return []phase{rewriting, primary, rest}
}

// run pushes the targets phase by phase. Each remote's state is recorded
// in the journal as it ends, so that a run killed midway remembers what it
// finished, and the state file is written once at the end: O(n) for n
// remotes.
func (p *pusher) run(ctx context.Context) (results []RemoteResult, err error) {
	e := &engine{p: p, st: p.st}
	defer func() {
		if p.opt.DryRun || len(results) == 0 {
			return
		}
		if serr := e.st.Save(p.stateDir); serr != nil && err == nil {
			err = fmt.Errorf("pushed, but the state could not be saved: %w", serr)
		}
	}()
	for _, ph := range p.phases() {
		if len(ph.targets) == 0 {
			continue
		}
		if failed := firstFailure(results); failed != "" {
			for _, t := range ph.targets {
				results = append(results, e.skip(t, failed))
			}
			continue
		}
		rs, err := e.phase(ctx, ph)
		results = append(results, rs...)
		if err != nil {
			return results, err
		}
	}
	return results, nil
}

// firstFailure names the first remote of results that did not succeed:
// the remotes after a failed rewriting backend or primary are skipped
// (after git-svn they would need a force push).
func firstFailure(rs []RemoteResult) string {
	for _, r := range rs {
		if AnyFailed([]RemoteResult{r}) {
			return r.Name
		}
	}
	return ""
}

// engine runs pushes and records their results.
type engine struct {
	p  *pusher
	st *state.State
	mu sync.Mutex // guards st and the OnDone calls
}

// phase pushes the phase's targets at most ph.jobs at once. Every remote
// pushes the HEAD of this moment: a rewriting backend before it may have
// moved HEAD.
func (e *engine) phase(ctx context.Context, ph phase) ([]RemoteResult, error) {
	ts := ph.targets
	head, branch, err := e.p.r.CurrentHead(ctx)
	if err != nil {
		return nil, err
	}
	if e.p.opt.To != "" {
		head, branch = e.p.opt.To, e.p.opt.Branch
	}
	results := make([]RemoteResult, len(ts))
	sem := make(chan struct{}, ph.jobs)
	var wg sync.WaitGroup
	for i, t := range ts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
			}
			// None starts once the push is cancelled, even where a slot
			// came free at the same moment (select picks at random).
			if err := ctx.Err(); err != nil {
				results[i] = e.finish(t, RemoteResult{Status: backends.StatusFailed, Err: err}, "")
				return
			}
			results[i] = e.pushOne(ctx, t, head, branch)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return results, err
	}
	return results, nil
}

// pushOne pushes one remote, retrying transient failures with backoff.
func (e *engine) pushOne(ctx context.Context, t target, head, branch string) RemoteResult {
	e.mu.Lock()
	known := *e.st.Remote(t.remote.Name)
	e.mu.Unlock()
	where := t.remote.Branch
	if where == "" {
		where = branch
	}
	if known.URL != run.RedactURL(t.remote.URL) || known.Branch != where {
		// Re-pointed, or another branch: what the state knows is of
		// something else.
		known = state.Remote{}
	}
	res := RemoteResult{From: known.Holds, To: head, branch: where}
	if e.p.opt.DryRun {
		// Asked of the remote itself, never of the state.
		return e.finish(t, e.plan(ctx, t, branch, res), "")
	}
	rng := e.rangeOf(t, known, head)
	if known.Holds == head && !rng.FollowTags && !e.p.opt.pending && known.Last != nil &&
		(known.Last.Status == string(backends.StatusOK) || known.Last.Status == string(backends.StatusUpToDate)) {
		// The state says the remote has it: do not contact it at all.
		res.Status, res.Revision = backends.StatusUpToDate, known.Revision
		return e.finish(t, res, head)
	}
	if e.p.opt.OnStart != nil {
		e.p.opt.OnStart(t.remote.Name)
	}
	start := time.Now()
	l := e.p.local(branch)
	if on := e.p.opt.OnProgress; on != nil {
		l.Progress = func(line string) { on(t.remote.Name, line) }
	}
	b := e.decorate(t.backend)
	r, err := b.Push(ctx, l, rng)
	res.Attempts, res.Duration, res.Messages = b.attempts, time.Since(start), r.Messages
	if err == nil {
		res.Status, res.Revision, res.rewritten = r.Status, r.Revision, r.Rewritten
		return e.finish(t, res, r.Holds)
	}
	res.Err = errors.New(run.Redact(err.Error()))
	res.Status = backends.StatusFailed
	if backends.ClassOf(err) == backends.Rejected {
		res.Status = backends.StatusRejected
	}
	return e.finish(t, res, "")
}

// rangeOf is what to push to t, which the state says holds known. Tags
// follow with --tags, else as the remote's followTags says, else as the
// global one: a remote can say false to the global true.
func (e *engine) rangeOf(t target, known state.Remote, head string) backends.Range {
	tags := e.p.opt.Tags
	if v, ok := t.remote.Options["followtags"]; ok && !tags {
		tags = v == "true"
	} else if !ok {
		tags = tags || e.p.cfg.FollowTags
	}
	return backends.Range{From: known.Holds, FromRevision: known.Revision, To: head, FollowTags: tags}
}

// decorate wraps a remote's backend for one push, as restic wraps its
// backends: each attempt under the per-attempt timeout, transient failures
// retried with backoff.
func (e *engine) decorate(b backends.Backend) *retrying {
	if e.p.opt.Timeout > 0 {
		b = timed{Backend: b, timeout: e.p.opt.Timeout}
	}
	return &retrying{Backend: b, retries: e.p.opt.Retries, delay: e.p.opt.Backoff}
}

// plan is a dry run of the push to t: the backend's own Push with a
// Runner that runs the commands that only read (the remote's revision, its
// tip, its refs) and prints, into the result's Commands, those that would
// write. The plan is then what a push would do now, asked of the remote,
// and nothing changes anywhere (internal/run's Cmd.ReadOnly). One attempt,
// under the timeout: a failure to read the remote is the plan's answer.
func (e *engine) plan(ctx context.Context, t target, branch string, res RemoteResult) RemoteResult {
	var cmds bytes.Buffer
	l := e.p.local(branch)
	l.Runner = e.p.opt.Runner.To(&cmds)
	e.mu.Lock()
	known := *e.st.Remote(t.remote.Name)
	e.mu.Unlock()
	start := time.Now()
	b := e.decorate(t.backend)
	b.retries = 0
	r, err := b.Push(ctx, l, e.rangeOf(t, known, res.To))
	res.Attempts, res.Duration = b.attempts, time.Since(start)
	res.Commands = strings.Split(strings.TrimSuffix(cmds.String(), "\n"), "\n")
	if cmds.Len() == 0 {
		res.Commands = nil
	}
	if err != nil {
		res.Err = errors.New(run.Redact(err.Error()))
		res.Status = backends.StatusFailed
		if backends.ClassOf(err) == backends.Rejected {
			res.Status = backends.StatusRejected
		}
		return res
	}
	res.From, res.Revision = r.From, ""
	if r.Status == backends.StatusUpToDate && !e.p.opt.pending {
		res.Status, res.Revision = backends.StatusUpToDate, r.Revision
		return res
	}
	what := "the new commit" // up to date, but a commit comes first
	switch {
	case r.Status == backends.StatusUpToDate:
	case r.From == res.To:
		what = "tags (no new commit)" // --tags, followTags
	default:
		what = "everything up to " + kit.Short(res.To)
		if n, err := e.p.r.Count(ctx, r.From, res.To); err == nil {
			what = fmt.Sprintf("%d commit(s), %s", n, kit.Short(res.To))
			if r.From != "" {
				what = fmt.Sprintf("%d commit(s), %s..%s", n, kit.Short(r.From), kit.Short(res.To))
			}
		}
	}
	if e.p.opt.pending && r.Status != backends.StatusUpToDate {
		// Not made yet: the commands are those of what exists; the new
		// commit goes the same way, after them.
		what += ", then the new commit"
	}
	where := run.RedactURL(t.remote.URL)
	if where == "" {
		where = "its " + t.remote.Kind + " default" // git-svn: the clone's svn-remote
	}
	res.Status, res.Plan = backends.StatusSkipped, "would push "+what+" to "+where
	return res
}

// skip records a remote that was not tried because an earlier one failed.
func (e *engine) skip(t target, failed string) RemoteResult {
	res := RemoteResult{Status: backends.StatusSkipped, Err: fmt.Errorf("not pushed: %s, which goes first, failed", failed)}
	return e.finish(t, res, "")
}

// finish completes a result, records it in the state's journal (holds is
// the commit the remote now holds, "" if unchanged) and reports it.
func (e *engine) finish(t target, res RemoteResult, holds string) RemoteResult {
	res.Name, res.Backend, res.URL = t.remote.Name, t.remote.Kind, run.RedactURL(t.remote.URL)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.p.opt.DryRun {
		s := e.st.Remote(t.remote.Name)
		if res.branch != "" {
			// The push was tried: the state is of this URL and branch.
			if s.URL != res.URL || s.Branch != res.branch {
				s.Holds, s.Revision = "", ""
			}
			s.URL, s.Branch = res.URL, res.branch
		}
		if holds != "" {
			s.Holds, s.Revision = holds, res.Revision
		}
		last := &state.Last{Status: string(res.Status), Time: time.Now().UTC(), Attempts: res.Attempts}
		if res.Err != nil {
			last.Error = res.Err.Error()
		}
		s.Last = last
		var err error
		if len(res.rewritten) > 0 {
			// Rare (git-svn), and it may change any remote's entry:
			// the whole file.
			e.forgetRewritten(t.remote.Name, res.rewritten)
			err = e.st.Save(e.p.stateDir)
		} else {
			err = e.st.Record(e.p.stateDir, t.remote.Name)
		}
		if err != nil && res.Err == nil {
			res.Err = fmt.Errorf("pushed, but the state could not be saved: %w", err)
		}
	}
	if e.p.opt.OnDone != nil {
		e.p.opt.OnDone(res)
	}
	return res
}

// forgetRewritten handles a backend's rewrite (git-svn dcommit gives the
// commits it sent new ids): the rewriting remote holds the new ids; any
// other remote that held an old id holds a commit that is no longer ours,
// so the state forgets it and its backend asks the remote next time. The
// caller holds e.mu.
func (e *engine) forgetRewritten(self string, m map[string]string) {
	for name, s := range e.st.Remotes {
		n, ok := m[s.Holds]
		switch {
		case !ok:
		case name == self:
			s.Holds = n
		default:
			s.Holds, s.Revision = "", ""
		}
	}
}
