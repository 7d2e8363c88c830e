package command

import (
	"context"
	"sync"
)

// A memo keeps what the git commands behind a push answered, for the other
// remotes of the same run: the message of VCSYNC_TO, the ids of FROM..TO
// and the git directory are the same for each of 2,000 command remotes,
// and three git processes per remote were most of the cost of such a push
// (P7). Only answers about immutable things are kept (a commit's message,
// the ids between two commits, a repository's git directory) and only
// successes; concurrent askers of one key wait for the first answer
// rather than each running git.
type memo struct {
	mu sync.Mutex
	m  map[string]*memoEntry
}

type memoEntry struct {
	done chan struct{}
	val  any
	err  error
}

// memoMax bounds the entries kept: a long-lived process (a test binary)
// pushing many commits starts afresh past it.
const memoMax = 256

var answers memo

// get returns the answer for key, calling f once for it.
func (m *memo) get(ctx context.Context, key string, f func() (any, error)) (any, error) {
	m.mu.Lock()
	if m.m == nil || len(m.m) >= memoMax {
		m.m = map[string]*memoEntry{}
	}
	e, ok := m.m[key]
	if !ok {
		e = &memoEntry{done: make(chan struct{})}
		m.m[key] = e
	}
	m.mu.Unlock()
	if ok {
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err == nil {
			return e.val, nil
		}
		return f() // the first asker failed (its context, maybe): ask again
	}
	e.val, e.err = f()
	if e.err != nil {
		m.mu.Lock()
		if m.m[key] == e {
			delete(m.m, key)
		}
		m.mu.Unlock()
	}
	close(e.done)
	return e.val, e.err
}
