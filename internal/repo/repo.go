// Package repo is the local git repository as vcsync sees it: the working
// tree's root, file content at HEAD and in the working tree, and the
// ChangeLogs the working tree modifies.
//
// It reads objects and refs with go-git. It must not exec programs (that is
// internal/run's job) nor know about ChangeLog formats beyond their names.
package repo

import (
	"bytes"
	"cmp"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/vcsync/vcsync/internal/run"
)

// Repo is an open repository with a working tree. It is not safe for use
// by several goroutines at once: go-git's repository and storage objects are
// not documented as safe.
type Repo struct {
	git    *git.Repository
	Root   string      // the working tree's root, absolute, symlinks resolved
	Runner *run.Runner // runs git where vcsync uses it (see Git); nil runs quietly

	// HEAD and its tree, read once: a Repo serves one command, and every
	// step of it must see the same HEAD (Publish then moves HEAD only if
	// it is still there).
	headRef *plumbing.Reference
	headTr  *object.Tree
}

// Errors callers tell apart.
var (
	ErrNotRepository = errors.New("not a git repository (nor any parent directory); run vcsync inside a git working tree, or name one with -C DIR")
	ErrUnbornHead    = errors.New("HEAD has no commit yet, so there is nothing to diff the ChangeLog against; make the first commit with git, then use vcsync")
)

// Open finds the repository that holds dir, looking upward as git does, and
// opens it, linked worktrees included.
func Open(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return nil, err
	}
	g, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, ErrNotRepository
	}
	if err != nil {
		// go-git refuses some repository extensions (worktreeConfig, ...):
		// say so rather than risk a wrong commit.
		return nil, fmt.Errorf("cannot open the repository at %s: %w (vcsync reads repositories with go-git, which does not support this one)", abs, err)
	}
	wt, err := g.Worktree()
	if err != nil {
		return nil, fmt.Errorf("%s: a bare repository has no working tree; run vcsync in a working tree", abs)
	}
	root, err := filepath.EvalSymlinks(wt.Filesystem.Root())
	if err != nil {
		return nil, err
	}
	return &Repo{git: g, Root: root}, nil
}

// Rel turns a command-line path (relative to cwd, or absolute) into a
// slash-separated path relative to the root.
func (r *Repo) Rel(cwd, p string) (string, error) {
	if !filepath.IsAbs(p) {
		p = filepath.Join(cwd, p)
	}
	// The root has its symlinks resolved, so the path must have too; a
	// directory that does not exist is taken as written.
	dir, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		dir = filepath.Clean(filepath.Dir(p))
	}
	rel, err := filepath.Rel(r.Root, filepath.Join(dir, filepath.Base(p)))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is outside the repository at %s", p, r.Root)
	}
	return filepath.ToSlash(rel), nil
}

// resolveHead reads HEAD once.
func (r *Repo) resolveHead() (*plumbing.Reference, error) {
	if r.headRef != nil {
		return r.headRef, nil
	}
	ref, err := r.git.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, ErrUnbornHead
	}
	if err != nil {
		return nil, fmt.Errorf("read HEAD: %w", err)
	}
	r.headRef = ref
	return ref, nil
}

// headTree is the tree of the commit HEAD points to.
func (r *Repo) headTree() (*object.Tree, error) {
	if r.headTr != nil {
		return r.headTr, nil
	}
	ref, err := r.resolveHead()
	if err != nil {
		return nil, err
	}
	c, err := r.git.CommitObject(ref.Hash())
	if err != nil {
		return nil, fmt.Errorf("read HEAD commit %s: %w", ref.Hash(), err)
	}
	r.headTr, err = c.Tree()
	return r.headTr, err
}

// HeadFile returns the content of p at HEAD, or nil if HEAD does not have it.
//
// wt is p's content in the working tree, or nil. A ChangeLog change is nearly
// always an entry added at the top (or the end): when wt ends (or starts)
// with a run of bytes whose git blob id is the HEAD blob's, that run is the
// HEAD content, proven by its id, and the blob is never read. Inflating a
// 5 MB blob with go-git costs several times what the whole rest of vcsync
// message does (P1 in DESIGN.md); hashing the run costs a few milliseconds.
func (r *Repo) HeadFile(p string, wt []byte) ([]byte, error) {
	t, err := r.headTree()
	if err != nil {
		return nil, err
	}
	e, err := t.FindEntry(p)
	if errors.Is(err, object.ErrEntryNotFound) || errors.Is(err, object.ErrDirectoryNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s at HEAD: %w", p, err)
	}
	if b := r.sharedRun(e.Hash, wt); b != nil {
		return b, nil
	}
	return r.blob(e.Hash)
}

// sharedRun returns the suffix or prefix of wt whose blob id is h, if any.
func (r *Repo) sharedRun(h plumbing.Hash, wt []byte) []byte {
	if len(wt) == 0 {
		return nil
	}
	n, err := r.git.Storer.EncodedObjectSize(h)
	if err != nil || n <= 0 || n > int64(len(wt)) {
		return nil
	}
	size := int(n)
	if k := len(wt) - size; k == 0 || wt[k-1] == '\n' {
		if blobID(wt[k:]) == h {
			return wt[k:]
		}
	}
	if wt[size-1] == '\n' && blobID(wt[:size]) == h {
		return wt[:size]
	}
	return nil
}

// blobID is git's object id of a blob with content b. It uses crypto/sha1,
// several times faster than the collision-detecting SHA-1 go-git hashes
// with; a forged collision can at worst make vcsync read a wrong old text,
// which it only diffs, never writes.
func blobID(b []byte) plumbing.Hash {
	d := sha1.New()
	fmt.Fprintf(d, "blob %d\x00", len(b))
	d.Write(b)
	var h plumbing.Hash
	copy(h[:], d.Sum(nil))
	return h
}

func (r *Repo) blob(h plumbing.Hash) ([]byte, error) { return ReadBlob(r.git.Storer, h) }

// ReadBlob returns the content of the blob h of s.
func ReadBlob(s storer.EncodedObjectStorer, h plumbing.Hash) ([]byte, error) {
	b, err := object.GetBlob(s, h)
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	buf := bytes.NewBuffer(make([]byte, 0, b.Size))
	_, err = io.Copy(buf, rd)
	return buf.Bytes(), err
}

// WorktreeFile returns the content of p in the working tree, or nil if the
// file does not exist there.
func (r *Repo) WorktreeFile(p string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(r.Root, filepath.FromSlash(p)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// Ident is the identity the configuration gives git's author (or, with
// committer, its committer): author.name and author.email (committer.*),
// which git 2.22 and later prefer, else user.name and user.email, from the
// repository's config, else the global, else the system one.
func (r *Repo) Ident(committer bool) (name, email string) {
	c, err := r.git.ConfigScoped(config.SystemScope)
	if err != nil {
		return "", ""
	}
	name, email = c.Author.Name, c.Author.Email
	if committer {
		name, email = c.Committer.Name, c.Committer.Email
	}
	return cmp.Or(name, c.User.Name), cmp.Or(email, c.User.Email)
}

// Tracked reports whether HEAD holds p.
func (r *Repo) Tracked(p string) bool {
	t, err := r.headTree()
	if err != nil {
		return false
	}
	_, err = t.FindEntry(p)
	return err == nil
}

// VerifyPath refuses, as git's verify_path does, a path that git would
// never add: one that leaves the working tree, one with a .git component
// (in any case, with the trailing dots and spaces that NTFS drops, or as
// its short name git~1), and one beyond a symbolic link, which names a
// file elsewhere (outside the repository, or its .git). An entry of a
// clone's ChangeLog may name any of them; vcsync commit --add must not
// commit and push .git/config, or /etc/passwd through a linked directory.
func (r *Repo) VerifyPath(p string) error {
	clean := path.Clean(p)
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || clean == "." {
		return fmt.Errorf("%s is outside the working tree", p)
	}
	parts := strings.Split(clean, "/")
	for _, c := range parts {
		switch strings.ToLower(strings.TrimRight(c, ". ")) {
		case ".git", "git~1":
			return fmt.Errorf("%s is inside a .git directory, which git never tracks", p)
		}
	}
	dir := r.Root
	for _, c := range parts[:len(parts)-1] {
		dir = filepath.Join(dir, c)
		fi, err := os.Lstat(dir)
		if err != nil {
			return nil // missing: nothing to follow
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("%s is beyond a symbolic link (%s), as git says: it names a file elsewhere", p, filepath.ToSlash(strings.TrimPrefix(dir, r.Root+string(filepath.Separator))))
		}
	}
	return nil
}
