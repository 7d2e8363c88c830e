package testserver

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// SvnRepo makes a Subversion repository at dir with svnadmin, holding an
// empty trunk in r1, and returns the repository's file:// URL: trunk is
// URL+"/trunk".
func SvnRepo(t testing.TB, dir string) string {
	t.Helper()
	Require(t, "svnadmin", "svnmucc")
	Svn(t, "svnadmin", "create", "--", dir)
	url := "file://" + filepath.ToSlash(dir)
	Svn(t, "svnmucc", "--non-interactive", "-m", "Make trunk.", "mkdir", url+"/trunk")
	return url
}

// Svn runs an svn program (svn, svnadmin, svnmucc, svnlook) and returns
// its stdout, trimmed. It fails the test with the command line and the
// program's output if the program fails.
func Svn(t testing.TB, name string, args ...string) string {
	t.Helper()
	return SvnInput(t, "", name, args...)
}

// SvnInput is Svn with input on the program's stdin: a password for
// --password-from-stdin, a file's content for svnmucc put -.
func SvnInput(t testing.TB, input, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = strings.NewReader(input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

// Svnserve serves every repository under root over svn:// to user, whose
// password is pass (no anonymous access, writes allowed), and returns its
// URL, "svn://127.0.0.1:PORT": repository root/r is URL+"/r".
//
// It runs `svnserve -i` (inetd mode) for each connection on a listener of
// its own, as cmd/go's vcweb does, rather than `svnserve -d`: a daemon says
// nothing when it is ready, and writes its --pid-file by deleting whatever is
// there and creating a new file, so the only way to know that it listens
// would be to poll. A listener opened here is ready before the URL is
// returned, and port 0 cannot be taken by someone else in between.
func Svnserve(t testing.TB, root, user, pass string) string {
	t.Helper()
	Require(t, "svnserve")
	dir := t.TempDir() // the server's side
	passwd := filepath.Join(dir, "passwd")
	writeFile(t, passwd, fmt.Sprintf("[users]\n%s = %s\n", user, pass), 0o600)
	config := filepath.Join(dir, "svnserve.conf")
	writeFile(t, config, "[general]\nanon-access = none\nauth-access = write\npassword-db = "+passwd+
		"\nrealm = vcsync-test\n", 0o600)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &svnServer{args: []string{"-i", "-r", root, "--config-file", config, "--log-file", filepath.Join(dir, "log")}, log: &logWriter{}}
	s.wg.Add(1)
	go s.serve(l)
	t.Cleanup(func() {
		l.Close()
		s.stop()
		if t.Failed() {
			t.Logf("svnserve %s\n%s%s", strings.Join(s.args, " "), s.log, indent(readFileIfAny(filepath.Join(dir, "log"))))
		}
	})
	return "svn://" + l.Addr().String()
}

// svnServer runs svnserve -i for each connection of a listener.
type svnServer struct {
	args []string
	log  *logWriter // what svnserve and the accept loop said, shown if the test fails

	wg    sync.WaitGroup
	mu    sync.Mutex
	procs map[*exec.Cmd]bool // running, stopped by stop
	done  bool
}

// serve accepts connections until l is closed.
func (s *svnServer) serve(l net.Listener) {
	defer s.wg.Done()
	for {
		conn, err := l.Accept()
		if err != nil {
			return // closed by the cleanup
		}
		if err := s.start(conn); err != nil {
			fmt.Fprintf(s.log, "svnserve: %v\n", err)
		}
	}
}

// start runs svnserve -i on conn, whose socket becomes its stdin and
// stdout: exec hands an *os.File to the child as it is, without copying.
func (s *svnServer) start(conn net.Conn) error {
	f, err := conn.(*net.TCPConn).File()
	conn.Close() // f is a duplicate
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.Command("svnserve", s.args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = f, f, s.log
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return nil
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	if s.procs == nil {
		s.procs = map[*exec.Cmd]bool{}
	}
	s.procs[cmd] = true
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		cmd.Wait()
		s.mu.Lock()
		delete(s.procs, cmd)
		s.mu.Unlock()
	}()
	return nil
}

// stop ends the connections still open, SIGTERM first, and waits for
// every svnserve to exit.
func (s *svnServer) stop() {
	s.mu.Lock()
	s.done = true
	for cmd := range s.procs {
		cmd.Process.Signal(syscall.SIGTERM)
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// readFileIfAny returns a file's content, "" if it cannot be read.
func readFileIfAny(name string) string {
	b, _ := os.ReadFile(name)
	return string(b)
}

// indent indents s for a test log.
func indent(s string) string {
	if s == "" {
		return ""
	}
	return "\n\t" + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n\t")
}
