package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vcsync/vcsync/backends"
)

func files(t *testing.T, shared, local string) []File {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return []File{{Name: ".vcsync", Path: write("shared", shared)}, {Name: ".git/config", Path: write("local", local)}}
}

func TestLoadMerge(t *testing.T) {
	c, err := Load(files(t, `
[vcsync]
	jobs = 8
	primary = svn
	timeout = 30s
[vcsync "svn"]
	backend = svn
	url = svn+ssh://svn.example.org/repos/proj/trunk
[vcsync "github"]
	url = git@github.com:me/proj.git
	branch = main
`, `
[core]
	bare = false
[remote "origin"]
	url = /elsewhere
[vcsync]
	jobs = 2
[vcsync "github"]
	branch = trunk
`)...)
	if err != nil {
		t.Fatal(err)
	}
	want := []backends.Remote{
		{Name: "svn", Kind: "svn", URL: "svn+ssh://svn.example.org/repos/proj/trunk", Options: map[string]string{"backend": "svn", "url": "svn+ssh://svn.example.org/repos/proj/trunk"}},
		{Name: "github", Kind: "git", URL: "git@github.com:me/proj.git", Branch: "trunk", Options: map[string]string{"url": "git@github.com:me/proj.git", "branch": "trunk"}},
	}
	if diff := cmp.Diff(want, c.Remotes); diff != "" {
		t.Errorf("remotes (-want +got):\n%s", diff)
	}
	if c.Jobs != 2 || c.Primary != "svn" || c.Timeout != 30*time.Second || c.FromGit || !c.CoAuthorTrailers {
		t.Errorf("jobs, primary, timeout, fromGit, coAuthorTrailers = %d, %q, %v, %v, %v", c.Jobs, c.Primary, c.Timeout, c.FromGit, c.CoAuthorTrailers)
	}
}

func TestLoadGitRemotes(t *testing.T) {
	c, err := Load(files(t, "", `
[remote "origin"]
	url = https://example.org/a.git
[remote "mirror"]
	url = /srv/git/a.git
	pushurl = ssh://example.org/a.git
`)...)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range c.Remotes {
		got = append(got, r.Name+" "+r.Kind+" "+r.URL)
	}
	want := []string{"origin git https://example.org/a.git", "mirror git ssh://example.org/a.git"}
	if diff := cmp.Diff(want, got); diff != "" || !c.FromGit {
		t.Errorf("remotes (-want +got):\n%s (fromGit %v)", diff, c.FromGit)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct{ shared, local, want string }{
		{"[vcsync]\n\tjobz = 3\n", "", `.vcsync:2: [vcsync] unknown key "jobz" (known: jobs,`},
		{"[vcsync]\n\tjobs = many\n", "", `.vcsync:2: [vcsync] jobs = "many": expected a whole number`},
		{"", "[vcsync]\n\tjobs = 0\n", `.git/config:2: [vcsync] jobs = "0"`},
		{"", "[vcsync]\n\ttimeout = soon\n", `expected a duration`},
		{"", "[vcsync]\n\thookMirror = maybe\n", `expected true or false`},
		{"[vcsync \"svn\"]\n\turll = x\n", "", `.vcsync:2: [vcsync "svn"] unknown key "urll" (known: backend, url,`},
		{"[vcsync \"svn\"]\n\tbackend = svn\n", "", `.vcsync:2: [vcsync "svn"] has no url`},
		{"[vcsync \"s\"]\n\tbackend = svn\n\turl = file:///r\n", "[vcsync \"s\"]\n\thistory = maybe\n", `.git/config:2: [vcsync "s"] history = "maybe": expected true or false`},
		{"[vcsync \"g\"]\n\turl = /a\n\tfollowTags = often\n", "", `.vcsync:3: [vcsync "g"] followtags = "often": expected true or false`},
		{"[vcsync \"x\"]\n\turl = -oProxyCommand=evil\n", "", `starts with '-': refused`},
		{"", "[vcsync]\n\tfollowTags = often\n", `.git/config:2: [vcsync] followTags = "often": expected true or false`},
		// A stranger's tags directory stays in the remote's repository.
		{"[vcsync \"s\"]\n\turl = file:///r/trunk\n\ttags = ../../other\n", "", `.vcsync:3: [vcsync "s"] tags = "../../other": expected a directory of the same repository`},
		{"[vcsync \"s\"]\n\turl = file:///r/trunk\n\ttags = svn://evil.example/r\n", "", `expected a directory of the same repository`},
		{"[vcsync \"s\"]\n\turl = file:///r/trunk\n\ttags = /abs\n", "", `expected a directory of the same repository`},
		{"[vcsync \"s\"]\n\turl = file:///r/trunk\n\ttags = ^/\n", "", `expected a directory of the same repository`},
		{"[vcsync \"-x\"]\n\turl = /a\n", "", `a remote name is letters`},
		{"[vcsync]\n\tprimary = nope\n[vcsync \"a\"]\n\turl = /a\n", "", `primary = "nope" names no configured remote; set it to one of: a, or remove it`},
		{"[vcsync\n", "", `.vcsync:1:8: `},
		// The line of the last value, as it is the one that counts; a
		// key in another section, or in a comment, is not it.
		{"[core]\n\tjobs = 1\n# jobs = x\n[vcsync]\n\tjobs = 2\n\tJobs = none\n", "", `.vcsync:6: [vcsync] Jobs = "none"`},
		{"[vcsync \"a\"]\n\turl = /a\n[vcsync \"-b\"]\n\turl = /b\n", "", `.vcsync:3: [vcsync "-b"]: a remote name`},
	}
	for _, tt := range tests {
		_, err := Load(files(t, tt.shared, tt.local)...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%q, %q) = %v, want an error containing %q", tt.shared, tt.local, err, tt.want)
		}
	}
}

// TestTagsOptions: a tags directory beside the url's, or from the
// repository's root, and the global followTags.
func TestTagsOptions(t *testing.T) {
	c, err := Load(files(t, "[vcsync]\n\tfollowTags\n[vcsync \"s\"]\n\turl = file:///r/p/trunk\n\ttags = releases\n[vcsync \"t\"]\n\turl = file:///r/q/trunk\n\ttags = ^/tags/q\n", "")...)
	if err != nil {
		t.Fatal(err)
	}
	if !c.FollowTags || c.Remotes[0].Options["tags"] != "releases" || c.Remotes[1].Options["tags"] != "^/tags/q" {
		t.Errorf("followTags %v, tags %q %q", c.FollowTags, c.Remotes[0].Options["tags"], c.Remotes[1].Options["tags"])
	}
}

// TestBoolOptions: a remote's boolean keys are read as git spells booleans
// (a bare key is true) and handed to the backend as "true" or "false".
func TestBoolOptions(t *testing.T) {
	c, err := Load(files(t, "[vcsync \"s\"]\n\tbackend = svn\n\turl = file:///r\n\thistory\n[vcsync \"g\"]\n\turl = /a\n\tfollowTags = yes\n", "[vcsync \"s\"]\n\tfollowtags = off\n")...)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]string{}
	for _, r := range c.Remotes {
		got[r.Name] = map[string]string{"history": r.Options["history"], "followtags": r.Options["followtags"]}
	}
	want := map[string]map[string]string{"s": {"history": "true", "followtags": "false"}, "g": {"history": "", "followtags": "true"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
}

// TestSharedRemotes: a committed .vcsync cannot add git remotes to the
// zero-configuration targets; only the repository's own config does.
func TestSharedRemotes(t *testing.T) {
	fs := files(t, "[remote \"evil\"]\n\turl = https://evil.example/x.git\n", "[remote \"origin\"]\n\turl = /elsewhere\n")
	fs[0].Shared = true
	c, err := Load(fs...)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Remotes) != 1 || c.Remotes[0].Name != "origin" || !c.FromGit {
		t.Errorf("remotes = %+v; want origin only", c.Remotes)
	}
}

// TestSharedNotRegular: a committed .vcsync that is a symlink (to
// /dev/zero, say) is an error at once, not a read without end.
func TestSharedNotRegular(t *testing.T) {
	p := filepath.Join(t.TempDir(), ".vcsync")
	if err := os.Symlink("/dev/zero", p); err != nil {
		t.Fatal(err)
	}
	_, err := Load(File{Name: ".vcsync", Path: p, Shared: true})
	if err == nil || !strings.Contains(err.Error(), ".vcsync: ") || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("Load(symlink) = %v", err)
	}
	big := filepath.Join(t.TempDir(), ".vcsync")
	if err := os.WriteFile(big, make([]byte, MaxShared+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(File{Name: ".vcsync", Path: big, Shared: true}); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("Load(too large) = %v", err)
	}
}
