package repo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/vcsync/vcsync/internal/run"
)

// Head is where HEAD points.
type Head struct {
	Hash   plumbing.Hash
	Branch string // short branch name; "" when HEAD is detached
}

// Head is HEAD as the Repo first read it. An unborn HEAD is ErrUnbornHead.
func (r *Repo) Head() (Head, error) {
	ref, err := r.resolveHead()
	if err != nil {
		return Head{}, err
	}
	h := Head{Hash: ref.Hash()}
	if ref.Name().IsBranch() {
		h.Branch = ref.Name().Short()
	}
	return h, nil
}

// GitPath returns the path git uses for name inside the repository
// (git rev-parse --git-path): it honours core.hooksPath, linked worktrees
// and GIT_DIR, which go-git does not all know about.
func (r *Repo) GitPath(ctx context.Context, names ...string) ([]string, error) {
	args := []string{"rev-parse"}
	for _, n := range names {
		args = append(args, "--git-path", n)
	}
	out, err := r.Git(ctx, nil, args...)
	if err != nil {
		return nil, err
	}
	ps := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(ps) != len(names) {
		return nil, fmt.Errorf("git rev-parse --git-path: unexpected output %q", out)
	}
	for i, p := range ps {
		if !filepath.IsAbs(p) {
			ps[i] = filepath.Join(r.Root, p)
		}
	}
	return ps, nil
}

// Hooks returns the path of each named hook, or "" for a hook the
// repository does not have (missing, or not executable: git skips those).
func (r *Repo) Hooks(ctx context.Context, names ...string) ([]string, error) {
	rel := make([]string, len(names))
	for i, n := range names {
		rel[i] = filepath.Join("hooks", n)
	}
	ps, err := r.GitPath(ctx, rel...)
	if err != nil {
		return nil, err
	}
	for i, p := range ps {
		if fi, err := os.Stat(p); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			ps[i] = ""
		}
	}
	return ps, nil
}

// RunHook runs the hook at path as git runs it: in the working tree's root,
// with args, its output shown to the user on w.
func (r *Repo) RunHook(ctx context.Context, w io.Writer, path string, env []string, args ...string) error {
	_, err := r.Runner.Run(ctx, run.Cmd{Name: path, Args: args, Dir: r.Root, Env: env, Stderr: w})
	if re := (*run.RunError)(nil); w != nil && errors.As(err, &re) {
		// Its output went to w as it ran: not twice.
		return fmt.Errorf("the %s hook refused the commit (%w)", filepath.Base(path), re.Err)
	}
	if err != nil {
		return fmt.Errorf("the %s hook refused the commit: %w", filepath.Base(path), err)
	}
	return nil
}

// IndexOf writes an index file holding exactly tree, for the pre-commit
// hook to see what is being committed (git commit -- paths does the same
// with a temporary index). The caller removes the file.
func (r *Repo) IndexOf(ctx context.Context, tree plumbing.Hash) (string, error) {
	ps, err := r.GitPath(ctx, "index")
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(ps[0]), "vcsync-index-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	f.Close()
	os.Remove(name) // git read-tree wants to create it
	c := run.Cmd{Name: "git", Args: []string{"read-tree", tree.String()}, Dir: r.Root, Env: []string{"GIT_INDEX_FILE=" + name}}
	if _, err := r.Runner.Run(ctx, c); err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// Dirs are the repository's common git directory (the main .git of a
// linked worktree: where state shared by all worktrees lives) and its
// config file, read with one git call.
func (r *Repo) Dirs(ctx context.Context) (common, config string, err error) {
	out, err := r.Git(ctx, nil, "rev-parse", "--git-common-dir", "--git-path", "config")
	if err != nil {
		return "", "", err
	}
	ps := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(ps) != 2 {
		return "", "", fmt.Errorf("git rev-parse: unexpected output %q", out)
	}
	for i, p := range ps {
		if !filepath.IsAbs(p) {
			ps[i] = filepath.Join(r.Root, p)
		}
	}
	return ps[0], ps[1], nil
}

// CurrentHead reads HEAD afresh (after a backend that rewrites history has
// moved it), as a commit id and a short branch name ("" when detached).
// go-git reads the ref files on each call, so no git process is needed.
func (r *Repo) CurrentHead(ctx context.Context) (id, branch string, err error) {
	ref, err := r.git.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return "", "", ErrUnbornHead
	}
	if err != nil {
		return "", "", fmt.Errorf("read HEAD: %w", err)
	}
	if ref.Name().IsBranch() {
		branch = ref.Name().Short()
	}
	return ref.Hash().String(), branch, nil
}

// Count returns how many commits reach to but not from ("" from: all).
func (r *Repo) Count(ctx context.Context, from, to string) (int, error) {
	rng := to
	if from != "" {
		rng = from + ".." + to
	}
	out, err := r.Git(ctx, nil, "rev-list", "--count", rng, "--")
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(out)))
}

// TreeOfIndex writes the tree of an index file (what a pre-commit hook left
// staged in it) and returns its id.
func (r *Repo) TreeOfIndex(ctx context.Context, index string) (plumbing.Hash, error) {
	out, err := r.Runner.Run(ctx, run.Cmd{Name: "git", Args: []string{"write-tree"}, Dir: r.Root, Env: []string{"GIT_INDEX_FILE=" + index}})
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read what the pre-commit hook staged: %w", err)
	}
	return plumbing.NewHash(strings.TrimSpace(string(out))), nil
}

// StatesIn returns what the paths of states hold in tree.
func (r *Repo) StatesIn(tree plumbing.Hash, states []FileState) ([]FileState, error) {
	t, err := r.git.TreeObject(tree)
	if err != nil {
		return nil, err
	}
	out := make([]FileState, len(states))
	for i, st := range states {
		e, err := t.FindEntry(st.Path)
		if err != nil {
			out[i] = FileState{Path: st.Path, Deleted: true}
			continue
		}
		out[i] = FileState{Path: st.Path, Hash: e.Hash, Mode: e.Mode}
	}
	return out, nil
}
