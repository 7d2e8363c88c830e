package testserver

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is a server program on 127.0.0.1, for a test or a testscript
// script (which has no testing.TB: the caller stops it with Close).
//
// Its port is never picked first and bound later, by another process: a
// port found free and closed again may be taken by anyone before the server
// binds it. A Server either holds the listening socket itself and runs the
// program per connection (inetd style), or lets the program bind port 0
// and reads the port back from what it prints.
type Server struct {
	Addr string // host:port

	log  *logWriter
	stop func()
	once sync.Once
}

// Close stops the server and every program it started, and waits for them.
func (s *Server) Close() { s.once.Do(s.stop) }

// Log returns what the server's programs wrote, indented: it explains a
// refused push when a test fails.
func (s *Server) Log() string { return s.log.String() }

// StartInetd listens on a port of 127.0.0.1 and runs the program for each
// connection, with the connection as its stdin and stdout (inetd's way:
// svnserve -i, git-daemon --inetd), in the environment env (nil: this
// process's). Each runs in a process group of its own, killed whole by
// Close: a daemon's children (git receive-pack) go with it.
func StartInetd(env []string, name string, args ...string) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	in := &inetd{env: env, name: name, args: args, log: &logWriter{}}
	in.wg.Add(1)
	go in.serve(l)
	return &Server{Addr: l.Addr().String(), log: in.log, stop: func() {
		l.Close()
		in.stop()
	}}, nil
}

// inetd runs a program for each connection of a listener.
type inetd struct {
	env   []string
	name  string
	args  []string
	log   *logWriter
	wg    sync.WaitGroup
	mu    sync.Mutex
	procs map[*exec.Cmd]bool // running, killed by stop
	done  bool
}

// serve accepts connections until the listener is closed.
func (in *inetd) serve(l net.Listener) {
	defer in.wg.Done()
	for {
		conn, err := l.Accept()
		if err != nil {
			return // closed by stop
		}
		if err := in.start(conn); err != nil {
			fmt.Fprintf(in.log, "%s: %v\n", in.name, err)
		}
	}
}

// start runs the program on conn, whose socket becomes its stdin and
// stdout: exec hands an *os.File to the child as it is, without copying.
func (in *inetd) start(conn net.Conn) error {
	f, err := conn.(*net.TCPConn).File()
	conn.Close() // f is a duplicate
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.Command(in.name, in.args...)
	cmd.Env = in.env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = f, f, in.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.done {
		return nil
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	if in.procs == nil {
		in.procs = map[*exec.Cmd]bool{}
	}
	in.procs[cmd] = true
	in.wg.Add(1)
	go func() {
		defer in.wg.Done()
		cmd.Wait()
		in.mu.Lock()
		delete(in.procs, cmd)
		in.mu.Unlock()
	}()
	return nil
}

// stop kills the process groups of the connections still open and waits
// for the programs and the accept loop to end.
func (in *inetd) stop() {
	in.mu.Lock()
	in.done = true
	for cmd := range in.procs {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	in.mu.Unlock()
	in.wg.Wait()
}

// StartReporting runs a server program told to bind port 0 of 127.0.0.1,
// in its own process group, and returns once it has printed a line that
// port matches: the port is the regexp's first group. A program that
// exits first, or says nothing within readyTimeout, is an error holding
// its output.
func StartReporting(env []string, port *regexp.Regexp, name string, args ...string) (*Server, error) {
	log := &logWriter{match: port, readyc: make(chan struct{})}
	cmd := exec.Command(name, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	stop := func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	line := strings.Join(append([]string{name}, args...), " ")
	select {
	case <-log.readyc:
		return &Server{Addr: "127.0.0.1:" + log.found, log: log, stop: stop}, nil
	case <-exited:
		return nil, fmt.Errorf("%s exited before it said where it listens: %v\n%s", line, waitErr, log)
	case <-time.After(readyTimeout):
		stop()
		return nil, fmt.Errorf("%s did not say where it listens within %v\n%s", line, readyTimeout, log)
	}
}

// ServeGit serves every repository under base over git://, push included,
// to anyone: git-daemon --inetd for each connection. Repository base/r.git
// is git://ADDR/r.git.
//
// It runs $(git --exec-path)/git-daemon itself rather than `git daemon`,
// which runs it as a child that a kill of the wrapper would leave behind.
func ServeGit(env []string, base string) (*Server, error) {
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		return nil, fmt.Errorf("git --exec-path: %v", err)
	}
	daemon := filepath.Join(strings.TrimSpace(string(out)), "git-daemon")
	return StartInetd(env, daemon, "--inetd", "--base-path="+base, "--export-all",
		"--enable=receive-pack", "--informative-errors", "--verbose", "--log-destination=stderr")
}

// ServeSvn serves every repository under root over svn:// with svnserve -i
// for each connection, configured by the svnserve.conf file conf.
func ServeSvn(env []string, root, conf string) (*Server, error) {
	return StartInetd(env, "svnserve", "-i", "-r", root, "--config-file", conf)
}

// ServeBzr serves every branch under root over bzr://, writes allowed:
// brz serve on port 0, which says "listening on port: N".
func ServeBzr(env []string, root string) (*Server, error) {
	return StartReporting(env, regexp.MustCompile(`listening on port: (\d+)`),
		"brz", "serve", "--bzr", "--allow-writes", "--listen=127.0.0.1", "--port=0", "--directory="+root)
}

// ServeHg serves the Mercurial repository repo over http://ADDR/, anonymous
// pushes allowed: hg serve on port 0, which says "(bound to HOST:N)".
func ServeHg(env []string, repo string) (*Server, error) {
	return StartReporting(env, regexp.MustCompile(`bound to [^ ]*:(\d+)\)`),
		"hg", "serve", "-R", repo, "-a", "127.0.0.1", "-p", "0",
		"--config", "web.push_ssl=false", "--config", "web.allow-push=*",
		"--accesslog", os.DevNull, "--errorlog", os.DevNull)
}
