package command

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
)

// A program that outlives its vcsync.
//
// The program runs in a process group of its own that ends with the push
// (internal/run, Cmd.Group): after a timeout, a Ctrl-C or its own exit,
// nothing of it is left. A vcsync killed with -9 cannot see to that: the
// program goes on, orphaned, and may still be sending when the next vcsync
// takes the stale repository lock over and would run it again for the same
// range, the two side by side. So the program inherits, as file descriptor
// 3, a file on which vcsync holds an exclusive flock. flock locks belong to
// the open file, which the program and any child that keeps the descriptor
// share: the lock lives as long as one of them does, vcsync dead or not. A
// push of the remote that finds it held does not start the program: it
// fails, as a temporary failure (retried with --retries), and says who
// holds it. When a push ends, vcsync unlocks the file itself, so that a
// child the program detached (setsid) with the descriptor open does not
// keep the lock.

// runLock is the lock of one push of the program.
type runLock struct{ f *os.File }

// lockPath returns the remote's lock file in the git directory. The name is
// escaped: a remote may be named "a/b" or "..".
func (b *backend) lockPath(gitDir string) string {
	name := url.PathEscape(b.remote.Name)
	if name == "." || name == ".." || name == "" {
		name = "%" + name
	}
	return filepath.Join(gitDir, "vcsync", "command", name+".lock")
}

// lock takes the remote's lock, or returns a Transient error naming the
// vcsync whose program still holds it.
func (b *backend) lock(ctx context.Context, l backends.Local) (*runLock, error) {
	v, err := answers.get(ctx, "gitdir\x00"+l.Root, func() (any, error) { return kit.CommonDir(ctx, l) })
	gitDir, _ := v.(string)
	if err != nil {
		return nil, b.errorf(backends.Fatal, "find the git directory: %v", err)
	}
	path := b.lockPath(gitDir)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, b.errorf(backends.Fatal, "%v", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, b.errorf(backends.Fatal, "%v", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	switch {
	case errors.Is(err, syscall.EWOULDBLOCK):
		who, _ := os.ReadFile(path)
		f.Close()
		return nil, b.errorf(backends.Transient, "the command started for this remote by %s still runs: "+
			"not running it twice at once; wait for it to end, or stop it (fuser -v %s shows it)",
			holder(string(who)), path)
	case err != nil:
		f.Close()
		return nil, b.errorf(backends.Fatal, "lock %s: %v", path, err)
	}
	// Who holds it, for the message above; the lock itself is the flock.
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "%d %s\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	}
	return &runLock{f: f}, nil
}

// holder describes the vcsync that a lock file names.
func holder(content string) string {
	pid, started, ok := strings.Cut(strings.TrimSpace(content), " ")
	if !ok {
		return "an earlier vcsync"
	}
	return fmt.Sprintf("vcsync (pid %s) at %s", pid, started)
}

// unlock releases the lock for every holder of the open file, the program's
// children included, and closes it.
func (k *runLock) unlock() {
	syscall.Flock(int(k.f.Fd()), syscall.LOCK_UN)
	k.f.Close()
}
