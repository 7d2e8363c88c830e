package svnconv

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/vcsync/vcsync/internal/repo"
)

// apply applies one node of revision rev to the directory; p is its path
// relative to the directory.
func (c *Converter) apply(ctx context.Context, rev int64, p string, n *node) error {
	if p == "" {
		// The directory's own properties (svn:ignore, svn:mergeinfo):
		// nothing git holds. Deleting it ends what can be converted.
		if n.action == "delete" || n.action == "replace" {
			return fmt.Errorf("the revision %ss the directory itself: vcsync cannot follow it", n.action)
		}
		return nil
	}
	for _, part := range strings.Split(p, "/") {
		if strings.EqualFold(part, ".git") {
			// git refuses such a path (read-cache.c: verify_path): in a
			// working tree it would be the repository itself.
			return fmt.Errorf("a path named .git: git cannot hold it")
		}
	}
	switch n.action {
	case "delete":
		return c.remove(p)
	case "replace":
		if err := c.remove(p); err != nil {
			return err
		}
		return c.add(ctx, rev, p, n)
	case "add":
		return c.add(ctx, rev, p, n)
	case "change":
		return c.change(ctx, rev, p, n)
	}
	return fmt.Errorf("unknown Node-action %q", n.action)
}

// remove deletes p. A path we do not hold is an empty directory git never
// had: nothing to do.
func (c *Converter) remove(p string) error {
	d, name, err := walk(c.Store, c.root, p, true)
	if err != nil {
		return err
	}
	delete(d.entries, name)
	return nil
}

// add adds p: a copy, a new directory or a new file.
func (c *Converter) add(ctx context.Context, rev int64, p string, n *node) error {
	var e *entry
	switch {
	case n.copyPath != "":
		var err error
		if e, err = c.copied(ctx, n.copyPath, n.copyRev); err != nil {
			return err
		}
	case n.kind == "dir":
		e = &entry{dir: &dirNode{entries: map[string]*entry{}}}
	default:
		e = &entry{mode: filemode.Regular, props: map[string]string{}}
		if err := c.set(e, nil); err != nil {
			return err
		}
	}
	d, name, err := walk(c.Store, c.root, p, true)
	if err != nil {
		return err
	}
	d.entries[name] = e
	if e.dir != nil {
		return nil
	}
	return c.file(ctx, rev, p, e, n)
}

// change applies property and text changes to p.
func (c *Converter) change(ctx context.Context, rev int64, p string, n *node) error {
	d, name, err := walk(c.Store, c.root, p, true)
	if err != nil {
		return err
	}
	e := d.entries[name]
	switch {
	case e == nil && n.kind == "dir":
		d.entries[name] = &entry{dir: &dirNode{entries: map[string]*entry{}}}
		return nil
	case e == nil: // never seen: read it whole
		e = &entry{mode: filemode.Regular, props: map[string]string{}}
		d.entries[name] = e
		return c.whole(ctx, rev, p, e, n)
	case e.dir != nil:
		return nil // a directory's properties
	}
	return c.file(ctx, rev, p, e, n)
}

// file applies a node's properties and text to the file e.
func (c *Converter) file(ctx context.Context, rev int64, p string, e *entry, n *node) error {
	if n.props == nil && !n.hasText {
		return nil
	}
	raw, err := c.raw(e)
	if err != nil {
		return err
	}
	if n.props != nil {
		if !n.propDelta {
			e.props = map[string]string{}
		}
		for _, k := range []string{propExec, propSpecial, propEOL} {
			if v, ok := n.props[k]; ok {
				e.props[k] = v
			}
		}
		for _, k := range n.deleted {
			delete(e.props, k)
		}
	}
	if !n.hasText {
		return c.set(e, raw)
	}
	content := n.text
	if n.textDelta {
		if n.baseMD5 != "" && sum(raw) != n.baseMD5 {
			return c.whole(ctx, rev, p, e, n) // not the base svn meant
		}
		if content, err = applyDelta(raw, n.text); errors.Is(err, errDelta) {
			return c.whole(ctx, rev, p, e, n)
		} else if err != nil {
			return err
		}
	}
	if n.md5 != "" && sum(content) != n.md5 {
		return c.whole(ctx, rev, p, e, n)
	}
	return c.set(e, content)
}

// whole reads the file's content at rev with svn cat, for what the dump
// cannot give.
func (c *Converter) whole(ctx context.Context, rev int64, p string, e *entry, n *node) error {
	path := p
	if c.Dir != "" {
		path = c.Dir + "/" + p
	}
	content, err := c.Source.Cat(ctx, path, rev)
	if err != nil {
		return err
	}
	if n.md5 != "" && sum(content) != n.md5 {
		return fmt.Errorf("svn cat gives content whose MD5 is not the dump's %s", n.md5)
	}
	return c.set(e, content)
}

func sum(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// raw returns what svn stores for the file e: its blob, "link TARGET" for
// a symbolic link, or what eol translation changed.
func (c *Converter) raw(e *entry) ([]byte, error) {
	if e.raw != nil || e.blob.IsZero() {
		return e.raw, nil
	}
	b, err := repo.ReadBlob(c.Store, e.blob)
	if err != nil {
		return nil, err
	}
	if e.mode == filemode.Symlink {
		return append([]byte("link "), b...), nil
	}
	return b, nil
}

// set makes e hold raw, svn's stored content, as svn export writes it
// under e's properties: a symbolic link, an executable, the line ends
// svn:eol-style asks for.
func (c *Converter) set(e *entry, raw []byte) error {
	out := raw
	e.raw = nil
	_, special := e.props[propSpecial]
	switch {
	case special && bytes.HasPrefix(raw, []byte("link ")):
		e.mode, out = filemode.Symlink, raw[len("link "):]
	default:
		e.mode = filemode.Regular
		if _, ok := e.props[propExec]; ok {
			e.mode = filemode.Executable
		}
		out = eol(raw, e.props[propEOL])
		if !bytes.Equal(out, raw) {
			e.raw = raw
		}
	}
	h, err := writeBlob(c.Store, out)
	e.blob = h
	return err
}

// eol translates line ends as svn export does for svn:eol-style (native
// is LF: vcsync exports with --native-eol LF, so that every machine
// converts alike).
func eol(b []byte, style string) []byte {
	var nl []byte
	switch style {
	case "native", "LF":
		nl = []byte("\n")
	case "CRLF":
		nl = []byte("\r\n")
	case "CR":
		nl = []byte("\r")
	default:
		return b
	}
	if !bytes.ContainsRune(b, '\r') && string(nl) == "\n" {
		return b
	}
	var out bytes.Buffer
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n':
			i++
			out.Write(nl)
		case b[i] == '\r' || b[i] == '\n':
			out.Write(nl)
		default:
			out.WriteByte(b[i])
		}
	}
	return out.Bytes()
}

// copied returns the node at path (relative to the repository's root) as
// it was at rev: from a tree this conversion made when it can, else from
// svn export.
func (c *Converter) copied(ctx context.Context, path string, rev int64) (*entry, error) {
	if p, inside := c.rel(path); inside {
		if tree, ok := c.snapshotAt(rev); ok {
			if p == "" {
				return &entry{dir: &dirNode{tree: tree}}, nil
			}
			t, err := object.GetTree(c.Store, tree)
			if err != nil {
				return nil, err
			}
			if te, err := t.FindEntry(p); err == nil {
				if e, ok := fromGit(*te); ok {
					return e, nil
				}
			}
		}
	}
	return c.exported(ctx, path, rev)
}
