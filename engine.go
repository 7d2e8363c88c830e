package vcsync

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/state"
)

// run pushes the targets in phases. Each remote's state is recorded in the
// journal as it ends, so that a run killed midway remembers what it
// finished, and the state file is written once at the end: O(n) for n
// remotes.
func (p *pusher) run(ctx context.Context) (results []RemoteResult, err error) {
	var first, primary, rest []target
	for _, t := range p.targets {
		switch {
		case t.caps.RewritesHistory:
			first = append(first, t)
		case t.remote.Name == p.cfg.Primary:
			primary = append(primary, t)
		default:
			rest = append(rest, t)
		}
	}
	e := &engine{p: p, st: p.st}
	defer func() {
		if p.opt.DryRun || len(results) == 0 {
			return
		}
		if serr := e.st.Save(p.stateDir); serr != nil && err == nil {
			err = fmt.Errorf("pushed, but the state could not be saved: %w", serr)
		}
	}()
	for i, phase := range [][]target{first, primary, rest} {
		if len(phase) == 0 {
			continue
		}
		if failed := firstFailure(results); failed != "" {
			for _, t := range phase {
				results = append(results, e.skip(t, failed))
			}
			continue
		}
		jobs := 1
		if i == 2 {
			jobs = p.opt.Jobs
		}
		rs, err := e.phase(ctx, phase, jobs)
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

// phase pushes targets at most jobs at once. Every remote pushes the HEAD
// of this moment: a rewriting backend before it may have moved HEAD.
func (e *engine) phase(ctx context.Context, ts []target, jobs int) ([]RemoteResult, error) {
	head, branch, err := e.p.r.CurrentHead(ctx)
	if err != nil {
		return nil, err
	}
	if e.p.opt.To != "" {
		head, branch = e.p.opt.To, e.p.opt.Branch
	}
	results := make([]RemoteResult, len(ts))
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for i, t := range ts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				results[i] = e.finish(t, RemoteResult{Status: backends.StatusFailed, Err: ctx.Err()}, "")
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
	if known.Holds == head && !e.p.opt.pending && known.Last != nil &&
		(known.Last.Status == string(backends.StatusOK) || known.Last.Status == string(backends.StatusUpToDate)) {
		// The state says the remote has it: do not contact it at all.
		res.Status, res.Revision = backends.StatusUpToDate, known.Revision
		return e.finish(t, res, head)
	}
	if e.p.opt.DryRun {
		return e.finish(t, e.plan(ctx, t, res), "")
	}
	if e.p.opt.OnStart != nil {
		e.p.opt.OnStart(t.remote.Name)
	}
	start := time.Now()
	delay := e.p.opt.Backoff
	for {
		res.Attempts++
		r, err := e.attempt(ctx, t, branch, backends.Range{From: known.Holds, FromRevision: known.Revision, To: head, FollowTags: t.remote.Options["followtags"] == "true"})
		if err == nil {
			res.Status, res.Revision, res.Err, res.rewritten = r.Status, r.Revision, nil, r.Rewritten
			res.Duration = time.Since(start)
			return e.finish(t, res, r.Holds)
		}
		res.Err = errors.New(run.Redact(err.Error()))
		if backends.ClassOf(err) != backends.Transient || res.Attempts > e.p.opt.Retries || ctx.Err() != nil {
			res.Status = backends.StatusFailed
			if backends.ClassOf(err) == backends.Rejected {
				res.Status = backends.StatusRejected
			}
			res.Duration = time.Since(start)
			return e.finish(t, res, "")
		}
		select {
		case <-time.After(delay):
			delay *= 2
		case <-ctx.Done():
		}
	}
}

// attempt is one push, under the per-attempt timeout.
func (e *engine) attempt(ctx context.Context, t target, branch string, rng backends.Range) (backends.Result, error) {
	if e.p.opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.p.opt.Timeout)
		defer cancel()
	}
	r, err := t.backend.Push(ctx, e.p.local(branch), rng)
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = backends.Errorf(backends.Transient, "timed out after %s: %w", e.p.opt.Timeout, err)
	}
	return r, err
}

// plan says what a push would send, for --dry-run.
func (e *engine) plan(ctx context.Context, t target, res RemoteResult) RemoteResult {
	what := "everything up to " + short(res.To) + " (the remote's content is not known yet)"
	if res.From != "" {
		if n, err := e.p.r.Count(ctx, res.From, res.To); err == nil {
			what = fmt.Sprintf("%d commit(s), %s..%s", n, short(res.From), short(res.To))
		}
	}
	if e.p.opt.pending {
		what += ", and the new commit"
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

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
