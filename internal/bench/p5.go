package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vcsync/vcsync/internal/testserver"
)

// p5: push one new commit to 8 git:// remotes, each behind a proxy that
// delays what it forwards, against a sequential `git push` loop and against
// a single `git push` to one more remote behind an identical proxy.
//
// DESIGN.md's goal is vcsync within 1.5× of the slowest single push: its 8
// pushes overlap, so the latency is paid about once, not 8 times. The
// reference is the single-push side, one push per round, and like every
// side its median over the runs (not its maximum, which one noisy round
// would set). Against the loop the goal is only ≤ 1.0, never slower.
//
// It is P3 over the network: the same history, the same rounds (p3Round),
// the same 8 remotes of each side's own (v0..v7 for vcsync, g0..g7 for the
// loop, plus s0 for the single push), here bare repositories under one base
// served over git:// with receive-pack enabled, each remote through a
// proxy and a git daemon of its own.
//
// The bench has no teardown hook, so the git daemons die with the bench
// (Pdeathsig), even when a run fails or the bench is interrupted, and the
// proxies, which are goroutines of the bench, with it; an interrupt or a
// failed setup stops both at once.
//
// It imports internal/testserver for its proxy only: that runs in the bench
// process, and vcsync is still measured as the binary users run.
var p5 = bench{
	id:     "P5",
	name:   "1 commit to 8 remotes @100ms RTT",
	goals:  []float64{1.0, 1.5}, // the loop, one single push
	runs:   5,
	warmup: 1, // a round takes ~3 s, mostly the loop: P5 stays near 20 s
	setup:  setupP5,
}

const (
	p5Remotes = 8
	// p5OneWay is each proxy's Latency, a one-way delay added in each
	// direction: 50 ms each way is DESIGN.md's 100 ms of latency as a
	// round-trip time, what ping would report.
	p5OneWay = 50 * time.Millisecond
)

func setupP5(e *env) (t trial, err error) {
	var (
		stops []func()
		once  sync.Once
	)
	stopAll := func() {
		once.Do(func() {
			for i := len(stops) - 1; i >= 0; i-- {
				stops[i]()
			}
		})
	}
	defer func() {
		if err != nil {
			stopAll()
		}
	}()

	if err := initRepo(e, p3Repo); err != nil {
		return trial{}, err
	}
	fmt.Fprintf(os.Stderr, "bench: P5: importing %d commits over %d files\n", p3Commits, p3Files)
	imp := e.command(p3Repo, "git", "fast-import", "--quiet")
	imp.Stdin = bytes.NewReader(p3History())
	if _, err := output(imp); err != nil {
		return trial{}, err
	}
	if _, err := e.git(p3Repo, "reset", "-q", "--hard", "main"); err != nil {
		return trial{}, err
	}

	// The history goes to every remote by its path, at disk speed; only
	// the rounds' pushes go through the proxies.
	fmt.Fprintf(os.Stderr, "bench: P5: pushing it to 2×%d+1 bare remotes\n", p5Remotes)
	sets := map[string][]string{}
	for _, prefix := range []string{"v", "g", "s"} {
		n := p5Remotes
		if prefix == "s" {
			n = 1
		}
		for i := range n {
			name := fmt.Sprintf("%s%d", prefix, i)
			if err := addP3Remote(e, name); err != nil {
				return trial{}, err
			}
			sets[prefix] = append(sets[prefix], name)
		}
	}

	// Each remote has a git daemon and a proxy of its own, as 8 remotes
	// are 8 servers: git-daemon listens with a backlog of 5 (daemon.c), so
	// 8 connections at once to one daemon overflow it, and the kernel's
	// SYN retry adds a whole second to a push (ListenOverflows in nstat).
	fmt.Fprintf(os.Stderr, "bench: P5: a git daemon and a proxy (%v each way) for each remote\n", p5OneWay)
	base := filepath.Join(e.dir, "remotes")
	for _, names := range sets {
		for _, name := range names {
			daemon, stop, err := startGitDaemon(e, base)
			if err != nil {
				return trial{}, err
			}
			stops = append(stops, stop)
			p, err := testserver.StartProxy(daemon, testserver.ProxyOptions{Latency: p5OneWay})
			if err != nil {
				return trial{}, err
			}
			stops = append(stops, p.Close)
			url := "git://" + p.Addr() + "/" + name + ".git"
			if _, err := e.git(p3Repo, "remote", "set-url", name, url); err != nil {
				return trial{}, err
			}
		}
	}
	context.AfterFunc(e.ctx, stopAll) // an interrupt: stop them now, not at exit

	r := &p3Round{e: e}
	ours := timed(func() *exec.Cmd {
		return e.command(p3Repo, e.vcsync, append([]string{"push", "-j", strconv.Itoa(p5Remotes)}, sets["v"]...)...)
	})
	loop := timed(func() *exec.Cmd {
		script := fmt.Sprintf(`for r in %s; do git push -q "$r" main; done`, strings.Join(sets["g"], " "))
		return e.command(p3Repo, "sh", "-ec", script)
	})
	single := timed(func() *exec.Cmd {
		return e.command(p3Repo, "git", "push", "-q", sets["s"][0], "main")
	})
	return trial{
		round: r.next,
		ours:  side{name: "vcsync push", run: r.checked(ours, sets["v"])},
		peers: []side{
			{name: "git push loop", run: r.checked(loop, sets["g"])},
			{name: "1 git push", run: r.checked(single, sets["s"])},
		},
	}, nil
}

// startGitDaemon serves every repository under base over git://, push
// included, on a free port of 127.0.0.1. It returns the daemon's host:port
// and a function that stops it.
//
// Like testserver.GitDaemon, which needs a testing.TB, it starts
// $(git --exec-path)/git-daemon itself: a SIGTERM to the `git daemon`
// wrapper would leave the real daemon running.
func startGitDaemon(e *env, base string) (addr string, stop func(), err error) {
	execPath, err := e.git(".", "--exec-path")
	if err != nil {
		return "", nil, err
	}
	daemon := filepath.Join(strings.TrimSpace(execPath), "git-daemon")
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return "", nil, err
		}
		stop, err := serveGit(e, daemon, base, port)
		if err == nil {
			return net.JoinHostPort("127.0.0.1", port), stop, nil
		}
		if attempt == 2 || e.ctx.Err() != nil { // the port was taken twice: something else is wrong
			return "", nil, err
		}
	}
}

// serveGit starts git-daemon on port and returns once it says it is ready.
func serveGit(e *env, daemon, base, port string) (stop func(), err error) {
	cmd := exec.Command(daemon, "--listen=127.0.0.1", "--port="+port, "--base-path="+base,
		"--export-all", "--enable=receive-pack", "--reuseaddr", "--verbose", "--informative-errors")
	cmd.Dir = base
	cmd.Env = e.environ
	// The daemon must not outlive the bench, whatever ends it: the bench
	// has no teardown hook, and may fail or be killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	log := &readyLog{ready: "Ready to rumble", readyc: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.WaitDelay = 5 * time.Second // its children inherit the output
	started := make(chan error, 1)
	exited := make(chan struct{})
	var waitErr error
	go func() {
		// Pdeathsig fires when the thread that started the daemon ends,
		// not the process: hold this goroutine's thread until the daemon
		// has exited, and let the thread end with it.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		waitErr = cmd.Wait()
		close(exited)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	stop = func() {
		cmd.Process.Signal(syscall.SIGTERM) // fails only if it has already exited
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}
	select {
	case <-log.readyc:
		return stop, nil
	case <-exited:
		return nil, fmt.Errorf("%s exited before it was ready: %v\n%s", daemon, waitErr, log)
	case <-time.After(30 * time.Second):
		err = fmt.Errorf("%s did not say it was ready within 30s\n%s", daemon, log)
	case <-e.ctx.Done():
		err = e.ctx.Err()
	}
	stop()
	return nil, err
}

// freePort returns a port of 127.0.0.1 where nothing listens, for a server
// about to start (which may lose a race for it, so serveGit is retried).
func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}

// readyLog keeps the first 64 KB of a server's output, for an error, and
// closes readyc once it holds ready. It takes every write, so that the
// server never blocks on a full pipe.
type readyLog struct {
	ready  string
	readyc chan struct{}

	mu   sync.Mutex
	buf  bytes.Buffer
	seen bool
}

func (w *readyLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() < 64<<10 {
		w.buf.Write(p)
	}
	if !w.seen && bytes.Contains(w.buf.Bytes(), []byte(w.ready)) {
		w.seen = true
		close(w.readyc)
	}
	return len(p), nil
}

func (w *readyLog) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return "\t" + strings.ReplaceAll(strings.TrimRight(w.buf.String(), "\n"), "\n", "\n\t")
}
