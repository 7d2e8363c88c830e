package bzr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
)

// fallback sends held..to with `git fast-export | brz fast-import`, for a
// history that `brz push` cannot convert (issue 5: Breezy 3.3 crashes with
// "AttributeError: 'dict' object has no attribute 'split'" on a
// one-character top-level file modified later). fast-import writes only to
// a local branch, so it fills a scratch copy of the target, which brz push
// then sends, never with --overwrite: a target that moved meanwhile is still
// refused as diverged. The copy holds the whole branch, which is slow for a
// long remote history; only this rare path pays for it.
func (b *backend) fallback(ctx context.Context, l backends.Local, target string, t tip, held, to string) (string, error) {
	gitDir, err := b.GitDir(ctx, l)
	if err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp("", "vcsync-bzr-")
	if err != nil {
		return "", b.Errorf(backends.Fatal, "%v", err)
	}
	defer os.RemoveAll(tmp)
	f := &fastImport{b: b, l: l, tmp: tmp, staging: filepath.Join(tmp, "branch"), gitDir: gitDir, target: target}
	if _, err := b.brz(ctx, l, "branch", "-q", "--no-tree", "--", target, f.staging); err != nil {
		return "", b.Fail(err, "copy the branch for fast-import")
	}
	if l.Runner.Dry() {
		// No copy to import into: what the import and the push would run.
		rng := to
		if held != "" {
			rng = held + ".." + to
		}
		l.Runner.Run(ctx, run.Cmd{Name: "brz", Args: []string{"fast-import", "-q", "-", f.staging}, Dir: l.Neutral(), Neutral: true,
			Note: "reading git fast-export " + rng})
		l.Runner.Run(ctx, run.Cmd{Name: "brz", Args: []string{"push", noPushLocation, "-d", f.staging, "--", target}, Dir: l.Neutral(), Neutral: true})
		return "", nil
	}
	pairs, err := f.run(ctx, t, held, to)
	if err != nil {
		return "", err
	}
	// Recorded before the push: a run killed right after it must still
	// recognise the tip as ours.
	if err := appendRevmap(gitDir, target, pairs); err != nil {
		return "", b.Errorf(backends.Fatal, "%v", err)
	}
	var stderr bytes.Buffer
	_, err = l.Runner.Run(ctx, run.Cmd{Name: "brz", Dir: l.Neutral(), Neutral: true, Env: env, Stderr: &stderr, Group: true,
		Args: []string{"push", noPushLocation, "-d", f.staging, "--", target}})
	// The lock is the target's unless brz names our scratch branch, which
	// no one else uses.
	if re := (*run.RunError)(nil); locked(err) && errors.As(err, &re) && !strings.Contains(re.Stderr, f.staging) {
		return "", b.lockedError(target)
	}
	if err != nil {
		return "", b.Fail(err, "brz push of the fast-imported revisions")
	}
	return pushedRevno(stderr.Bytes()), nil
}

// fastImport is one import into the scratch branch staging, in tmp.
type fastImport struct {
	b                  *backend
	l                  backends.Local
	tmp, staging       string
	gitDir, target     string
	gitMarks, bzrMarks string          // the marks files of git fast-export and brz fast-import
	imported           map[string]bool // the marks of revisions the branch had before
}

// run imports held..to (all of to's history when held is "") into staging,
// whose tip is t, and returns the new [revision id, commit id] pairs.
func (f *fastImport) run(ctx context.Context, t tip, held, to string) ([][2]string, error) {
	f.gitMarks, f.bzrMarks = filepath.Join(f.tmp, "git.marks"), filepath.Join(f.tmp, "bzr.marks")
	steps := [][]string{{to}} // the revisions of each git fast-export
	if held != "" {
		commits, err := f.boundary(ctx, t, held, to)
		if err != nil {
			return nil, err
		}
		steps = [][]string{{held + ".." + to}}
		if len(f.imported) > 1 {
			// A merge of a branch forked before held. brz fast-import
			// knows the graph of the first revision it imports only
			// (RevisionStore.load_using_delta): a later revision with
			// another old parent fails with "KeyError: key ... not in
			// nodes". One run per commit: slow, but only for this.
			steps = steps[:0]
			for _, ids := range commits {
				revs := []string{ids[0]}
				for _, p := range ids[1:] {
					revs = append(revs, "^"+p)
				}
				steps = append(steps, revs)
			}
		}
	}
	for _, revs := range steps {
		if err := f.step(ctx, revs, held != ""); err != nil {
			return nil, err
		}
	}
	pairs, err := f.join(to)
	if err != nil {
		return nil, f.b.Errorf(backends.Fatal, "%v", err)
	}
	return pairs, nil
}

// step pipes one git fast-export of revs into brz fast-import, each side
// reading and updating its marks file when marks is set.
func (f *fastImport) step(ctx context.Context, revs []string, marks bool) error {
	// core.quotepath=false: python-fastimport turns git's octal escapes
	// of a non-ASCII path ("caf\303\251.txt") into mojibake.
	export := []string{"-c", "core.quotepath=false", "fast-export", "--export-marks=" + f.gitMarks}
	imp := []string{"fast-import", "-q", "--export-marks=" + f.bzrMarks}
	if marks {
		export = append(export, "--import-marks="+f.gitMarks)
		imp = append(imp, "--import-marks="+f.bzrMarks)
	}
	// git writes, copyRenamed renames, brz reads, all at once through
	// pipes: the stream of a long history is never held (issue 16).
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	exportR, exportW := io.Pipe()
	importR, importW := io.Pipe()
	exported, renamed := make(chan error, 1), make(chan error, 1)
	go func() {
		_, err := f.l.Runner.Run(ctx, run.Cmd{Name: "git", Args: append(export, revs...), Dir: f.l.Root, Stdout: exportW})
		exportW.CloseWithError(err)
		exported <- err
	}()
	go func() {
		err := copyRenamed(importW, exportR, "refs/heads/"+branchName(f.l))
		exportR.CloseWithError(err) // git stops on a failed rename, or on brz's end
		importW.CloseWithError(err)
		renamed <- err
	}()
	_, err := f.l.Runner.Run(ctx, run.Cmd{Name: "brz", Args: append(imp, "-", f.staging), Dir: f.l.Neutral(), Neutral: true, Env: env, Stdin: importR, Group: true})
	importR.CloseWithError(io.ErrClosedPipe) // brz stopped reading: end the others
	if err != nil {
		cancel()
	}
	exportErr, renameErr := <-exported, <-renamed
	switch {
	case exportErr != nil && !errors.Is(exportErr, io.ErrClosedPipe) && !errors.Is(exportErr, context.Canceled):
		return f.b.Fail(exportErr, "git fast-export")
	case renameErr != nil && !errors.Is(renameErr, io.ErrClosedPipe):
		return f.b.Errorf(backends.Fatal, "git fast-export: %v", renameErr)
	case err != nil:
		return f.b.Fail(err, "brz fast-import")
	}
	return nil
}

// boundary writes the marks files that name, on both sides, the commits
// that the new ones build on and the branch already holds: held, and for a
// merge, any other parent outside held..to. Without a mark, git fast-export
// would drop such a parent. Each is named as the branch holds it: as t for
// held, as the revmap says for a commit the fallback sent to this target,
// else as the "git-v1:" revision that brz push made. It returns the commits
// of held..to, parents first, each with its parents.
func (f *fastImport) boundary(ctx context.Context, t tip, held, to string) ([][]string, error) {
	out, err := kit.Git(ctx, f.l, "rev-list", "--reverse", "--topo-order", "--parents", held+".."+to)
	if err != nil {
		return nil, f.b.Fail(err, "git rev-list")
	}
	m, err := readRevmap(f.gitDir)
	if err != nil {
		return nil, f.b.Errorf(backends.Fatal, "%v", err)
	}
	var commits [][]string
	inRange := map[string]bool{}
	for line := range strings.Lines(string(out)) {
		if ids := strings.Fields(line); len(ids) > 0 {
			commits, inRange[ids[0]] = append(commits, ids), true
		}
	}
	var gitMarks, bzrMarks strings.Builder
	f.imported = map[string]bool{}
	marked := map[string]bool{}
	for _, ids := range commits {
		for _, p := range ids[1:] {
			if inRange[p] || marked[p] {
				continue
			}
			marked[p] = true
			mark := fmt.Sprintf(":%d", len(marked))
			f.imported[mark] = true
			revid := gitRevPrefix + p
			if p == held {
				revid = t.revid
			} else if r := m.revision(p, f.target); r != "" {
				revid = r
			}
			gitMarks.WriteString(mark + " " + p + "\n")
			bzrMarks.WriteString(mark + " " + revid + "\n")
		}
	}
	if err := os.WriteFile(f.gitMarks, []byte(gitMarks.String()), 0o600); err != nil {
		return nil, f.b.Errorf(backends.Fatal, "%v", err)
	}
	if err := os.WriteFile(f.bzrMarks, []byte(bzrMarks.String()), 0o600); err != nil {
		return nil, f.b.Errorf(backends.Fatal, "%v", err)
	}
	return commits, nil
}

// join pairs the revision ids and commit ids that the two marks files give
// the same new mark, and checks that to is among them.
func (f *fastImport) join(to string) ([][2]string, error) {
	commits, err := readMarks(f.gitMarks)
	if err != nil {
		return nil, err
	}
	revs, err := readMarks(f.bzrMarks)
	if err != nil {
		return nil, err
	}
	var pairs [][2]string
	found := false
	for mark, revid := range revs {
		id, ok := commits[mark]
		if !ok || f.imported[mark] {
			continue // a blob, or a revision the branch had
		}
		pairs = append(pairs, [2]string{revid, id})
		found = found || id == to
	}
	if !found {
		return nil, fmt.Errorf("brz fast-import did not report a revision for %s", kit.Short(to))
	}
	return pairs, nil
}

// readMarks reads a fast-import marks file: ":MARK VALUE" lines.
func readMarks(name string) (map[string]string, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for line := range strings.Lines(string(data)) {
		if mark, v, ok := strings.Cut(strings.TrimSpace(line), " "); ok {
			m[mark] = v
		}
	}
	return m, nil
}
