package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vcsync/vcsync/internal/run"
)

// Lock is held by the one vcsync process working in a repository.
type Lock struct{ path string }

// ErrLocked is wrapped by Acquire's error when another live process holds
// the lock.
var ErrLocked = errors.New("locked")

// Acquire takes the lock, or says who holds it. A lock left by a process
// that no longer runs (killed with -9) is stale: it is taken over.
func Acquire(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	p := filepath.Join(dir, "lock")
	for try := 0; try < 2; try++ {
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			host, _ := os.Hostname()
			fmt.Fprintf(f, "%d %s %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
			if err := f.Close(); err != nil {
				os.Remove(p)
				return nil, err
			}
			return &Lock{path: p}, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, err
		}
		pid, started, ok := readLock(p)
		if ok && run.Alive(pid) {
			return nil, lockedError{fmt.Sprintf("another vcsync (pid %d, started %s) is working in this repository; wait for it to finish, or remove %s if that process is gone", pid, started, p)}
		}
		// Stale: its process is gone. Remove it and try once more; if a
		// third process wins the race, the O_EXCL above says so.
		os.Remove(p)
	}
	return nil, lockedError{"cannot take " + p + ": another vcsync took it meanwhile"}
}

// lockedError is ErrLocked with the message the user needs.
type lockedError struct{ msg string }

func (e lockedError) Error() string        { return e.msg }
func (e lockedError) Is(target error) bool { return target == ErrLocked }

// Release removes the lock.
func (l *Lock) Release() error { return os.Remove(l.path) }

func readLock(p string) (pid int, started string, ok bool) {
	b, err := os.ReadFile(p)
	if err != nil {
		return 0, "", false
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return 0, "", false
	}
	pid, err = strconv.Atoi(f[0])
	return pid, f[2], err == nil && pid > 0
}
