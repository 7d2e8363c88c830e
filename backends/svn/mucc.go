package svn

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// committed matches svnmucc's report: "r42 committed by jane at 2026-...".
var committed = regexp.MustCompile(`(?m)^r(\d+) committed`)

// commit makes one revision of ed for the git commit cm, against the
// baseline revision base, and returns its number. tmp is the push's
// scratch directory.
//
// The actions go in a file (svnmucc -X) rather than argv, whose size is
// bounded: a first push may put every file of the tree. Each file's
// content is a temporary file: svnmucc reads at most one from stdin, and
// stdin carries the password.
func (c *client) commit(ctx context.Context, s storer.EncodedObjectStorer, tmp string, base int64, cm *object.Commit, ed *edit) (int64, error) {
	rev, err := c.commitOnce(ctx, s, tmp, base, cm, ed)
	if err != nil && strings.Contains(err.Error(), "E160020") {
		// "Path already exists": svn has empty directories, which git
		// cannot hold, so a directory new to git may be there already.
		// Without those mkdirs, once; anything else is someone's change.
		if pruned, ok := c.withoutEmptyDirs(ctx, base, ed); ok {
			return c.commitOnce(ctx, s, tmp, base, cm, pruned)
		}
	}
	return rev, err
}

// withoutEmptyDirs returns ed without the mkdirs of directories that are
// there, empty, at revision base; ok is false when there is none.
func (c *client) withoutEmptyDirs(ctx context.Context, base int64, ed *edit) (*edit, bool) {
	out := &edit{rms: ed.rms}
	for _, o := range ed.rest {
		if o.verb == "mkdir" {
			list, err := c.read(ctx, "list "+o.path, "svn", "list", "--", c.url(o.path)+"@"+strconv.FormatInt(base, 10))
			if err == nil && strings.TrimSpace(string(list)) == "" {
				continue
			}
		}
		out.rest = append(out.rest, o)
	}
	return out, len(out.rest) < len(ed.rest)
}

// commitOnce makes the revision of ed.
func (c *client) commitOnce(ctx context.Context, s storer.EncodedObjectStorer, tmp string, base int64, cm *object.Commit, ed *edit) (int64, error) {
	dir, err := os.MkdirTemp(tmp, "r")
	if err != nil {
		return 0, c.b.errorf(backends.Fatal, "%v", err)
	}
	defer os.RemoveAll(dir) // the next revision's files take the space
	args, err := c.actions(s, dir, base, ed)
	if err != nil {
		return 0, c.b.errorf(backends.Fatal, "commit %s: %v", short(cm.Hash.String()), err)
	}
	actionFile := filepath.Join(dir, "actions")
	msgFile := filepath.Join(dir, "message")
	if err := os.WriteFile(actionFile, []byte(args), 0o600); err != nil {
		return 0, c.b.errorf(backends.Fatal, "%v", err)
	}
	if err := os.WriteFile(msgFile, []byte(message(cm.Message)), 0o600); err != nil {
		return 0, c.b.errorf(backends.Fatal, "%v", err)
	}
	author := clean(fmt.Sprintf("%s <%s>", cm.Author.Name, cm.Author.Email))
	what := "commit " + short(cm.Hash.String())
	// The note names the URL, which the actions file holds: a dry run
	// prints one such line per revision.
	note := fmt.Sprintf("%s onto r%d of %s", what, base, c.b.url)
	out, err := c.exec(ctx, run.Cmd{Name: "svnmucc", Note: note}, what, []string{
		"-r", strconv.FormatInt(base, 10), "-F", msgFile,
		"--with-revprop", propCommit + "=" + cm.Hash.String(),
		"--with-revprop", propAuthor + "=" + author,
		"--with-revprop", propDate + "=" + cm.Author.When.Format(time.RFC3339),
		"-X", actionFile})
	if err != nil {
		return 0, err
	}
	if c.runner.Dry() {
		return c.dryRevision(ctx)
	}
	m := committed.FindSubmatch(out)
	if m == nil {
		return 0, c.b.errorf(backends.Fatal, "commit %s: svnmucc did not say which revision it made: %q", short(cm.Hash.String()), out)
	}
	return strconv.ParseInt(string(m[1]), 10, 64)
}

// dryRevision is, in a dry run, the revision that the commit just printed
// would make if no one else committed first: the repository's youngest
// (which other directories' revisions, a tag's, move on) plus one for each
// printed so far.
func (c *client) dryRevision(ctx context.Context) (int64, error) {
	if c.dryNext == 0 {
		out, err := c.read(ctx, "read the repository's youngest revision", "svn", "info", "--show-item", "revision", "--", c.pegged("HEAD"))
		if err != nil {
			return 0, err
		}
		if c.dryNext, err = strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64); err != nil {
			return 0, c.b.errorf(backends.Fatal, "svn info: unexpected output %q", out)
		}
	}
	c.dryNext++
	return c.dryNext, nil
}

// actions returns svnmucc's actions for ed, one argument a line, writing
// the content of each put into dir.
func (c *client) actions(s storer.EncodedObjectStorer, dir string, base int64, ed *edit) (string, error) {
	var b strings.Builder
	line := func(args ...string) {
		for _, a := range args {
			b.WriteString(a + "\n")
		}
	}
	for i, o := range ed.ops() {
		u := c.url(o.path)
		switch o.verb {
		case "rm", "mkdir":
			line(o.verb, u)
		case "cp":
			line("cp", strconv.FormatInt(base, 10), c.url(o.from), u)
		case "propset":
			line("propset", o.prop, "*", u)
		case "propdel":
			line("propdel", o.prop, u)
		case "put":
			file := filepath.Join(dir, strconv.Itoa(i))
			binary, err := writeBlob(s, o, file)
			if err != nil {
				return "", fmt.Errorf("%s: %w", o.path, err)
			}
			line("put", file, u)
			if !o.added {
				break
			}
			switch {
			case o.mode == filemode.Symlink:
				line("propset", "svn:special", "*", u)
			case o.mode == filemode.Executable:
				line("propset", "svn:executable", "*", u)
			}
			if binary && o.mode != filemode.Symlink {
				// As `svn add` marks a binary file: svn then neither
				// diffs nor merges it as text.
				line("propset", "svn:mime-type", "application/octet-stream", u)
			}
		}
	}
	return b.String(), nil
}

// sniffLen is how much of a file git reads to tell binary from text.
const sniffLen = 8000

// writeBlob writes the content of o's blob into file, as svn holds it: a
// symbolic link's is "link TARGET". It reports whether the content is
// binary: a NUL byte in its first 8000 bytes, git's own test.
func writeBlob(s storer.EncodedObjectStorer, o op, file string) (binary bool, err error) {
	blob, err := object.GetBlob(s, o.blob)
	if err != nil {
		return false, err
	}
	r, err := blob.Reader()
	if err != nil {
		return false, err
	}
	defer r.Close()
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return false, err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if o.mode == filemode.Symlink {
		if _, err := io.WriteString(f, "link "); err != nil {
			return false, err
		}
	}
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return false, err
	}
	if _, err := f.Write(head[:n]); err != nil {
		return false, err
	}
	if _, err := io.Copy(f, r); err != nil {
		return false, err
	}
	return bytes.IndexByte(head[:n], 0) >= 0, nil
}

// message is a git commit message as an svn log message: svn accepts only
// LF line ends and UTF-8, and shows no trailing newline.
func message(msg string) string {
	return clean(strings.TrimRight(strings.ReplaceAll(msg, "\r\n", "\n"), "\n"))
}

// clean makes s valid UTF-8, which svn requires and git does not (a commit
// may declare another encoding).
func clean(s string) string {
	return strings.ToValidUTF8(s, "\uFFFD")
}

// short abbreviates a commit id for messages.
func short(id string) string { return id[:min(len(id), 12)] }
