// Package testserver gives tests real servers to push to: git daemon, sshd,
// git http-backend over HTTPS and svnserve, on 127.0.0.1 only, each stopped by
// t.Cleanup (which runs even after t.Fatal), plus the sealed environment and
// the plain-git helpers that the tests around them need.
//
// DESIGN.md asks for real components, never mocks of a VCS: a backend is only
// proven by pushing to the server its users push to. Like cmd/go's vcweb,
// every program runs in an environment sealed from the developer's own git
// and ssh configuration. Ports are never fixed: each server gets a free one.
//
// It is for tests and for make bench (P5 uses its proxy). Like internal/run
// it imports os/exec, which is allowed here because no vcsync binary links
// it; it must not import the core (package vcsync) nor any backend.
package testserver

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Require skips the test when a program it needs is not on PATH (a name with
// a slash, such as /usr/sbin/sshd, is checked as a path). In CI (CI=true) it
// fails instead, as restic's internal/test/vars.go does: a test silently
// skipped in CI proves nothing, so a missing program must be installed by
// .ci/run.
func Require(t testing.TB, programs ...string) {
	t.Helper()
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			SkipOrFail(t, "%s is not installed (CI must install it in .ci/run)", p)
		}
	}
}

// SkipOrFail skips the test, for a reason that a developer's machine may
// have (a program missing or of another version, no /proc, no corpus). In
// CI (CI=true), where every test must run, it fails the test instead: a
// skip there would hide that the test proves nothing.
func SkipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if InCI() {
		t.Fatalf("skipped in CI, which must run every test: "+format, args...)
		return
	}
	t.Skipf(format, args...)
}

// InCI reports whether the tests run in CI (CI=true, as CI services set it).
func InCI() bool { return strings.EqualFold(os.Getenv("CI"), "true") }

// Env seals the environment of the test, and of every program it starts,
// from the developer's own configuration, and returns the fresh HOME. It
// uses t.Setenv, so the test must not be parallel.
//
// A developer's ~/.gitconfig (a commit template, signing, a credential
// helper, url.insteadOf) would otherwise change what the tests see, an
// exported GIT_AUTHOR_NAME would be the author of every commit, and a
// running ssh-agent would offer keys that the tests do not control.
func Env(t testing.TB) string {
	t.Helper()
	home := t.TempDir()
	for _, kv := range sealedVars(home) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	for _, k := range callerEnv {
		unsetenv(t, k)
	}
	config := "[user]\n\tname = Test User\n\temail = test@example.org\n" +
		"[init]\n\tdefaultBranch = main\n" +
		// A background `git gc` races the test's cleanup of its temporary directory.
		"[gc]\n\tauto = 0\n"
	writeFile(t, filepath.Join(home, ".gitconfig"), config, 0o644)
	return home
}

// sealedVars are the variables Env sets, for a HOME of home.
func sealedVars(home string) []string {
	return []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"), // the trust store
		"GIT_CONFIG_NOSYSTEM=1",
		"LC_ALL=C",              // we match programs' messages
		"TZ=UTC",                // dates in messages and revision properties
		"GIT_TERMINAL_PROMPT=0", // a missing credential fails instead of hanging on a prompt
	}
}

// Environ returns this process's environment sealed as Env seals a test's,
// with home as HOME: for the programs of a testscript script, which has no
// testing.TB, and the servers it starts.
func Environ(home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(callerEnv, k) {
			env = append(env, kv)
		}
	}
	return append(env, sealedVars(home)...) // the last of a name wins
}

// callerEnv are the variables of the caller's environment that Env
// clears, so that the test sees what its sealed HOME says and nothing else.
var callerEnv = []string{
	// A hook or a parent git process may have exported these; any of them
	// would point every git command of the test at the wrong repository.
	"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR",
	// GIT_CONFIG_* would add configuration past the sealed files.
	"GIT_CONFIG", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS",
	"GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSL_CAINFO", "GIT_ASKPASS", "SSH_ASKPASS",
	"SSH_KNOWN_HOSTS", "SSH_AUTH_SOCK",
	// Many people export their identity: it would win over the sealed
	// user.name, and show up in commits and svn's vcsync:author.
	"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE",
	"GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_COMMITTER_DATE",
	// An editor started by a test would wait for a human.
	"EDITOR", "VISUAL", "GIT_EDITOR", "GIT_SEQUENCE_EDITOR",
	// Locale and colours: LC_ALL=C wins over LANG and LC_*, but a program
	// may still read LANGUAGE; NO_COLOR changes vcsync's own output.
	"LANG", "LANGUAGE", "NO_COLOR",
}

// unsetenv unsets k for the rest of the test: t.Setenv records the old
// value, to be restored by its cleanup, before os.Unsetenv removes it.
func unsetenv(t testing.TB, k string) {
	t.Helper()
	t.Setenv(k, "")
	os.Unsetenv(k)
}

// Git runs git in dir and returns its trimmed stdout. It fails the test with
// the command line and git's output if git fails.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("cd %s && git %s: %v\n%s%s", dir, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

// BareRepo makes an empty bare repository at dir and returns dir.
func BareRepo(t testing.TB, dir string) string {
	t.Helper()
	Git(t, ".", "init", "--bare", "-q", dir)
	// A forced push must be refused by our own code, never by the server:
	// the server accepts one, so that a backend that forces is caught.
	Git(t, dir, "config", "receive.denyNonFastForwards", "false")
	return dir
}

// execPath returns the directory of git's own programs (git --exec-path),
// where git-daemon and git-http-backend live.
func execPath(t testing.TB) string {
	t.Helper()
	Require(t, "git")
	return Git(t, ".", "--exec-path")
}

// FreePort returns a TCP port on 127.0.0.1 where nothing listens: the
// port of a server about to start (which may still lose a race for it, so
// the servers here retry once), or of a remote that cannot be reached, for
// a Fixture's Unreachable.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// writeFile writes a file or fails the test.
func writeFile(t testing.TB, name, content string, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
}

// itoa is strconv.Itoa, for building arguments and URLs.
func itoa(i int) string { return strconv.Itoa(i) }
