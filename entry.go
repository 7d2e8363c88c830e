package vcsync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vcsync/vcsync/changelog"
	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/safefile"
)

// EntryOptions are the inputs of Entry.
type EntryOptions struct {
	Dir    string   // a directory inside the working tree; "" is the current one
	Files  []string // only these paths (files or directories, relative to Dir); none: every change
	Stdout bool     // print the entries instead of writing them
	Runner *run.Runner
}

// EntryResult is what Entry wrote or, with Stdout, would write.
type EntryResult struct {
	Entries  []WrittenEntry
	Warnings []string
}

// WrittenEntry is the entry of one ChangeLog.
type WrittenEntry struct {
	ChangeLog string // relative to the repository root
	Text      string // the whole entry, header first
	Updated   bool   // an uncommitted entry was brought up to date, rather than a new one written
}

// ErrNoChange means that the working tree does not differ from HEAD in
// the files asked about.
var ErrNoChange = errors.New("nothing to describe: the working tree has no change against HEAD")

// maxText is the largest file whose names are looked for: beyond it, a
// file is data or generated, and its item names nothing.
const maxText = 16 << 20

// Entry writes, at the top of each ChangeLog concerned, the skeleton of a
// new entry for the working tree's changes: the header (today, and the
// author git would record), an empty summary line, and one
// "* FILE (NAME...):" item per changed file. A file belongs to the nearest
// ChangeLog in its directory or above. An uncommitted entry is updated in
// place. Nothing but the ChangeLogs is written, and nothing at all with
// Stdout.
func Entry(ctx context.Context, opt EntryOptions) (*EntryResult, error) {
	r, cwd, err := openAt(opt.Dir)
	if err != nil {
		return nil, err
	}
	r.Runner = opt.Runner
	if _, err := r.Head(); err != nil {
		return nil, err
	}
	header, err := entryHeader(r)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, f := range opt.Files {
		p, err := r.Rel(cwd, f)
		if err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	changes, err := changedFiles(ctx, r, paths)
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return nil, ErrNoChange
	}
	res := &EntryResult{}
	byLog, order, err := byChangeLog(r.Root, changes, res)
	if err != nil {
		return nil, err
	}
	for _, cl := range order {
		we, err := writeEntry(r, cl, header, byLog[cl], opt.Stdout)
		if err != nil {
			return nil, err
		}
		res.Entries = append(res.Entries, we)
	}
	return res, nil
}

// entryHeader is the header of a new entry: the author date
// (GIT_AUTHOR_DATE, else today) and the author git would record, exactly
// as configured.
func entryHeader(r *repo.Repo) (string, error) {
	a := gitAuthor(r)
	if a.Name == "" || a.Email == "" {
		return "", fmt.Errorf("no author for the entry header: git has no identity; %s", identityHint)
	}
	date, err := envDate("GIT_AUTHOR_DATE", time.Now())
	if err != nil {
		return "", err
	}
	return changelog.Header(date.Format("2006-01-02"), a), nil
}

// changedFiles diffs the working tree against HEAD and prepares each
// change (its texts read, its names found) as soon as git has written its
// diff, on as many goroutines as there are processors, while git goes on
// with the next files. ChangeLogs are left out: no entry describes them.
// A file named on the command line that git does not track yet is a new
// file.
func changedFiles(ctx context.Context, r *repo.Repo, paths []string) ([]changelog.FileChange, error) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(r.WorktreeDiff(ctx, paths, pw)) }()
	var mu sync.Mutex // go-git's repository is for one goroutine at a time
	var changes []*changelog.FileChange
	jobs := make(chan *changelog.FileChange)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for c := range jobs {
				c.Prepare()
			}
		})
	}
	err := changelog.ReadDiff(pr, func(d changelog.FileDiff) error {
		if changelog.IsChangeLogName(d.Path) {
			return nil
		}
		c := &changelog.FileChange{FileDiff: d, Load: func() ([]string, []string) { return texts(r, &mu, d) }}
		changes = append(changes, c)
		jobs <- c
		return nil
	})
	close(jobs)
	wg.Wait()
	pr.CloseWithError(err) // git, if still writing, gets EPIPE and ends
	if err != nil {
		return nil, err
	}
	out := make([]changelog.FileChange, 0, len(changes)+len(paths))
	for _, c := range changes {
		out = append(out, *c)
	}
	for _, p := range paths {
		if newFile(r, p, out) {
			out = append(out, changelog.FileChange{FileDiff: changelog.FileDiff{Path: p, OldPath: p, Kind: changelog.Added}})
		}
	}
	return out, nil
}

// newFile reports whether a path named on the command line is a file that
// git does not know yet: one the diff does not hold and HEAD lacks. (A
// directory adds nothing: like git diff, vcsync entry describes the files
// git tracks, and those named.)
func newFile(r *repo.Repo, p string, changes []changelog.FileChange) bool {
	if slices.ContainsFunc(changes, func(c changelog.FileChange) bool { return c.Path == p }) || r.Tracked(p) {
		return false
	}
	fi, err := os.Lstat(filepath.Join(r.Root, filepath.FromSlash(p)))
	return err == nil && !fi.IsDir()
}

// texts reads a modified file's text in the working tree, and rebuilds its
// text at HEAD from it and the diff (reading HEAD's blob, under mu, only
// when that fails). A file that is not a regular file, or too large, gives
// none. Several run at once (changelog.Skeleton).
func texts(r *repo.Repo, mu *sync.Mutex, d changelog.FileDiff) (oldText, newText []string) {
	b, err := safefile.ReadFile(filepath.Join(r.Root, filepath.FromSlash(d.Path)), maxText)
	if err != nil {
		return nil, nil
	}
	newText = changelog.SplitLines(b)
	if oldText, err = changelog.OldLines(newText, d.Hunks); err == nil {
		return oldText, newText
	}
	mu.Lock()
	defer mu.Unlock()
	if ob, err := r.HeadFile(d.OldPath, nil); err == nil && ob != nil {
		return changelog.SplitLines(ob), newText
	}
	return nil, newText
}

// byChangeLog sorts the changes by the ChangeLog they belong to: the
// nearest GNU ChangeLog in the file's directory or above. A file whose
// nearest is a Debian or Keep a Changelog file gets a warning (writing
// those is dch's and the author's job); when no change has a GNU
// ChangeLog, that is the error.
func byChangeLog(root string, changes []changelog.FileChange, res *EntryResult) (map[string][]changelog.FileChange, []string, error) {
	byLog := map[string][]changelog.FileChange{}
	var order []string
	other := map[string][]string{}
	var otherOrder, orphans []string
	cache := map[string]string{}
	for _, c := range changes {
		cl := nearestChangeLog(root, path.Dir(c.Path), cache)
		switch {
		case cl == "":
			orphans = append(orphans, c.Path)
		case path.Base(cl) != "ChangeLog":
			if other[cl] == nil {
				otherOrder = append(otherOrder, cl)
			}
			other[cl] = append(other[cl], c.Path)
		default:
			if byLog[cl] == nil {
				order = append(order, cl)
			}
			byLog[cl] = append(byLog[cl], c)
		}
	}
	var problems []string
	for _, cl := range otherOrder {
		problems = append(problems, otherFormat(cl, other[cl]))
	}
	if len(orphans) > 0 {
		problems = append(problems, fmt.Sprintf("no ChangeLog in the directory of %s or above; create one (an empty ChangeLog at the top of the tree will do), then run vcsync entry again", strings.Join(orphans, " ")))
	}
	if len(order) == 0 {
		return nil, nil, errors.New(strings.Join(problems, "\n"))
	}
	res.Warnings = append(res.Warnings, problems...)
	slices.SortStableFunc(order, func(a, b string) int { return strings.Count(a, "/") - strings.Count(b, "/") })
	return byLog, order, nil
}

// otherFormat says that a Debian or Keep a Changelog file gets no GNU
// entry, and who writes its entry instead.
func otherFormat(cl string, files []string) string {
	what, who := "Keep a Changelog file", "add your lines under its Unreleased heading"
	if path.Base(cl) == "changelog" {
		what, who = "Debian changelog", "write its entry with dch"
	}
	return fmt.Sprintf("%s is a %s, not a GNU ChangeLog, and vcsync entry writes GNU entries only: %s (it covers %s)",
		cl, what, who, strings.Join(files, " "))
}

// nearestChangeLog finds the ChangeLog of the files in dir: "ChangeLog" in
// dir or above; a CHANGELOG.md, debian/changelog (for debian/ and, when
// the top has no ChangeLog, for the whole tree) found first is returned
// too, for the caller to refuse. cache remembers each directory's answer.
func nearestChangeLog(root, dir string, cache map[string]string) string {
	if cl, ok := cache[dir]; ok {
		return cl
	}
	cl := ""
	for _, name := range []string{"ChangeLog", "CHANGELOG.md", "changelog", "debian/changelog"} {
		if (name == "changelog" && path.Base(dir) != "debian") || (name == "debian/changelog" && dir != ".") {
			continue
		}
		p := path.Join(dir, name)
		if fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(p))); err == nil && !fi.IsDir() {
			cl = p
			break
		}
	}
	if cl == "" && dir != "." {
		cl = nearestChangeLog(root, path.Dir(dir), cache)
	}
	cache[dir] = cl
	return cl
}

// writeEntry writes (or with stdout only computes) one ChangeLog's entry.
func writeEntry(r *repo.Repo, cl, header string, changes []changelog.FileChange, stdout bool) (WrittenEntry, error) {
	file := filepath.Join(r.Root, filepath.FromSlash(cl))
	cur, err := safefile.ReadFile(file, 1<<30)
	if err != nil {
		return WrittenEntry{}, err
	}
	old, err := r.HeadFile(cl, cur)
	if err != nil {
		return WrittenEntry{}, err
	}
	out, err := changelog.WriteEntry(changelog.EntryInput{Path: cl, Old: old, Cur: cur, Header: header,
		Changes: changes, Dir: path.Dir(cl)})
	if err != nil {
		return WrittenEntry{}, err
	}
	we := WrittenEntry{ChangeLog: cl, Text: out.Entry, Updated: out.Updated}
	if stdout {
		return we, nil
	}
	return we, replaceFile(file, out.Text)
}

// replaceFile writes a file's new content through a temporary file renamed
// over it, so that a crash leaves the old or the new text, never half.
func replaceFile(file string, b []byte) error {
	fi, err := os.Lstat(file)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".vcsync-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(fi.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}
