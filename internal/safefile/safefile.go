// Package safefile opens and reads files that someone else may have put in
// vcsync's way: a committed .vcsync, the state and lock files under .git,
// the trust store. Such a path may be a symlink to /dev/zero, a FIFO that
// blocks every open forever, a directory or a device. Here a path is opened
// without following a final symlink and without blocking, its type is
// checked before anything is read, and a read is bounded in size, so that
// each of those is a clear error at once instead of a hang or an exhausted
// memory.
//
// It must not import any other vcsync package.
package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// ErrNotRegular is wrapped by the error for a path that exists but is not a
// regular file (a symlink, FIFO, socket, device or directory).
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by the error for a file larger than the limit the
// caller set.
var ErrTooLarge = errors.New("too large")

// Open opens path with flag (os.O_RDONLY, os.O_RDWR|os.O_CREATE, ...) and
// perm, refusing to follow a symlink at path or to block on a FIFO, and
// returns it only if it is a regular file. A missing file is an error that
// wraps fs.ErrNotExist, as with os.Open.
func Open(path string, flag int, perm fs.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, flag|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, perm)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.ENXIO) || errors.Is(err, syscall.EISDIR) {
			// ELOOP: a symlink under O_NOFOLLOW; ENXIO: a FIFO opened for
			// writing with no reader; EISDIR: a directory opened for
			// writing.
			return nil, notRegular(path, describe(path))
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, notRegular(path, kind(fi.Mode()))
	}
	// Reads of a regular file never block; clear the flag anyway, so that
	// a caller that hands the file on gets an ordinary descriptor.
	if err := syscall.SetNonblock(int(f.Fd()), false); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// ReadFile reads the regular file at path, at most max bytes: a larger file
// is an error wrapping ErrTooLarge, a file of another kind one wrapping
// ErrNotRegular, a missing one one wrapping fs.ErrNotExist. It works on the
// descriptor itself, without an *os.File: vcsync entry reads hundreds of
// files, and the runtime's poller and flag juggling were most of the cost
// of each (P11).
func ReadFile(path string, max int64) ([]byte, error) {
	fd, err := ignoringEINTR(func() (int, error) {
		return syscall.Open(path, syscall.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	})
	if err != nil {
		if errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.ENXIO) {
			return nil, notRegular(path, describe(path))
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if uint32(st.Mode)&syscall.S_IFMT != syscall.S_IFREG {
		return nil, notRegular(path, describe(path))
	}
	b := make([]byte, 0, min(st.Size, max)+1)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := ignoringEINTR(func() (int, error) { return syscall.Read(fd, b[len(b):cap(b)]) })
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if b = b[:len(b)+n]; int64(len(b)) > max {
			return nil, fmt.Errorf("%s: %w: over %d bytes", path, ErrTooLarge, max)
		}
		if n == 0 {
			return b, nil
		}
	}
}

// ignoringEINTR retries a system call that a signal interrupted.
func ignoringEINTR(call func() (int, error)) (int, error) {
	for {
		n, err := call()
		if err != syscall.EINTR {
			return n, err
		}
	}
}

// notRegular is the error for a path of another kind.
func notRegular(path, what string) error {
	return fmt.Errorf("%s is %s, %w: remove or replace it", path, what, ErrNotRegular)
}

// describe names what lies at path, for the error.
func describe(path string) string {
	fi, err := os.Lstat(path)
	if err != nil {
		return "not a regular file"
	}
	return kind(fi.Mode())
}

func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	}
	return "not a regular file"
}
