package hg

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"
)

// lockPoll is how often a push waiting for the mirror's lock tries again.
const lockPoll = 50 * time.Millisecond

// lockFile takes an exclusive flock on path, waiting for another push (of
// this vcsync or another one) that holds it, until ctx ends. flock rather
// than a file created with O_EXCL: the kernel releases it when its holder
// dies, so a killed vcsync never leaves a stale lock behind. flock locks
// belong to the open file, so goroutines of one process exclude each other
// too. The returned function releases it.
func lockFile(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil // closing the file releases the lock
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, &os.PathError{Op: "flock", Path: path, Err: err}
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}
