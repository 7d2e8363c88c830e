package svnconv

import (
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/vcsync/vcsync/internal/repo"
)

// An entry is a node of the directory being converted: a directory, or a
// file as git holds it (its blob and mode) with what svn stores for it.
type entry struct {
	dir   *dirNode
	blob  plumbing.Hash
	mode  filemode.FileMode // Regular, Executable or Symlink
	props map[string]string // the svn properties that decide what git holds
	raw   []byte            // svn's stored content when it is not derivable from blob (svn:eol-style); nil otherwise
}

// A dirNode is a directory, read from its git tree only when a change
// reaches into it: the subtrees a revision does not touch are never read.
type dirNode struct {
	tree    plumbing.Hash     // the git tree it holds; zero once changed
	entries map[string]*entry // nil until read
}

// props is what decides a file's git mode.
const (
	propExec    = "svn:executable"
	propSpecial = "svn:special"
	propEOL     = "svn:eol-style"
)

// emptyTree is git's id of the empty tree: what an empty directory, which
// git cannot hold, is written as.
var emptyTree = plumbing.NewHash("4b825dc642cb6eb9a060e54bf8d69288fbee4904")

// fromGit is the entry of a git tree entry; ok is false for what svn does
// not hold (a submodule).
func fromGit(e object.TreeEntry) (*entry, bool) {
	switch e.Mode {
	case filemode.Dir:
		return &entry{dir: &dirNode{tree: e.Hash}}, true
	case filemode.Regular, filemode.Deprecated:
		return &entry{blob: e.Hash, mode: filemode.Regular, props: map[string]string{}}, true
	case filemode.Executable:
		return &entry{blob: e.Hash, mode: e.Mode, props: map[string]string{propExec: "*"}}, true
	case filemode.Symlink:
		return &entry{blob: e.Hash, mode: e.Mode, props: map[string]string{propSpecial: "*"}}, true
	}
	return nil, false
}

// load reads d's entries from its tree, once.
func (d *dirNode) load(s storer.EncodedObjectStorer) error {
	if d.entries != nil {
		return nil
	}
	d.entries = map[string]*entry{}
	if d.tree.IsZero() || d.tree == emptyTree {
		return nil
	}
	t, err := object.GetTree(s, d.tree)
	if err != nil {
		return fmt.Errorf("read tree %s: %w", d.tree, err)
	}
	for _, te := range t.Entries {
		if e, ok := fromGit(te); ok {
			d.entries[te.Name] = e
		}
	}
	return nil
}

// walk returns the directory holding p (a slash-separated path relative
// to root) and p's last element, marking every directory on the way as
// changed when change is set. Missing directories are made when make is
// set (git does not hold svn's empty directories, so a change may reach
// into one we never saw); otherwise a missing one gives a nil directory.
func walk(s storer.EncodedObjectStorer, root *dirNode, p string, change bool) (*dirNode, string, error) {
	d := root
	parts := strings.Split(p, "/")
	for _, name := range parts[:len(parts)-1] {
		if err := d.load(s); err != nil {
			return nil, "", err
		}
		if change {
			d.tree = plumbing.ZeroHash
		}
		e := d.entries[name]
		if e == nil || e.dir == nil {
			if !change {
				return nil, "", nil
			}
			e = &entry{dir: &dirNode{entries: map[string]*entry{}}}
			d.entries[name] = e
		}
		d = e.dir
	}
	if err := d.load(s); err != nil {
		return nil, "", err
	}
	if change {
		d.tree = plumbing.ZeroHash
	}
	return d, parts[len(parts)-1], nil
}

// write stores the trees of the changed directories under d, bottom up,
// and returns d's; empty reports a directory git cannot hold.
func write(s storer.EncodedObjectStorer, d *dirNode) (h plumbing.Hash, empty bool, err error) {
	if !d.tree.IsZero() {
		return d.tree, d.tree == emptyTree, nil
	}
	t := &object.Tree{}
	for name, e := range d.entries {
		if e.dir == nil {
			t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: e.mode, Hash: e.blob})
			continue
		}
		h, empty, err := write(s, e.dir)
		if err != nil {
			return plumbing.ZeroHash, false, err
		}
		if !empty {
			t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
		}
	}
	repo.SortTree(t.Entries)
	o := s.NewEncodedObject()
	if err := t.Encode(o); err != nil {
		return plumbing.ZeroHash, false, err
	}
	// Stored even when empty: a commit of an empty directory refers to it.
	if d.tree, err = s.SetEncodedObject(o); err != nil {
		return plumbing.ZeroHash, false, err
	}
	return d.tree, d.tree == emptyTree, nil
}

// writeBlob stores content as a blob.
func writeBlob(s storer.EncodedObjectStorer, content []byte) (plumbing.Hash, error) {
	return repo.StoreObject(s, plumbing.BlobObject, content)
}
