package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const module = "github.com/vcsync/vcsync"

// An env is what a benchmark's setup works with: a scratch directory of its
// own, the vcsync binary under test, and a sealed environment for every
// program it runs.
type env struct {
	ctx     context.Context
	root    string   // scratch root, removed at the end; holds bin/, home/ and one directory per bench
	dir     string   // this bench's own directory under root
	vcsync  string   // the binary built from the current tree
	environ []string // sealed: no user or system git config, C locale
	full    bool     // -full: the sizes of DESIGN.md, not the smaller defaults that keep make bench short
}

// newEnv makes the scratch root and builds vcsync into it from the module
// that holds the current directory (`make bench` runs from its root).
func newEnv(ctx context.Context) (*env, error) {
	src, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	root, err := os.MkdirTemp("", "vcsync-bench-")
	if err != nil {
		return nil, err
	}
	e := &env{ctx: ctx, root: root, dir: root, vcsync: filepath.Join(root, "bin", "vcsync")}
	home := filepath.Join(root, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		os.RemoveAll(root)
		return nil, err
	}
	e.environ = sealed(home)
	goCmd := os.Getenv("GO") // the Makefile passes its $(GO)
	if goCmd == "" {
		goCmd = "go"
	}
	fmt.Fprintln(os.Stderr, "bench: building vcsync")
	// The build keeps the caller's environment: GOPATH, GOCACHE and the
	// toolchain live under the real HOME.
	build := exec.CommandContext(ctx, goCmd, "build", "-o", e.vcsync, "./cmd/vcsync")
	build.Dir = src
	if _, err := output(build); err != nil {
		os.RemoveAll(root)
		return nil, err
	}
	return e, nil
}

// sub returns an env whose dir is a new directory named name under root.
func (e *env) sub(name string) (*env, error) {
	dir := filepath.Join(e.root, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	s := *e
	s.dir = dir
	return &s, nil
}

// moduleRoot walks up from the current directory to vcsync's go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(data), "module "+module+"\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run me inside the vcsync module (make bench does)")
		}
		dir = parent
	}
}

// sealed is the caller's environment minus anything that steers git, with
// HOME and XDG_CONFIG_HOME moved to home, so that neither the user's nor the
// system's git config (pager, hooks, fsmonitor, signing) skews a run.
func sealed(home string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") || strings.HasPrefix(k, "LC_") || strings.HasPrefix(k, "XDG_") ||
			k == "HOME" || k == "LANG" || k == "LANGUAGE" || k == "EMAIL" {
			continue
		}
		out = append(out, kv)
	}
	return append(out,
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"GIT_CONFIG_NOSYSTEM=1",
		"LC_ALL=C",
	)
}

// command returns name args... to run in dir (relative to e.dir) with the
// sealed environment.
func (e *env) command(dir, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(e.ctx, name, args...)
	cmd.Dir = filepath.Join(e.dir, dir)
	cmd.Env = e.environ
	return cmd
}

// git runs a setup step: git args... in dir, returning its stdout.
func (e *env) git(dir string, args ...string) (string, error) {
	return output(e.command(dir, "git", args...))
}

// output runs cmd and returns its stdout, or an error that shows the command
// and its stderr.
func output(cmd *exec.Cmd) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", cmdError(cmd, err, &stderr)
	}
	return stdout.String(), nil
}

// timed returns a side's run function: it runs the command made by mk, which
// must succeed, with stdout drained into io.Discard (both sides alike, so
// that neither is timed writing to a terminal or a file).
func timed(mk func() *exec.Cmd) func() (sample, error) {
	return func() (sample, error) {
		cmd := mk()
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start)
		if err != nil {
			return sample{}, cmdError(cmd, err, &stderr)
		}
		s := sample{wall: wall}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			s.maxRSS = ru.Maxrss
		}
		return s, nil
	}
}

func cmdError(cmd *exec.Cmd, err error, stderr *bytes.Buffer) error {
	msg := strings.TrimSpace(stderr.String())
	if msg != "" {
		msg = "\n\t" + strings.ReplaceAll(msg, "\n", "\n\t")
	}
	return fmt.Errorf("%s (in %s): %w%s", strings.Join(cmd.Args, " "), cmd.Dir, err, msg)
}
