package svn

import (
	"fmt"
	"path"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// An op is one svnmucc action on a path of the directory.
type op struct {
	verb  string // "rm", "mkdir", "cp", "put", "propset", "propdel"
	path  string // relative to the directory
	from  string // cp: the source, at the baseline revision
	blob  plumbing.Hash
	mode  filemode.FileMode // put: the git mode of blob
	added bool              // put: a new node, whose properties follow from mode
	prop  string            // propset, propdel
}

// An edit is the svnmucc actions that turn one tree into another. The
// deletions go first, so that a path removed and added again (a file that
// becomes a directory, a rename into a deleted path) is replaced.
type edit struct {
	rms  []op
	rest []op
}

func (e *edit) empty() bool { return len(e.rms) == 0 && len(e.rest) == 0 }

// ops returns every action, in order.
func (e *edit) ops() []op { return append(append([]op(nil), e.rms...), e.rest...) }

// kind is what a git tree entry is to svn.
type kind int

const (
	kindNone kind = iota // absent, or a submodule, which svn cannot hold
	kindDir
	kindFile // regular or executable: svn:executable tells them apart
	kindLink // svn:special, content "link TARGET"
)

func kindOf(m filemode.FileMode) kind {
	switch m {
	case filemode.Dir:
		return kindDir
	case filemode.Regular, filemode.Deprecated, filemode.Executable:
		return kindFile
	case filemode.Symlink:
		return kindLink
	}
	return kindNone
}

// differ computes the edit between two trees.
type differ struct {
	s     storer.EncodedObjectStorer
	ed    edit
	adds  []entryAt // added nodes, whole: a new directory is one entry
	gone  []entryAt // deleted nodes, whole: sources for copies
	index map[string]string
}

type entryAt struct {
	path  string
	entry object.TreeEntry
}

// diffTrees returns the edit that turns from into to; from nil is the
// empty tree. Equal subtrees are skipped by hash, without reading them.
func diffTrees(s storer.EncodedObjectStorer, from, to *object.Tree) (*edit, error) {
	d := &differ{s: s}
	var fromEntries []object.TreeEntry
	if from != nil {
		fromEntries = from.Entries
	}
	if err := d.entries("", fromEntries, to.Entries); err != nil {
		return nil, err
	}
	if err := d.emitAdds(); err != nil {
		return nil, err
	}
	return &d.ed, nil
}

// entries diffs the entries of two versions of the directory dir.
func (d *differ) entries(dir string, from, to []object.TreeEntry) error {
	old := make(map[string]object.TreeEntry, len(from))
	for _, e := range from {
		old[e.Name] = e
	}
	for _, e := range to {
		o, ok := old[e.Name]
		delete(old, e.Name)
		p := path.Join(dir, e.Name)
		if !ok {
			d.add(p, e)
			continue
		}
		if err := d.change(p, o, e); err != nil {
			return err
		}
	}
	for _, e := range from { // the deleted ones, in tree order
		if _, ok := old[e.Name]; ok {
			d.remove(path.Join(dir, e.Name), e)
		}
	}
	return nil
}

// change diffs two versions a and b of the node at p.
func (d *differ) change(p string, a, b object.TreeEntry) error {
	if a.Hash == b.Hash && a.Mode == b.Mode {
		return nil
	}
	ka, kb := kindOf(a.Mode), kindOf(b.Mode)
	switch {
	case ka != kb: // replaced: svn cannot turn a file into a link or a directory
		d.remove(p, a)
		d.add(p, b)
	case ka == kindDir:
		ta, err := object.GetTree(d.s, a.Hash)
		if err != nil {
			return fmt.Errorf("tree %s: %w", p, err)
		}
		tb, err := object.GetTree(d.s, b.Hash)
		if err != nil {
			return fmt.Errorf("tree %s: %w", p, err)
		}
		return d.entries(p, ta.Entries, tb.Entries)
	case ka == kindNone: // a submodule: nothing in svn
	default:
		if a.Hash != b.Hash {
			d.ed.rest = append(d.ed.rest, op{verb: "put", path: p, blob: b.Hash, mode: b.Mode})
		}
		if ex := b.Mode == filemode.Executable; ka == kindFile && ex != (a.Mode == filemode.Executable) {
			verb := "propdel"
			if ex {
				verb = "propset"
			}
			d.ed.rest = append(d.ed.rest, op{verb: verb, path: p, prop: "svn:executable"})
		}
	}
	return nil
}

// add records a node that to has and from has not.
func (d *differ) add(p string, e object.TreeEntry) {
	if kindOf(e.Mode) != kindNone {
		d.adds = append(d.adds, entryAt{p, e})
	}
}

// remove deletes a node that from has and to has not.
func (d *differ) remove(p string, e object.TreeEntry) {
	if kindOf(e.Mode) == kindNone {
		return
	}
	d.ed.rms = append(d.ed.rms, op{verb: "rm", path: p})
	d.gone = append(d.gone, entryAt{p, e})
}
