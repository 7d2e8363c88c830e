package svn

import (
	"strconv"
	"strings"
	"testing"

	"github.com/vcsync/vcsync/backends"
)

// TestChanges pushes every kind of change, one commit at a time, and checks
// the directory against the commit's tree after each (svn export against
// git archive), and the properties and history svn keeps.
func TestChanges(t *testing.T) {
	w := newWorld(t)
	r := remote(w.trunk)
	steps := []struct {
		msg   string
		files map[string]string
		check func(t *testing.T)
	}{
		{"Add files, a script, a link, binary and odd names.", map[string]string{
			"a.txt": "alpha\n", "dir/b.txt": "beta\n", "dir/sub/c.txt": "gamma\n",
			"script.sh*": "#!/bin/sh\necho hi\n", "link": "->a.txt", "bin.dat": "\x00\x01\x02binary\xff",
			"sp ace%20#?@.txt": "odd\n", "ünï/çödé.txt": "utf-8\n", "^/caret": "caret\n",
		}, func(t *testing.T) {
			wantProp(t, w.trunk+"/script.sh", "svn:executable", "*")
			wantProp(t, w.trunk+"/link", "svn:special", "*")
			wantProp(t, w.trunk+"/bin.dat", "svn:mime-type", "application/octet-stream")
			wantProp(t, w.trunk+"/a.txt", "svn:executable", "")
			if got := svn(t, "cat", "--", w.trunk+"/link"); got != "link a.txt" {
				t.Errorf("svn cat link = %q, want %q", got, "link a.txt")
			}
		}},
		{"Edit, chmod, retarget, delete, rename.", map[string]string{
			"a.txt": "alpha 2\n", "script.sh": "#!/bin/sh\necho hi\n", "bin.dat*": "\x00\x01\x02binary\xff",
			"link": "->dir", "dir/sub/c.txt": "", "dir/b.txt": "", "moved/b.txt": "beta\n",
		}, func(t *testing.T) {
			wantProp(t, w.trunk+"/script.sh", "svn:executable", "")
			wantProp(t, w.trunk+"/bin.dat", "svn:executable", "*")
			wantCopied(t, w.trunk, "/trunk/moved/b.txt", "/trunk/dir/b.txt")
		}},
		{"Replace a link by a file, a file by a directory; rename a directory.", map[string]string{
			"link": "now a file\n", "a.txt": "", "a.txt/inner": "inside\n",
			"moved/b.txt": "", "renamed/b.txt": "beta\n",
		}, func(t *testing.T) {
			wantProp(t, w.trunk+"/link", "svn:special", "")
			wantCopied(t, w.trunk, "/trunk/renamed", "/trunk/moved")
		}},
		{"Remove nearly everything.", map[string]string{
			"a.txt/inner": "", "renamed/b.txt": "", "script.sh": "", "bin.dat": "", "link": "",
			"sp ace%20#?@.txt": "", "ünï/çödé.txt": "", "^/caret": "",
		}, nil},
	}
	w.write(t, map[string]string{"keep.txt": "kept\n"})
	for i, s := range steps {
		w.write(t, s.files)
		head := w.commit(t, s.msg)
		w.mustPush(t, r, head, backends.StatusOK)
		w.wantTree(t, head)
		if got := count(t, w.trunk); got != i+1 {
			t.Fatalf("after step %d: %d revisions of vcsync's, want %d", i+1, got, i+1)
		}
		if got := svn(t, "log", "-r", "HEAD", "--", w.trunk); !strings.Contains(got, s.msg) {
			t.Errorf("step %d: the log message is not the commit's:\n%s", i+1, got)
		}
		if s.check != nil {
			s.check(t)
		}
	}
	author := svn(t, "propget", "--revprop", "-r", "HEAD", propAuthor, "--", w.repo)
	if author != "Test User <test@example.org>" {
		t.Errorf("%s = %q", propAuthor, author)
	}
	if date := svn(t, "propget", "--revprop", "-r", "HEAD", propDate, "--", w.repo); !strings.Contains(date, "T") {
		t.Errorf("%s = %q, want an RFC 3339 date", propDate, date)
	}
}

// wantProp checks a node property: "" means unset.
func wantProp(t *testing.T, url, name, want string) {
	t.Helper()
	got := ""
	for _, line := range strings.Split(svn(t, "proplist", "-v", "--", url), "\n") {
		if strings.TrimSpace(line) == name {
			got = "set"
		} else if got == "set" {
			got = strings.TrimSpace(line)
			break
		}
	}
	if got != want {
		t.Errorf("%s: %s = %q, want %q", url, name, got, want)
	}
}

// wantCopied checks that the youngest revision added path as a copy of from.
func wantCopied(t *testing.T, url, path, from string) {
	t.Helper()
	log := svn(t, "log", "-v", "-r", "HEAD", "--", url)
	if !strings.Contains(log, "A "+path+" (from "+from+":") {
		t.Errorf("r HEAD does not copy %s to %s:\n%s", from, path, log)
	}
}

// TestFirstPushOneRevision: the first push to an empty directory is one
// revision of the tree, with the last commit's message; with history=true,
// one revision per commit.
func TestFirstPushOneRevision(t *testing.T) {
	for _, history := range []bool{false, true} {
		t.Run("history="+strconv.FormatBool(history), func(t *testing.T) {
			w := newWorld(t)
			for i := range 3 {
				w.write(t, map[string]string{"f" + strconv.Itoa(i): "x\n"})
				w.commit(t, "Commit "+strconv.Itoa(i))
			}
			head := testHead(t, w)
			r := remote(w.trunk)
			want := 1
			if history {
				r, want = remote(w.trunk, "history=true"), 3
			}
			w.mustPush(t, r, head, backends.StatusOK)
			w.wantTree(t, head)
			if got := count(t, w.trunk); got != want {
				t.Fatalf("%d revisions, want %d", got, want)
			}
			if got := svn(t, "log", "-r", "HEAD", "--", w.trunk); !strings.Contains(got, "Commit 2") {
				t.Errorf("the last revision's message:\n%s", got)
			}
		})
	}
}

func testHead(t *testing.T, w *world) string {
	t.Helper()
	return gitOut(t, w, "rev-parse", "HEAD")
}
