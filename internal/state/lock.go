package state

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vcsync/vcsync/internal/safefile"
)

// Lock is held by the one vcsync process working in a repository: an
// exclusive flock on .git/vcsync/lock. The kernel drops it when the process
// ends, however it ends (kill -9 included), so there is no staleness to
// guess: a lock file whose pid was never written, or names a dead process,
// proves nothing, and is never a reason to run alongside another vcsync.
//
// The file is never removed: a process that removed it would let a second
// one lock a new file while a third still held the old one. Its content
// (pid, host, start time, written once the lock is held, emptied at
// release) only names the holder in the message of the next one.
type Lock struct{ f *os.File }

// ErrLocked is wrapped by Acquire's error when another process holds the
// lock.
var ErrLocked = errors.New("locked")

// maxLockFile bounds what is read of a lock file to name its holder.
const maxLockFile = 4096

// Acquire takes the lock, or says who holds it, at once: it never waits.
// A lock path that is not a regular file (a FIFO, a directory, a symlink)
// is a clear error, not a hang.
func Acquire(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	p := filepath.Join(dir, "lock")
	f, err := safefile.Open(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("the lock: %w", err)
	}
	if err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := readHolder(f)
		if holder == "" {
			// The holder writes its name just after it takes the lock:
			// give it that instant, once, so the message can name it.
			time.Sleep(20 * time.Millisecond)
			holder = readHolder(f)
		}
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, lockedError{"another vcsync " + holder + "is working in this repository; wait for it to finish"}
		}
		return nil, fmt.Errorf("lock %s: %w", p, err)
	}
	// Who holds it, for the message of the next one; the lock itself is
	// the flock, so a failure to write this is no failure to lock.
	host, _ := os.Hostname()
	f.Truncate(0)
	fmt.Fprintf(f, "%d %s %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	return &Lock{f: f}, nil
}

// flock calls flock(2), again when a signal interrupts it.
func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// lockedError is ErrLocked with the message the user needs.
type lockedError struct{ msg string }

func (e lockedError) Error() string        { return e.msg }
func (e lockedError) Is(target error) bool { return target == ErrLocked }

// Release empties the lock file (it names no holder any more) and gives the
// lock up. A nil Lock (a dry run takes none) releases nothing.
func (l *Lock) Release() error {
	if l == nil {
		return nil
	}
	l.f.Truncate(0)
	flock(l.f, syscall.LOCK_UN)
	return l.f.Close()
}

// readHolder names the holder from the lock file's content, for the
// message: "(pid 123, started 2026-12-04T10:00:00Z) ", or "" when it has
// not written it yet.
func readHolder(f *os.File) string {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, maxLockFile))
	if err != nil {
		return ""
	}
	pid, host, started, ok := parseHolder(b)
	if !ok {
		return ""
	}
	if me, _ := os.Hostname(); host != me {
		return fmt.Sprintf("(pid %d on %s, started %s) ", pid, host, started)
	}
	return fmt.Sprintf("(pid %d, started %s) ", pid, started)
}

// parseHolder reads the line "PID HOST TIME" that Acquire writes.
func parseHolder(b []byte) (pid int, host, started string, ok bool) {
	f := strings.Fields(string(b))
	if len(f) != 3 {
		return 0, "", "", false
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil || pid <= 0 {
		return 0, "", "", false
	}
	if _, err := time.Parse(time.RFC3339, f[2]); err != nil {
		return 0, "", "", false
	}
	return pid, f[1], f[2], true
}
