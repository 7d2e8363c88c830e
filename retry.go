package vcsync

import (
	"context"
	"errors"
	"time"

	"github.com/vcsync/vcsync/backends"
)

// Decorators of a backend's Push, which the engine stacks for each push
// (engine.decorate), as restic wraps a backend for retries: the engine
// itself sees one push that succeeded or failed.

// retrying retries a transient failure (backends.Transient) with
// exponential backoff, up to retries times. It is made for one push of one
// remote, and counts its attempts. No attempt starts once ctx is done:
// an interrupted push is never tried again, not even once more.
type retrying struct {
	backends.Backend
	retries  int
	delay    time.Duration // before the first retry, doubled each time
	attempts int
}

// Push pushes, then again while the failure is transient and retries
// remain.
func (b *retrying) Push(ctx context.Context, l backends.Local, r backends.Range) (backends.Result, error) {
	delay := b.delay
	for {
		if err := ctx.Err(); err != nil {
			return backends.Result{}, err
		}
		b.attempts++
		res, err := b.Backend.Push(ctx, l, r)
		if err == nil || backends.ClassOf(err) != backends.Transient || b.attempts > b.retries {
			return res, err
		}
		select {
		case <-time.After(delay):
			delay *= 2
		case <-ctx.Done():
			return res, err // the last attempt's error says what failed
		}
	}
}

// timed runs each attempt under a timeout, and makes a push that ran out
// of it a transient failure: a retry may find the remote quicker.
type timed struct {
	backends.Backend
	timeout time.Duration
}

// Push pushes within the timeout.
func (b timed) Push(ctx context.Context, l backends.Local, r backends.Range) (backends.Result, error) {
	attempt, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	res, err := b.Backend.Push(attempt, l, r)
	// The attempt's own deadline, not the caller's.
	if err != nil && errors.Is(attempt.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		err = backends.Errorf(backends.Transient, "timed out after %s: %w", b.timeout, err)
	}
	return res, err
}
