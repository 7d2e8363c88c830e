package svn

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/testserver"
)

func TestNew(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want string // "" for a URL that is accepted; else a part of the error
	}{
		{"file:///srv/svn/proj/trunk", ""},
		{"file:///srv/svn/proj/trunk/", ""},
		{"svn://svn.example.org/proj/trunk", ""},
		{"svn+ssh://jane@svn.example.org/proj/trunk", ""},
		{"https://svn.example.org/repos/proj/trunk", ""},
		{"http://127.0.0.1:8080/svn/trunk", ""},
		{"", "no url"},
		{"-r1", "begins with '-'"},
		{"svn+ssh://-oProxyCommand=touch/trunk", "begins with '-'"},
		{"svn+ssh://-oProxyCommand@host/trunk", "begins with '-'"},
		{"git://example.org/x.git", "unsupported scheme"},
		{"svn+foo://host/trunk", "unsupported scheme"},
		{"/srv/svn/trunk", "unsupported scheme"},
		{"file://otherhost/srv/svn", "local path"},
		{"svn:///trunk", "no host"},
		{"https://host/trunk?p=1", "no query"},
		{"svn://alice:s3cret@host/trunk", `url "svn://alice:***@host/trunk" holds a password: set VCSYNC_SVN_USERNAME`},
	} {
		_, err := New(backends.Remote{Name: "svn", Kind: "svn", URL: tc.url})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("New(%q): %v", tc.url, err)
		case err != nil && strings.Contains(err.Error(), "s3cret"):
			t.Errorf("New(%q): the error shows the password: %v", tc.url, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("New(%q) = %v, want an error with %q", tc.url, err, tc.want)
		case err != nil && backends.ClassOf(err) != backends.Fatal:
			t.Errorf("New(%q): class %v, want fatal", tc.url, backends.ClassOf(err))
		}
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		stderr string
		want   backends.Class
	}{
		{"svn: E170013: Unable to connect to a repository at URL 'svn://h/r'\nsvn: E000111: Can't connect to host 'h': Connection refused", backends.Transient},
		{"svn: E170013: Unable to connect to a repository at URL 'svn://h/r'\nsvn: E170001: Authentication error from server: Password incorrect", backends.Auth},
		{"svn: E170013: Unable to connect to a repository at URL 'https://h/r'\nsvn: E215004: No more credentials or we tried too many times.\nAuthentication failed", backends.Auth},
		{"svn: E170013: Unable to connect to a repository at URL 'svn://h/nope'\nsvn: E210005: No repository found in 'svn://h/nope'", backends.Fatal},
		{"svnmucc: E160028: File '/trunk/f' is out of date", backends.Rejected},
		{"svn: E160024: resource out of date; try updating", backends.Rejected},
		{"svnmucc: E165001: Commit blocked by pre-commit hook (exit code 1) with output:\nno", backends.Fatal},
		{"svn: E170013: Unable to connect to a repository at URL 'svn+ssh://h/r'\nsvn: E210002: To better debug SSH connection problems, remove the -q option from 'ssh' in the [tunnels] section of your Subversion configuration file.\nsvn: E210002: Network connection closed unexpectedly\njane@h: Permission denied (publickey).", backends.Auth},
		{"svn: E170013: Unable to connect to a repository at URL 'svn+ssh://h/r'\nsvn: E210002: Network connection closed unexpectedly", backends.Transient},
		{"svn: E200009: something new", backends.Fatal},
	} {
		if got := classifyStderr(tc.stderr); got != tc.want {
			t.Errorf("classify(%q) = %v, want %v", tc.stderr, got, tc.want)
		}
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"a/b.txt":          "a/b.txt",
		"sp ace%#?@.txt":   "sp%20ace%25%23%3F%40.txt",
		"ünï":              "%C3%BCn%C3%AF",
		"^/caret":          "%5E/caret",
		"new\nline":        "new%0Aline",
		"keep-_.~!$&'()*+": "keep-_.~!$&'()*+",
	} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPasswordHidden: the password goes to svn on stdin, and no error
// repeats it, refused or not.
func TestPasswordHidden(t *testing.T) {
	w := newWorld(t)
	root := t.TempDir()
	testserver.SvnRepo(t, filepath.Join(root, "repo"))
	base := testserver.Svnserve(t, root, "alice", "s3cret")
	w.write(t, map[string]string{"f": "f\n"})
	head := w.commit(t, "F.")
	t.Setenv("VCSYNC_SVN_USERNAME", "alice")
	t.Setenv("VCSYNC_SVN_PASSWORD", "wr0ng-Pa55")
	_, err := w.push(t, remote(base+"/repo/trunk"), backends.Range{To: head})
	if backends.ClassOf(err) != backends.Auth {
		t.Fatalf("wrong password: %v (class %v), want auth", err, backends.ClassOf(err))
	}
	// "Password incorrect": svn got it (on stdin: never in argv, which
	// every user of the machine can read), and the server refused it.
	if strings.Contains(err.Error(), "wr0ng-Pa55") || !strings.Contains(err.Error(), "Password incorrect") {
		t.Fatalf("the error shows the password, or it did not reach the server: %v", err)
	}
	t.Setenv("VCSYNC_SVN_PASSWORD", "s3cret")
	b, err := New(remote(base + "/repo/trunk"))
	if err != nil {
		t.Fatal(err)
	}
	var argv strings.Builder // every command line, as -v shows them
	l := backends.Local{Root: w.git, Branch: "main", Runner: &run.Runner{Verbose: &argv}}
	if _, err := b.Push(t.Context(), l, backends.Range{To: head}); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if strings.Contains(argv.String(), "s3cret") || !strings.Contains(argv.String(), "--password-from-stdin") {
		t.Fatalf("the password is in argv, or not given on stdin:\n%s", argv.String())
	}
}

// TestCheckMissing: Check names a missing svn, before any commit is made.
func TestCheckMissing(t *testing.T) {
	b, err := New(backends.Remote{Name: "svn", Kind: "svn", URL: "svn://svn.example.org/trunk"})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	err = b.Check(t.Context(), backends.Local{})
	if err == nil || !strings.Contains(err.Error(), "svn is not installed") {
		t.Fatalf("Check without svn on PATH: %v", err)
	}
}

// TestDivergedSaysWhatToDo: someone else committed to the directory after
// vcsync: rejected, and the error says how to bring their revision in:
// vcsync pull.
func TestDivergedSaysWhatToDo(t *testing.T) {
	w := newWorld(t)
	w.write(t, map[string]string{"a": "a\n"})
	first := w.commit(t, "A.")
	w.mustPush(t, remote(w.trunk), first, backends.StatusOK)
	diverge(t, w.trunk)
	w.write(t, map[string]string{"b": "b\n"})
	next := w.commit(t, "B.")
	_, err := w.push(t, remote(w.trunk), backends.Range{To: next})
	want := "was committed by someone else after vcsync's r2 (" + kit.Short(first) + "); vcsync never forces. " +
		"Run vcsync pull: it makes their revisions commits and puts yours on top; then push again"
	if backends.ClassOf(err) != backends.Rejected || err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("push after their commit: %v (class %v); want rejected, saying %q", err, backends.ClassOf(err), want)
	}
}
