package svn

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/vcsync/vcsync/backends"
)

// compare exports the directory at revision rev and compares it with tree:
// the same paths, kinds, contents, executable bits and link targets. It
// returns the first difference, "" if there is none. A directory that svn
// has empty is none: git cannot hold it (a later push that adds a file
// there finds it made already).
func (b *backend) compare(ctx context.Context, c *client, s storer.EncodedObjectStorer, rev int64, tree *object.Tree) (string, error) {
	tmp, err := os.MkdirTemp("", "vcsync-svn-since-")
	if err != nil {
		return "", b.errorf(backends.Fatal, "%v", err)
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "export")
	if err := c.export(ctx, rev, dir); err != nil {
		return "", err
	}
	want := map[string]object.TreeEntry{}
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", b.errorf(backends.Fatal, "read tree: %v", err)
		}
		if kindOf(e.Mode) != kindNone {
			want[name] = e
		}
	}
	var diff string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		e, ok := want[rel]
		if !ok && d.IsDir() && emptyDir(p) {
			return fs.SkipDir // git cannot hold an empty directory: no difference
		}
		if !ok {
			diff = rel + " is in svn, not in the commit"
			return fs.SkipAll
		}
		delete(want, rel)
		if diff, err = same(s, p, d, e); diff != "" {
			diff = rel + ": " + diff
			return fs.SkipAll
		}
		return err
	})
	if err != nil {
		return "", b.errorf(backends.Fatal, "compare with r%d: %v", rev, err)
	}
	if diff == "" && len(want) > 0 {
		var missing []string
		for p := range want {
			missing = append(missing, p)
		}
		sort.Strings(missing)
		diff = missing[0] + " is in the commit, not in svn"
	}
	return diff, nil
}

// same compares the exported file p with the tree entry e, and returns
// how they differ, "" if they do not.
func same(s storer.EncodedObjectStorer, p string, d fs.DirEntry, e object.TreeEntry) (string, error) {
	switch kindOf(e.Mode) {
	case kindDir:
		if !d.IsDir() {
			return "a directory in the commit, not in svn", nil
		}
		return "", nil
	case kindLink:
		if d.Type()&fs.ModeSymlink == 0 {
			return "a symbolic link in the commit, not in svn", nil
		}
		target, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if plumbing.ComputeHash(plumbing.BlobObject, []byte(target)) != e.Hash {
			return "the link's target differs", nil
		}
		return "", nil
	}
	if !d.Type().IsRegular() {
		return "a file in the commit, not in svn", nil
	}
	info, err := d.Info()
	if err != nil {
		return "", err
	}
	if exec := info.Mode()&0o100 != 0; exec != (e.Mode == filemode.Executable) {
		return "the executable bit differs", nil
	}
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := plumbing.NewHasher(plumbing.BlobObject, info.Size())
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	if h.Sum() != e.Hash {
		return "the content differs", nil
	}
	return "", nil
}

// emptyDir reports whether the directory p holds nothing but empty
// directories.
func emptyDir(p string) bool {
	empty := true
	filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			empty = false
			return fs.SkipAll
		}
		return nil
	})
	return empty
}
