package testserver

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// readyTimeout bounds the wait for a server's ready line: a server that
// neither says it is ready nor exits is a broken setup, and the test must
// say so rather than hang until go test's own timeout.
const readyTimeout = 30 * time.Second

// serve starts a long-running server program and returns once it has
// written a line containing ready, as restic's rest_test.go waits for its
// server's output instead of sleeping. A t.Cleanup, registered before the
// program can even be waited for, stops it with SIGTERM, so that neither a
// t.Fatal nor a failed start leaves it running. If the program exits first,
// serve returns an error holding its output (a port taken between FreePort
// and the bind, say), for the caller to retry.
//
// Everything the program writes is kept and shown if the test fails: it
// is what explains a refused push.
func serve(t testing.TB, ready string, name string, args ...string) error {
	t.Helper()
	log := &logWriter{ready: ready, readyc: make(chan struct{})}
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = log, log
	// git-daemon and sshd fork a child per connection that inherits the
	// output; Wait must not wait forever for a child that keeps it open.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(done) }()
	line := strings.Join(append([]string{name}, args...), " ")
	t.Cleanup(func() {
		stop(cmd, done)
		if t.Failed() {
			t.Logf("%s\n%s", line, log)
		}
	})
	select {
	case <-log.readyc:
		return nil
	case <-done:
		return fmt.Errorf("%s exited before it was ready: %v\n%s", line, waitErr, log)
	case <-time.After(readyTimeout):
		return fmt.Errorf("%s did not say %q within %v\n%s", line, ready, readyTimeout, log)
	}
}

// stop sends SIGTERM and waits for the program to exit, killing it if it
// ignores the signal. SIGTERM, not SIGKILL: git-daemon and sshd then close
// their listening sockets and stop their children cleanly.
func stop(cmd *exec.Cmd, done <-chan struct{}) {
	cmd.Process.Signal(syscall.SIGTERM) // fails only if it has already exited
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

// logWriter keeps a server's output and closes readyc at the first line
// that contains ready, or that match matches (found is then its first
// group). It must keep reading after that: a server that blocks writing
// its log to a full pipe stops serving.
type logWriter struct {
	ready  string
	match  *regexp.Regexp
	readyc chan struct{}
	found  string // set before readyc is closed

	mu      sync.Mutex
	buf     bytes.Buffer
	scanned int // bytes of buf already searched for ready
	seen    bool
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.seen || w.ready == "" && w.match == nil {
		return len(p), nil
	}
	// Only whole lines: the ready text may arrive split across writes.
	data := w.buf.Bytes()
	end := bytes.LastIndexByte(data, '\n')
	if end < w.scanned {
		return len(p), nil
	}
	lines := data[w.scanned:end]
	w.scanned = end
	if w.match != nil {
		if m := w.match.FindSubmatch(lines); m != nil {
			w.found = string(m[1])
			w.seen = true
			close(w.readyc)
		}
	} else if bytes.Contains(lines, []byte(w.ready)) {
		w.seen = true
		close(w.readyc)
	}
	return len(p), nil
}

// String returns everything written so far, indented for a test log.
func (w *logWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return "\t" + strings.ReplaceAll(strings.TrimRight(w.buf.String(), "\n"), "\n", "\n\t")
}
