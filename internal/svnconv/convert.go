// Package svnconv turns Subversion revisions into git commits for vcsync
// pull and vcsync init --from-svn: one commit per revision of the
// directory, its tree what `svn export` of the revision gives, its message
// the svn:log verbatim, author and committer the svn:author mapped through
// an authors file, both dates the svn:date. Nothing else goes in, so two
// people who convert the same revision onto the same parent get the same
// commit id, as two git-svn clones of one repository do.
//
// It is a mechanism below the core: the backend reads the remote
// (backends.RevisionReader, bound to a Source), this package writes git
// objects (blobs, trees, commits) and never moves a ref; the core decides
// what to convert and publishes the result. It must not import the core,
// internal/cli, nor exec programs.
package svnconv

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/vcsync/vcsync/backends"
)

// Source reads the remote: a backends.RevisionReader bound to one local
// repository. Paths are relative to the repository's root.
type Source interface {
	Dump(ctx context.Context, from, to int64) ([]byte, error)
	Export(ctx context.Context, path string, rev int64, dir string) error
	Cat(ctx context.Context, path string, rev int64) ([]byte, error)
}

// Converter converts the revisions of one directory.
type Converter struct {
	Store   storer.EncodedObjectStorer // where the objects go: the local repository's
	Source  Source
	Dir     string // the directory's path in the repository ("trunk")
	UUID    string // the repository's, for authors without a mapping
	Authors Authors
	Batch   int // revisions per dump, to bound memory; 0 is 500

	root  *dirNode
	snaps []snap // the directory's tree after each revision converted, oldest first
}

type snap struct {
	rev  int64
	tree plumbing.Hash
}

// Base is where a conversion starts: the revision the commit holds (its
// tree is that revision's content). A zero Commit starts from nothing.
type Base struct {
	Rev    int64
	Commit plumbing.Hash
}

// Meta is what a commit takes from its revision.
type Meta struct {
	Rev    int64
	Author string    // svn:author
	Date   time.Time // svn:date
	Log    string    // svn:log
	Props  map[string]string
}

// Commit is one converted revision.
type Commit struct {
	Meta
	ID plumbing.Hash
}

// Convert converts every revision in base.Rev+1..to that changes the
// directory, each onto the one before, the first onto base.Commit, and
// calls each with each commit, oldest first. It writes objects only.
func (c *Converter) Convert(ctx context.Context, base Base, to int64, each func(Commit) error) error {
	tree := emptyTree
	if !base.Commit.IsZero() {
		cm, err := object.GetCommit(c.Store, base.Commit)
		if err != nil {
			return fmt.Errorf("read %s: %w", base.Commit, err)
		}
		tree = cm.TreeHash
	}
	c.root = &dirNode{tree: tree}
	if tree == emptyTree {
		// git knows the empty tree without storing it; go-git (and a
		// push of these commits) needs the object.
		c.root.tree = plumbing.ZeroHash
		if _, _, err := write(c.Store, c.root); err != nil {
			return err
		}
	}
	c.snaps = []snap{{base.Rev, tree}}
	batch := c.Batch
	if batch <= 0 {
		batch = 500
	}
	parent := base.Commit
	for from := base.Rev + 1; from <= to; from += int64(batch) {
		end := min(from+int64(batch)-1, to)
		dump, err := c.Source.Dump(ctx, from, end)
		if err != nil {
			return err
		}
		recs, err := parseDump(dump)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			if err := ctx.Err(); err != nil {
				return err
			}
			cm, ok, err := c.revision(ctx, rec, parent)
			if err != nil {
				return fmt.Errorf("r%d: %w", rec.rev, err)
			}
			if !ok {
				continue // the revision changes other directories
			}
			parent = cm.ID
			if err := each(cm); err != nil {
				return err
			}
		}
	}
	return nil
}

// revision applies one revision and writes its commit; ok is false when
// the revision does not touch the directory.
func (c *Converter) revision(ctx context.Context, rec *record, parent plumbing.Hash) (Commit, bool, error) {
	touched := false
	for _, n := range rec.nodes {
		p, inside := c.rel(n.path)
		if !inside {
			continue
		}
		touched = true
		if err := c.apply(ctx, rec.rev, p, n); err != nil {
			return Commit{}, false, fmt.Errorf("%s: %w", n.path, err)
		}
	}
	if !touched {
		return Commit{}, false, nil
	}
	tree, _, err := write(c.Store, c.root)
	if err != nil {
		return Commit{}, false, err
	}
	c.snaps = append(c.snaps, snap{rec.rev, tree})
	m := MetaOf(rec.rev, rec.props)
	id, err := c.WriteCommit(m, tree, parent)
	return Commit{Meta: m, ID: id}, true, err
}

// MetaOf reads a revision's properties.
func MetaOf(rev int64, props map[string]string) Meta {
	m := Meta{Rev: rev, Author: props["svn:author"], Log: props["svn:log"], Props: props}
	if d, err := time.Parse(time.RFC3339Nano, props["svn:date"]); err == nil {
		m.Date = d
	} else {
		m.Date = time.Unix(0, 0)
	}
	return m
}

// WriteCommit writes the commit of a revision: tree onto parent (none
// when zero), with the revision's author, date and log and nothing else.
func (c *Converter) WriteCommit(m Meta, tree, parent plumbing.Hash) (plumbing.Hash, error) {
	id := c.Authors.Ident(m.Author, c.UUID)
	sig := object.Signature{Name: id.Name, Email: id.Email, When: m.Date.UTC()}
	msg := m.Log
	if msg != "" && !strings.HasSuffix(msg, "\n") {
		msg += "\n" // git's convention; the text is svn:log's
	}
	cm := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree}
	if !parent.IsZero() {
		cm.ParentHashes = []plumbing.Hash{parent}
	}
	o := c.Store.NewEncodedObject()
	if err := cm.Encode(o); err != nil {
		return plumbing.ZeroHash, err
	}
	return c.Store.SetEncodedObject(o)
}

// rel returns a repository path relative to the directory, and whether it
// is inside it ("" for the directory itself).
func (c *Converter) rel(p string) (string, bool) {
	p = strings.Trim(p, "/")
	if c.Dir == "" {
		return p, true
	}
	if p == c.Dir {
		return "", true
	}
	rest, ok := strings.CutPrefix(p, c.Dir+"/")
	return rest, ok
}

// snapshotAt returns the directory's tree at revision rev, if this
// conversion knows it.
func (c *Converter) snapshotAt(rev int64) (plumbing.Hash, bool) {
	i := sort.Search(len(c.snaps), func(i int) bool { return c.snaps[i].rev > rev })
	if i == 0 {
		return plumbing.ZeroHash, false
	}
	return c.snaps[i-1].tree, true
}

// Bind returns the Source that reads through r for the repository l.
func Bind(r backends.RevisionReader, l backends.Local) Source { return bound{r, l} }

type bound struct {
	r backends.RevisionReader
	l backends.Local
}

func (b bound) Dump(ctx context.Context, from, to int64) ([]byte, error) {
	return b.r.Dump(ctx, b.l, from, to)
}

func (b bound) Export(ctx context.Context, path string, rev int64, dir string) error {
	return b.r.Export(ctx, b.l, path, rev, dir)
}

func (b bound) Cat(ctx context.Context, path string, rev int64) ([]byte, error) {
	return b.r.Cat(ctx, b.l, path, rev)
}
