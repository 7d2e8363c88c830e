package svnconv

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// exported reads the node at path at rev with svn export, into an entry
// whose directories are new (written with the revision's tree).
func (c *Converter) exported(ctx context.Context, path string, rev int64) (*entry, error) {
	tmp, err := os.MkdirTemp("", "vcsync-svnconv-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "x")
	if err := c.Source.Export(ctx, path, rev, dir); err != nil {
		return nil, err
	}
	return c.fromDisk(dir)
}

// fromDisk stores the file or directory at p as git objects, the way
// svn export wrote it.
func (c *Converter) fromDisk(p string) (*entry, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		if err != nil {
			return nil, err
		}
		h, err := writeBlob(c.Store, []byte(target))
		return &entry{blob: h, mode: filemode.Symlink, props: map[string]string{propSpecial: "*"}}, err
	case fi.IsDir():
		d := &dirNode{entries: map[string]*entry{}}
		des, err := os.ReadDir(p)
		if err != nil {
			return nil, err
		}
		for _, de := range des {
			if strings.EqualFold(de.Name(), ".git") {
				return nil, fmt.Errorf("%s: a path named .git: git cannot hold it", filepath.Join(p, de.Name()))
			}
			e, err := c.fromDisk(filepath.Join(p, de.Name()))
			if err != nil {
				return nil, err
			}
			d.entries[de.Name()] = e
		}
		return &entry{dir: d}, nil
	case fi.Mode().IsRegular():
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		e := &entry{mode: filemode.Regular, props: map[string]string{}}
		if fi.Mode()&0o100 != 0 {
			e.mode, e.props[propExec] = filemode.Executable, "*"
		}
		e.blob, err = writeBlob(c.Store, b)
		return e, err
	}
	return nil, fmt.Errorf("%s: svn export wrote neither a file, a link nor a directory", p)
}

// Snapshot returns the tree of the directory at rev, read with svn export:
// where init --since starts.
func (c *Converter) Snapshot(ctx context.Context, rev int64) (plumbing.Hash, error) {
	e, err := c.exported(ctx, c.Dir, rev)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if e.dir == nil {
		return plumbing.ZeroHash, fmt.Errorf("%s at r%d is a file, not a directory", c.Dir, rev)
	}
	h, _, err := write(c.Store, e.dir)
	return h, err
}
