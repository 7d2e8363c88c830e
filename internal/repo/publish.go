package repo

import (
	"bytes"
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/safefile"
)

// reflogPrefix starts the reflog message of every commit vcsync makes: it
// is how RecoverIndex knows a HEAD that vcsync moved.
const reflogPrefix = "commit (vcsync): "

// Publish makes commit the new HEAD, if HEAD is still old, and updates the
// index entries of the committed paths to match it; other staged changes
// stay staged. It follows git commit (lockfile.c, builtin/commit.c): the
// new index is written whole to index.lock, which also keeps every git
// command from writing the index meanwhile; then HEAD moves (git
// update-ref: a compare-and-swap that writes the reflog and knows packed
// refs); only then is index.lock renamed over the index. A process killed
// at any instant leaves HEAD where it was (and at most an index.lock, which
// git refuses loudly), or HEAD moved with its index whole in index.lock,
// which RecoverIndex puts in place. Never HEAD moved with the old index,
// from which the user's next git commit would silently revert the entry's
// files.
func (r *Repo) Publish(ctx context.Context, commit, old plumbing.Hash, subject string, states []FileState) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// From here on every step runs to the end even on Ctrl-C: they take
	// milliseconds, and a cancel between them would leave work half done.
	ctx = context.WithoutCancel(ctx)
	idx, err := r.indexPath(ctx)
	if err != nil {
		return err
	}
	lock := idx + ".lock"
	f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		return indexLockedError(lock)
	}
	if err != nil {
		return fmt.Errorf("lock the index: %w", err)
	}
	f.Close()
	moved := false
	defer func() {
		if !moved {
			os.Remove(lock) // HEAD did not move: nothing happened
		}
	}()
	tmp, err := r.newIndex(ctx, idx, states)
	if err != nil {
		return fmt.Errorf("update the index: %w", err)
	}
	if err := os.Rename(tmp, lock); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("update the index: %w", err)
	}
	if _, err := r.Git(ctx, nil, "update-ref", "-m", reflogPrefix+subject, "HEAD", commit.String(), old.String()); err != nil {
		return fmt.Errorf("move HEAD to the new commit (did another commit happen meanwhile?): %w", err)
	}
	moved = true
	if err := os.Rename(lock, idx); err != nil {
		return fmt.Errorf("HEAD is at the new commit, and its index in %s; the next vcsync commit puts it in place: %w", lock, err)
	}
	return nil
}

// indexPath is the index file git uses (GIT_INDEX_FILE honoured).
func (r *Repo) indexPath(ctx context.Context) (string, error) {
	ps, err := r.GitPath(ctx, "index")
	if err != nil {
		return "", err
	}
	return ps[0], nil
}

// newIndex writes, beside the index, a new index file: the index with the
// entries of states changed, and returns its path. The index itself is
// not touched: git update-index works on a hard link to it, which it
// replaces (by rename) rather than writes through.
func (r *Repo) newIndex(ctx context.Context, idx string, states []FileState) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(idx), "vcsync-new-index-")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	f.Close()
	os.Remove(tmp)
	if err := os.Link(idx, tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	var in strings.Builder
	for _, st := range states {
		if st.Deleted {
			fmt.Fprintf(&in, "0 %s\t%s\x00", plumbing.ZeroHash, st.Path)
		} else {
			fmt.Fprintf(&in, "%o %s\t%s\x00", uint32(st.Mode), st.Hash, st.Path)
		}
	}
	c := run.Cmd{Name: "git", Args: []string{"update-index", "-z", "--index-info"}, Dir: r.Root,
		Env: []string{"GIT_INDEX_FILE=" + tmp}, Stdin: strings.NewReader(in.String())}
	if _, err := r.Runner.Run(ctx, c); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// indexLockedError is the error for an index.lock that vcsync did not
// leave, or cannot prove it left: git's own words, and what to do.
func indexLockedError(lock string) error {
	return fmt.Errorf("%s exists: another git process seems to be running in this repository, or one was killed; if none is running, remove the file and try again", lock)
}

// maxIndex bounds what RecoverIndex reads of index.lock.
const maxIndex = 1 << 30

// RecoverIndex finishes a commit that a vcsync killed in its last instant
// left half published: HEAD moved to the commit, the commit's index whole
// in index.lock, not yet renamed over the index. It proves that before it
// touches anything: HEAD's last reflog entry is a vcsync commit; index.lock
// ends with the checksum of its content (git checks none when it reads an
// index, and a torn file passes git diff --cached); and it holds, for each
// path the commit changed, exactly what the commit holds. It returns true
// when it finished such a commit (with dryRun, when it would). An
// index.lock it cannot prove is an error that says what to remove: a git
// command may be running. The caller holds the repository's lock.
func (r *Repo) RecoverIndex(ctx context.Context, dryRun bool) (bool, error) {
	idx, err := r.indexPath(ctx)
	if err != nil {
		return false, err
	}
	if !dryRun {
		// The index files of killed runs (newIndex's, IndexOf's): the
		// caller holds the repository's lock, so none is in use.
		leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(idx), "vcsync-*index-*"))
		for _, f := range leftovers {
			os.Remove(f)
		}
	}
	lock := idx + ".lock"
	if _, err := os.Lstat(lock); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if !r.finishedIndex(ctx, lock) {
		return false, indexLockedError(lock)
	}
	if dryRun {
		return true, nil
	}
	if err := os.Rename(lock, idx); err != nil {
		return false, fmt.Errorf("finish the interrupted commit: %w", err)
	}
	return true, nil
}

// finishedIndex reports whether lock is the index of the commit at HEAD,
// written by a vcsync commit that moved HEAD and was killed before it
// renamed the index into place.
func (r *Repo) finishedIndex(ctx context.Context, lock string) bool {
	old, head, ok := r.lastVcsyncCommit(ctx)
	if !ok {
		return false
	}
	b, err := safefile.ReadFile(lock, maxIndex)
	if err != nil || !checksumOK(b) {
		return false
	}
	ix := &index.Index{}
	if err := index.NewDecoder(bytes.NewReader(b)).Decode(ix); err != nil {
		return false
	}
	out, err := r.Git(ctx, nil, "diff-tree", "-r", "-z", "--no-renames", "--no-commit-id", old, head)
	if err != nil {
		return false
	}
	// Records: ":OLDMODE NEWMODE OLDSHA NEWSHA STATUS" NUL PATH NUL.
	recs := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	for i := 0; i+1 < len(recs); i += 2 {
		f := strings.Fields(recs[i])
		if len(f) != 5 {
			return false
		}
		e, err := ix.Entry(recs[i+1])
		switch {
		case f[4] == "D":
			if err == nil {
				return false
			}
		// Stage 0, not index.Merged, which go-git defines as 1 (the
		// ancestor's stage of a conflict), though it decodes a merged
		// entry's stage as 0.
		case err != nil || e.Hash.String() != f[3] || fmt.Sprintf("%06o", uint32(e.Mode)) != f[1] || e.Stage != 0:
			return false
		}
	}
	return true
}

// lastVcsyncCommit reads HEAD's last reflog entry: ok when it is a commit
// vcsync made and HEAD is still there, with the commit before it.
func (r *Repo) lastVcsyncCommit(ctx context.Context) (old, head string, ok bool) {
	ps, err := r.GitPath(ctx, "logs/HEAD")
	if err != nil {
		return "", "", false
	}
	f, err := safefile.Open(ps[0], os.O_RDONLY, 0)
	if err != nil {
		return "", "", false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", "", false
	}
	const tail = 64 << 10
	start := max(fi.Size()-tail, 0)
	b, err := io.ReadAll(io.NewSectionReader(f, start, tail))
	if err != nil {
		return "", "", false
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	last := lines[len(lines)-1]
	fields, msg, found := strings.Cut(last, "\t")
	ids := strings.Fields(fields)
	if !found || len(ids) < 2 || !strings.HasPrefix(msg, reflogPrefix) {
		return "", "", false
	}
	cur, _, err := r.CurrentHead(ctx)
	if err != nil || cur != ids[1] {
		return "", "", false
	}
	return ids[0], ids[1], true
}

// checksumOK reports whether an index file ends with the SHA-1 of what
// precedes it, as git writes it.
func checksumOK(b []byte) bool {
	if len(b) < 12+sha1.Size || string(b[:4]) != "DIRC" {
		return false
	}
	sum := sha1.Sum(b[:len(b)-sha1.Size])
	return bytes.Equal(sum[:], b[len(b)-sha1.Size:])
}
