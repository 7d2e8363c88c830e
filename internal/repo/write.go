package repo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// FileState is what a path will hold in the commit: a blob and its mode, or
// nothing (Deleted).
type FileState struct {
	Path    string
	Hash    plumbing.Hash
	Mode    filemode.FileMode
	Deleted bool
}

// Snapshot writes the working-tree content of paths as blobs and returns
// what each path will hold. Regular files go through git hash-object, which
// applies the repository's filters (eol conversion, LFS) exactly as git add
// does; symlinks are stored as their target, as git stores them.
func (r *Repo) Snapshot(ctx context.Context, paths []string) ([]FileState, error) {
	head, err := r.headTree()
	if err != nil {
		return nil, err
	}
	keepModes := !r.BoolConfig("core", "filemode", true)
	states := make([]FileState, len(paths))
	var regular []int
	for i, p := range paths {
		st := FileState{Path: p}
		fi, err := os.Lstat(filepath.Join(r.Root, filepath.FromSlash(p)))
		switch {
		case errors.Is(err, os.ErrNotExist):
			st.Deleted = true
		case err != nil:
			return nil, err
		case fi.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(filepath.Join(r.Root, filepath.FromSlash(p)))
			if err != nil {
				return nil, err
			}
			if st.Hash, err = r.writeObject(plumbing.BlobObject, []byte(target)); err != nil {
				return nil, err
			}
			st.Mode = filemode.Symlink
		case fi.IsDir():
			return nil, fmt.Errorf("%s is a directory (a submodule or nested repository?); vcsync commits files", p)
		default:
			st.Mode = filemode.Regular
			if fi.Mode()&0o111 != 0 {
				st.Mode = filemode.Executable
			}
			if e, err := head.FindEntry(p); keepModes && err == nil {
				st.Mode = e.Mode // core.fileMode=false: the executable bit is not trusted
			}
			regular = append(regular, i)
		}
		states[i] = st
	}
	return states, r.hashFiles(ctx, states, regular)
}

// hashFiles writes the blobs of the regular files states[i], i in idx, with
// one git hash-object.
func (r *Repo) hashFiles(ctx context.Context, states []FileState, idx []int) error {
	if len(idx) == 0 {
		return nil
	}
	var in strings.Builder
	for _, i := range idx {
		if strings.ContainsAny(states[i].Path, "\n\"\\") {
			return fmt.Errorf("%q: vcsync cannot commit a file whose name holds a newline, quote or backslash", states[i].Path)
		}
		in.WriteString(states[i].Path + "\n")
	}
	out, err := r.Git(ctx, []byte(in.String()), "hash-object", "-w", "--stdin-paths")
	if err != nil {
		return fmt.Errorf("store the files' content: %w", err)
	}
	hashes := strings.Fields(string(out))
	if len(hashes) != len(idx) {
		return fmt.Errorf("git hash-object returned %d ids for %d files", len(hashes), len(idx))
	}
	for k, i := range idx {
		states[i].Hash = plumbing.NewHash(hashes[k])
	}
	return nil
}

// writeObject stores an object with go-git.
func (r *Repo) writeObject(t plumbing.ObjectType, content []byte) (plumbing.Hash, error) {
	return StoreObject(r.git.Storer, t, content)
}

// StoreObject stores an object of type t in s: for the packages that write
// objects of their own (svnconv) as the Repo does.
func StoreObject(s storer.EncodedObjectStorer, t plumbing.ObjectType, content []byte) (plumbing.Hash, error) {
	o := s.NewEncodedObject()
	o.SetType(t)
	w, err := o.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(content); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(o)
}

// WriteTree stores the tree of HEAD with the given paths changed and returns
// its id. Only the trees on the changed paths are read and written, never
// the whole tree: a repository may hold 100,000 files.
func (r *Repo) WriteTree(states []FileState) (plumbing.Hash, error) {
	head, err := r.headTree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return r.treeWith(head, states)
}

// TreeOn stores the tree base with the given paths changed and returns
// its id, reading and writing only the trees on those paths: for commits
// that vcsync pull replays onto others.
func (r *Repo) TreeOn(base plumbing.Hash, states []FileState) (plumbing.Hash, error) {
	t, err := r.git.TreeObject(base)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read tree %s: %w", base, err)
	}
	return r.treeWith(t, states)
}

func (r *Repo) treeWith(t *object.Tree, states []FileState) (plumbing.Hash, error) {
	changes := map[string]*FileState{}
	for i := range states {
		changes[states[i].Path] = &states[i]
	}
	h, _, err := r.writeTree(t, changes)
	return h, err
}

// Storer is the repository's object store, for the packages that read
// and write objects of their own (svnconv). Like the Repo, it is for one
// goroutine at a time.
func (r *Repo) Storer() storer.EncodedObjectStorer { return r.git.Storer }

// writeTree applies changes (paths relative to t) to t, which may be nil
// for a new directory. It reports whether the result is empty, so that an
// emptied directory disappears, as in git.
func (r *Repo) writeTree(t *object.Tree, changes map[string]*FileState) (plumbing.Hash, bool, error) {
	entries := map[string]object.TreeEntry{}
	if t != nil {
		for _, e := range t.Entries {
			entries[e.Name] = e
		}
	}
	sub := map[string]map[string]*FileState{}
	for p, st := range changes {
		dir, rest, nested := strings.Cut(p, "/")
		if !nested {
			if st.Deleted {
				delete(entries, p)
			} else {
				entries[p] = object.TreeEntry{Name: p, Mode: st.Mode, Hash: st.Hash}
			}
			continue
		}
		if sub[dir] == nil {
			sub[dir] = map[string]*FileState{}
		}
		sub[dir][rest] = st
	}
	for dir, ch := range sub {
		var st *object.Tree
		if e, ok := entries[dir]; ok && e.Mode == filemode.Dir {
			var err error
			if st, err = r.git.TreeObject(e.Hash); err != nil {
				return plumbing.ZeroHash, false, fmt.Errorf("read tree %s: %w", dir, err)
			}
		}
		h, empty, err := r.writeTree(st, ch)
		if err != nil {
			return plumbing.ZeroHash, false, err
		}
		if empty {
			delete(entries, dir)
		} else {
			entries[dir] = object.TreeEntry{Name: dir, Mode: filemode.Dir, Hash: h}
		}
	}
	nt := &object.Tree{}
	for _, e := range entries {
		nt.Entries = append(nt.Entries, e)
	}
	SortTree(nt.Entries)
	o := r.git.Storer.NewEncodedObject()
	if err := nt.Encode(o); err != nil {
		return plumbing.ZeroHash, false, err
	}
	h, err := r.git.Storer.SetEncodedObject(o)
	return h, len(nt.Entries) == 0, err
}

// SortTree puts entries in git's order, where a directory sorts as if its
// name ended in "/".
func SortTree(es []object.TreeEntry) {
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(es, func(i, j int) bool { return key(es[i]) < key(es[j]) })
}

// WriteCommit stores a commit object and returns its id.
func (r *Repo) WriteCommit(c *object.Commit) (plumbing.Hash, error) {
	o := r.git.Storer.NewEncodedObject()
	if err := c.Encode(o); err != nil {
		return plumbing.ZeroHash, err
	}
	return r.git.Storer.SetEncodedObject(o)
}

// BoolConfig reads a boolean key of the repository's configuration
// (.git/config), as git spells booleans; def when it is unset or not a
// boolean.
func (r *Repo) BoolConfig(section, key string, def bool) bool {
	if v, ok := r.BoolConfigSet(section, key); ok {
		return v
	}
	return def
}

// BoolConfigSet reads a boolean key of .git/config; ok is false when it is
// unset or not a boolean, so that the caller can look elsewhere.
func (r *Repo) BoolConfigSet(section, key string) (v, ok bool) {
	c, err := r.git.Config()
	if err != nil {
		return false, false
	}
	switch strings.ToLower(c.Raw.Section(section).Option(key)) {
	case "true", "yes", "on", "1":
		return true, true
	case "false", "no", "off", "0":
		return false, true
	}
	return false, false
}

// Blob returns a blob's content.
func (r *Repo) Blob(h plumbing.Hash) ([]byte, error) { return r.blob(h) }

// WriteBlob stores content as a blob and returns its id.
func (r *Repo) WriteBlob(content []byte) (plumbing.Hash, error) {
	return r.writeObject(plumbing.BlobObject, content)
}
