package kit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vcsync/vcsync/backends"
)

func TestCheckURL(t *testing.T) {
	schemes := []string{"file", "ssh"}
	for _, tc := range []struct {
		url, want string // want: a part of the error, "" for none
	}{
		{"", "no url"},
		{"-oProxyCommand=touch x", "begins with '-'"},
		{"ssh://-oProxyCommand=x/repo", "the host begins with '-'"},
		{"git://host/repo", `unsupported scheme "git" (known: file, ssh, or a path)`},
		{"ssh://me:s3cret@host/repo", `url "ssh://me:***@host/repo" holds a password: HINT`},
		{"ssh://me@host/repo", ""},
		{"relative/path", ""},
		{"/abs/path", ""},
	} {
		err := CheckURL(tc.url, schemes, "HINT")
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("CheckURL(%q) = %v, want nil", tc.url, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("CheckURL(%q) = %v, want an error with %q", tc.url, err, tc.want)
		case err != nil && strings.Contains(err.Error(), "s3cret"):
			t.Errorf("CheckURL(%q) = %v: shows the password", tc.url, err)
		}
	}
}

func TestTargetAndLocalRepo(t *testing.T) {
	if got := Target("sub/b", "/root"); got != "/root/sub/b" {
		t.Errorf("Target(relative) = %q", got)
	}
	for _, u := range []string{"ssh://h/r", "/abs", "lp:proj"} {
		if got := Target(u, "/root", "lp:"); got != u {
			t.Errorf("Target(%q) = %q, want it unchanged", u, got)
		}
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.MkdirAll(filepath.Join(dir, "repo", ".hg"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "plain"), 0o755); err != nil {
		t.Fatal(err)
	}
	for u, want := range map[string]string{
		"repo":          "",
		"missing":       "", // like a server that is down
		"plain":         filepath.Join(dir, "plain"),
		"ssh://h/plain": "",
	} {
		if got := LocalRepo(u, ".hg"); got != want {
			t.Errorf("LocalRepo(%q) = %q, want %q", u, got, want)
		}
	}
}

func TestNames(t *testing.T) {
	if got := EnvName("my-svn.2"); got != "MY_SVN_2" {
		t.Errorf("EnvName = %q", got)
	}
	if got := Short(strings.Repeat("a", 40)); got != strings.Repeat("a", 12) {
		t.Errorf("Short = %q", got)
	}
	if got := Short(""); got != "" {
		t.Errorf(`Short("") = %q, want ""`, got)
	}
	if err := RefuseOption("command", "-x"); err == nil || !strings.Contains(err.Error(), `command "-x" begins with '-'`) {
		t.Errorf("RefuseOption = %v", err)
	}
}

func TestClassify(t *testing.T) {
	rules := []Rule{{Text: "diverged", Class: backends.Rejected}}
	http := func(msg string) (backends.Class, bool) {
		return backends.Auth, strings.Contains(msg, "401")
	}
	for _, tc := range []struct {
		err  error
		want backends.Class
	}{
		{fmt.Errorf("push: %w", context.Canceled), backends.Fatal},
		{fmt.Errorf("push: %w", context.DeadlineExceeded), backends.Transient},
		{errors.New("branches have diverged"), backends.Rejected},
		{errors.New("ssh: Connection refused"), backends.Fatal}, // not in rules
		{errors.New("HTTP Error 401"), backends.Auth},
		{errors.New("something new"), backends.Fatal},
	} {
		if got := Classify(tc.err, rules, http); got != tc.want {
			t.Errorf("Classify(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	if got := Classify(errors.New("ssh: Connection refused"), SSHRules); got != backends.Transient {
		t.Errorf("Classify with SSHRules = %v, want Transient", got)
	}
}

func TestBase(t *testing.T) {
	b := Base{Remote: backends.Remote{Name: "origin"}, Classify: func(error) backends.Class { return backends.Transient },
		Brief: func(error) error { return errors.New("brief") }}
	err := b.Fail(errors.New("long traceback"), "brz push")
	if backends.ClassOf(err) != backends.Transient || err.Error() != "remote origin: brz push: brief" {
		t.Errorf("Fail = %v (class %v)", err, backends.ClassOf(err))
	}
	if again := b.Fail(err, "other"); again != err {
		t.Errorf("Fail of a classified error = %v, want it unchanged", again)
	}
	if err := b.Errorf(backends.Rejected, "diverged at %s", "x"); err.Error() != "remote origin: diverged at x" || backends.ClassOf(err) != backends.Rejected {
		t.Errorf("Errorf = %v", err)
	}
	if _, err := Valid(nil, errors.New("bad")); err == nil {
		t.Error("Valid ignored the error")
	}
}
