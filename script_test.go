package vcsync_test

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/vcsync/vcsync/internal/cli"
	"github.com/vcsync/vcsync/internal/testserver"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"vcsync": func() {
			os.Exit(cli.Main(os.Args[1:], cli.IO{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}))
		},
	})
}

// TestScripts runs the CLI scenarios in testdata/script: each one a fresh
// directory with a sealed HOME and git configuration, so that nothing of the
// developer's setup leaks in.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") == "1",
		Setup:               sealEnv,
		Condition:           haveProgram,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":    cmdExits,
			"proxy":    cmdProxy,
			"serve":    cmdServe,
			"stall":    cmdStall,
			"waitconn": cmdWaitConn,
		},
	})
}

// sealEnv gives each script its own HOME and git identity, and fixed dates,
// so that commits and messages are the same on every machine.
func sealEnv(env *testscript.Env) error {
	home := filepath.Join(env.WorkDir, ".home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	gitconfig := "[user]\n\tname = Test User\n\temail = test@example.org\n[init]\n\tdefaultBranch = main\n[gc]\n\tauto = 0\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(gitconfig), 0o644); err != nil {
		return err
	}
	for k, v := range map[string]string{
		"HOME":                home,
		"XDG_CONFIG_HOME":     filepath.Join(home, ".config"),
		"XDG_DATA_HOME":       filepath.Join(home, ".local", "share"), // the trust store
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_DATE":     "2026-11-25T12:00:00Z",
		"GIT_COMMITTER_DATE":  "2026-11-25T12:00:00Z",
		"LC_ALL":              "C",
		"TZ":                  "UTC",
		"NO_COLOR":            "",
		"CI":                  os.Getenv("CI"),
	} {
		env.Setenv(k, v)
	}
	// The programs that fault scripts put a wrapper in front of, on PATH:
	// the wrapper runs the real one as $REAL_HG, $REAL_BRZ, $REAL_SVNMUCC,
	// wherever it is installed.
	for _, prog := range []string{"hg", "brz", "svnmucc"} {
		if path, err := exec.LookPath(prog); err == nil {
			env.Setenv("REAL_"+strings.ToUpper(prog), path)
		}
	}
	return nil
}

// haveProgram is the condition [have:PROG]: true when PROG is installed.
// Scripts say "[!have:svn] skip". In CI (CI=true) a missing program is an
// error, not a skip: CI must install it.
func haveProgram(cond string) (bool, error) {
	prog, ok := strings.CutPrefix(cond, "have:")
	if !ok {
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	if _, err := exec.LookPath(prog); err != nil {
		if testserver.InCI() {
			return false, fmt.Errorf("%s is not installed, and CI must run every test: install it in .ci/run", prog)
		}
		return false, nil
	}
	return true, nil
}

// cmdExits runs a program like exec, keeping its stdout and stderr for the
// next stdout/stderr lines, and checks its exit status: the exit codes are
// part of the contract. Usage: exits N PROGRAM [ARGS...].
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits N PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: %v", err)
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// stalls are the stalling servers of the running scripts, by script and
// variable name.
var stalls sync.Map // *testscript.TestScript+name -> chan struct{}

// cmdStall starts a TCP server on 127.0.0.1 that accepts connections and
// never answers (a remote that hangs mid-handshake) and sets the variable
// to its host:port. Usage: stall VAR.
func cmdStall(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: stall VAR")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	accepted := make(chan struct{}, 1)
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			select {
			case accepted <- struct{}{}:
			default:
			}
		}
	}()
	ts.Defer(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	stalls.Store(fmt.Sprintf("%p/%s", ts, args[0]), accepted)
	ts.Setenv(args[0], ln.Addr().String())
}

// cmdWaitConn waits until the stalling server of VAR has a connection: a
// background vcsync is then stuck in its push. Usage: waitconn VAR.
func cmdWaitConn(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitconn VAR")
	}
	v, ok := stalls.Load(fmt.Sprintf("%p/%s", ts, args[0]))
	if !ok {
		ts.Fatalf("no stall server named %s", args[0])
	}
	select {
	case <-v.(chan struct{}):
	case <-time.After(30 * time.Second):
		ts.Fatalf("no connection to %s within 30s", args[0])
	}
}

// cmdProxy starts a testserver.Proxy on 127.0.0.1 in front of HOST:PORT,
// closed at the end of the script, and sets VAR to its address: a remote
// that is slow (latency=DUR) or stalls mid-transfer, once it has forwarded
// N bytes over both directions and every connection (stallafter=N).
// Usage: proxy VAR HOST:PORT [stallafter=N] [latency=DUR].
func cmdProxy(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: proxy VAR HOST:PORT [stallafter=N] [latency=DUR]")
	}
	var opt testserver.ProxyOptions
	for _, a := range args[2:] {
		k, v, _ := strings.Cut(a, "=")
		var err error
		switch k {
		case "stallafter":
			opt.StallAfter, err = strconv.ParseInt(v, 10, 64)
		case "latency":
			opt.Latency, err = time.ParseDuration(v)
		default:
			ts.Fatalf("proxy: unknown option %q", a)
		}
		if err != nil {
			ts.Fatalf("proxy: %s: %v", a, err)
		}
	}
	p, err := testserver.StartProxy(args[1], opt)
	ts.Check(err)
	ts.Defer(p.Close)
	ts.Setenv(args[0], p.Addr())
}

// cmdServe starts a server on 127.0.0.1 for every repository under ROOT,
// stopped at the end of the script, and sets VAR to its host:port: git
// daemon (git://, push enabled), svnserve (svn://, anonymous writes, or as
// the svnserve.conf given fourth says), brz serve (bzr://, writes allowed)
// or hg serve (http://, anonymous pushes; ROOT is then the one repository
// served, at http://VAR/). The servers are
// internal/testserver's: none picks a free port, closes it and binds it
// again (a race with anything else on the machine). They run in the
// script's sealed environment, not the developer's.
// Usage: serve VAR git|svn|bzr|hg ROOT.
func cmdServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 && (len(args) != 4 || args[1] != "svn") || !slices.Contains([]string{"git", "svn", "bzr", "hg"}, args[1]) {
		ts.Fatalf("usage: serve VAR git|svn|bzr|hg ROOT, or serve VAR svn ROOT SVNSERVE.CONF")
	}
	root := ts.MkAbs(args[2])
	env := testserver.Environ(ts.Getenv("HOME"))
	var s *testserver.Server
	var err error
	switch args[1] {
	case "git":
		s, err = testserver.ServeGit(env, root)
	case "svn":
		conf := ts.MkAbs(".svnserve-" + args[0] + ".conf")
		if len(args) == 4 {
			conf = ts.MkAbs(args[3]) // the script's own: with auth, say
		} else {
			ts.Check(os.WriteFile(conf, []byte("[general]\nanon-access = write\n"), 0o644))
		}
		s, err = testserver.ServeSvn(env, root, conf)
	case "bzr":
		s, err = testserver.ServeBzr(env, root)
	case "hg":
		s, err = testserver.ServeHg(env, root)
	}
	if err != nil {
		ts.Fatalf("serve %s: %v", args[1], err)
	}
	ts.Defer(s.Close)
	ts.Setenv(args[0], s.Addr)
}

// TestFaultTable keeps TESTING.md's fault table honest: every script it
// names exists.
func TestFaultTable(t *testing.T) {
	b, err := os.ReadFile("TESTING.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range regexp.MustCompile("`((?:fault|commit|push|remote)_[a-z_]+)`").FindAllStringSubmatch(string(b), -1) {
		if _, err := os.Stat(filepath.Join("testdata/script", name[1]+".txtar")); err != nil {
			t.Errorf("TESTING.md names %s, which is not a script: %v", name[1], err)
		}
	}
}
