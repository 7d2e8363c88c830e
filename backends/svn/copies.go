package svn

import (
	"fmt"
	"path"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// emptyBlob is the id of the empty file: many unrelated empty files are
// not renames of one another.
var emptyBlob = plumbing.ComputeHash(plumbing.BlobObject, nil)

// emitAdds writes the actions of the added nodes. A node whose content and
// mode equal those of a deleted one is a rename (git mv): it is copied from
// the deleted path, so that svn log and blame follow it, as `svn mv` would
// have recorded it. Anything else is made anew: mkdir, put.
func (d *differ) emitAdds() error {
	if len(d.adds) == 0 {
		return nil
	}
	d.index = map[string]string{}
	for _, g := range d.gone {
		if err := d.indexGone(g.path, g.entry); err != nil {
			return err
		}
	}
	for _, a := range d.adds {
		if err := d.emitAdd(a.path, a.entry); err != nil {
			return err
		}
	}
	return nil
}

// copyKey is what a copy must preserve: the content and, for svn's
// properties, the kind and the executable bit.
func copyKey(e object.TreeEntry) string {
	m := e.Mode
	if m == filemode.Deprecated {
		m = filemode.Regular
	}
	return m.String() + e.Hash.String()
}

// indexGone records a deleted node, and each node under it, as a source
// that an added node may be copied from.
func (d *differ) indexGone(p string, e object.TreeEntry) error {
	switch kindOf(e.Mode) {
	case kindNone:
		return nil
	case kindFile, kindLink:
		if e.Hash == emptyBlob {
			return nil
		}
	case kindDir:
		t, err := object.GetTree(d.s, e.Hash)
		if err != nil {
			return fmt.Errorf("tree %s: %w", p, err)
		}
		for _, c := range t.Entries {
			if err := d.indexGone(path.Join(p, c.Name), c); err != nil {
				return err
			}
		}
	}
	if _, ok := d.index[copyKey(e)]; !ok {
		d.index[copyKey(e)] = p
	}
	return nil
}

// emitAdd writes the actions that add the node e at p.
func (d *differ) emitAdd(p string, e object.TreeEntry) error {
	k := copyKey(e)
	if src, ok := d.index[k]; ok {
		delete(d.index, k) // one rename per deleted node; a second one is a new file
		d.ed.rest = append(d.ed.rest, op{verb: "cp", path: p, from: src})
		return nil
	}
	switch kindOf(e.Mode) {
	case kindDir:
		d.ed.rest = append(d.ed.rest, op{verb: "mkdir", path: p})
		t, err := object.GetTree(d.s, e.Hash)
		if err != nil {
			return fmt.Errorf("tree %s: %w", p, err)
		}
		for _, c := range t.Entries {
			if kindOf(c.Mode) == kindNone {
				continue
			}
			if err := d.emitAdd(path.Join(p, c.Name), c); err != nil {
				return err
			}
		}
	case kindFile, kindLink:
		d.ed.rest = append(d.ed.rest, op{verb: "put", path: p, blob: e.Hash, mode: e.Mode, added: true})
	}
	return nil
}
