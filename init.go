package vcsync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/state"
	"github.com/vcsync/vcsync/internal/svnconv"
)

// InitOptions are the inputs of InitFromSvn.
type InitOptions struct {
	URL         string // the svn directory (.../trunk)
	Dir         string // the new repository; "" is the URL's last element, in the current directory
	Since       int64  // start at this revision's tree; 0 converts the whole history
	Shared      bool   // configure the remote in a committed .vcsync rather than .git/config
	AuthorsFile string // "user = Name <email>" lines, recorded as vcsync.authorsFile
	Remote      string // the remote's name; "" is "svn"
	Runner      *run.Runner
	Registry    backends.Registry
}

// InitResult is what InitFromSvn made.
type InitResult struct {
	Dir, Branch string
	Commits     int    // one per revision converted
	Head        string // the branch's commit
	Revision    string // the svn revision it holds
	Shared      *RemoteResult
}

// InitFromSvn makes a git repository from an svn directory: one commit per
// revision (from Since's tree on, with Since), the svn remote configured as
// primary, and the state saying svn holds the last commit, so that the
// next vcsync sends exactly the new commit. Nothing is created when the
// directory cannot be read.
func InitFromSvn(ctx context.Context, opt InitOptions) (*InitResult, error) {
	if opt.Remote == "" {
		opt.Remote = "svn"
	}
	rm := backends.Remote{Name: opt.Remote, Kind: "svn", URL: opt.URL}
	b, err := opt.Registry.New(rm)
	if err != nil {
		return nil, err
	}
	if err := b.Check(ctx, backends.Local{}); err != nil {
		return nil, err
	}
	rr := b.(backends.RevisionReader)
	l := backends.Local{Runner: opt.Runner}
	info, err := rr.Repository(ctx, l)
	if err != nil {
		return nil, err
	}
	start, err := firstRevision(ctx, rr, l, info, opt.Since)
	if err != nil {
		return nil, err
	}
	dir, err := newDir(opt.Dir, info.Path)
	if err != nil {
		return nil, err
	}
	if _, err := opt.Runner.Run(ctx, run.Cmd{Name: "git", Args: []string{"init", "-q", "--", dir}}); err != nil {
		return nil, err
	}
	r, err := repo.Open(dir)
	if err != nil {
		return nil, err
	}
	r.Runner = opt.Runner
	res := &InitResult{Dir: dir}
	l.Root = r.Root
	if err := importSvn(ctx, r, rr, l, info, start, opt, res); err != nil {
		return nil, fmt.Errorf("%w (the repository at %s is incomplete: remove it and start again)", err, dir)
	}
	return res, nil
}

// firstRevision is where the conversion starts: the youngest revision of
// the directory at or before since, or its first one.
func firstRevision(ctx context.Context, rr backends.RevisionReader, l backends.Local, info backends.RepoInfo, since int64) (backends.Revision, error) {
	to, limit := info.Youngest, 0
	if since > 0 {
		to, limit = min(since, info.Youngest), 1
	}
	revs, err := rr.Revisions(ctx, l, 0, to, limit)
	if err != nil {
		return backends.Revision{}, err
	}
	if len(revs) == 0 {
		return backends.Revision{}, fmt.Errorf("%s has no revision at or before r%d", info.Path, to)
	}
	return revs[len(revs)-1], nil
}

// newDir is the directory to create: it must not exist, or be empty.
func newDir(dir, svnPath string) (string, error) {
	if dir == "" {
		dir = path.Base("/" + svnPath)
		if dir == "/" || dir == "." {
			return "", errors.New("name the directory to create: vcsync init --from-svn URL DIR")
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if entries, err := os.ReadDir(abs); err == nil && len(entries) > 0 {
		return "", fmt.Errorf("%s exists and is not empty: name a new directory", abs)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	return abs, nil
}

// importSvn converts the revisions, checks the result out, and configures
// and records the remote.
func importSvn(ctx context.Context, r *repo.Repo, rr backends.RevisionReader, l backends.Local, info backends.RepoInfo, start backends.Revision, opt InitOptions, res *InitResult) error {
	var authors svnconv.Authors
	if opt.AuthorsFile != "" {
		abs, err := filepath.Abs(opt.AuthorsFile)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(abs)
		if err != nil {
			return fmt.Errorf("--authors-file: %w", err)
		}
		if authors, err = svnconv.ParseAuthors(abs, b); err != nil {
			return err
		}
		if _, err := r.Git(ctx, nil, "config", "vcsync.authorsFile", abs); err != nil {
			return err
		}
	}
	conv := &svnconv.Converter{Store: r.Storer(), Source: svnconv.Bind(rr, l), Dir: info.Path, UUID: info.UUID, Authors: authors}
	base := svnconv.Base{Rev: start.Number - 1}
	if opt.Since > 0 {
		tree, err := conv.Snapshot(ctx, start.Number)
		if err != nil {
			return err
		}
		m := svnconv.Meta{Rev: start.Number, Author: start.Author, Date: start.Date, Log: start.Log}
		id, err := conv.WriteCommit(m, tree, plumbing.ZeroHash)
		if err != nil {
			return err
		}
		base, res.Commits = svnconv.Base{Rev: start.Number, Commit: id}, 1
	}
	tip, tipRev := base.Commit, base.Rev
	err := conv.Convert(ctx, base, info.Youngest, func(c svnconv.Commit) error {
		tip, tipRev, res.Commits = c.ID, c.Rev, res.Commits+1
		return nil
	})
	if err != nil {
		return err
	}
	out, err := r.Git(ctx, nil, "symbolic-ref", "--short", "HEAD")
	if err != nil {
		return err
	}
	res.Branch, res.Head, res.Revision = strings.TrimSpace(string(out)), tip.String(), "r"+strconv.FormatInt(tipRev, 10)
	if _, err := r.Git(ctx, nil, "update-ref", "-m", "vcsync init --from-svn", "refs/heads/"+res.Branch, res.Head, ""); err != nil {
		return err
	}
	if _, err := r.Git(ctx, nil, "read-tree", "--reset", "-u", res.Head); err != nil {
		return err
	}
	return configureSvn(ctx, r, opt, res)
}

// configureSvn adds the remote as primary and records what it holds.
func configureSvn(ctx context.Context, r *repo.Repo, opt InitOptions, res *InitResult) error {
	spec := RemoteSpec{Name: opt.Remote, URL: opt.URL, Backend: "svn", Shared: opt.Shared}
	added, err := RemoteAdd(ctx, r.Root, spec, opt.Registry)
	if err != nil {
		return err
	}
	args := []string{"config", "vcsync.primary", opt.Remote}
	if opt.Shared {
		args = []string{"config", "-f", filepath.Join(r.Root, ".vcsync"), "vcsync.primary", opt.Remote}
	}
	// The user wrote this .vcsync by running init: trusted as RemoteAdd's
	// was, not refused by the push that sends it.
	if err := keepTrust(ctx, r, func() error {
		_, err := r.Git(ctx, nil, args...)
		return err
	}); err != nil {
		return err
	}
	common, _, err := r.Dirs(ctx)
	if err != nil {
		return err
	}
	st, err := state.Load(state.Dir(common))
	if err != nil {
		return err
	}
	s := st.Remote(opt.Remote)
	s.URL, s.Branch, s.Holds, s.Revision = run.RedactURL(opt.URL), res.Branch, res.Head, res.Revision
	if err := st.Save(state.Dir(common)); err != nil {
		return err
	}
	if added.File == ".vcsync" {
		return shareConfig(ctx, r, opt, res)
	}
	return nil
}

// shareConfig commits the .vcsync that --shared wrote and sends it to svn
// at once: the team gets the configuration, and the next vcsync still
// makes exactly one revision.
func shareConfig(ctx context.Context, r *repo.Repo, opt InitOptions, res *InitResult) error {
	who, err := committer(r)
	if err != nil {
		return err
	}
	states, err := r.Snapshot(ctx, []string{".vcsync"})
	if err != nil {
		return err
	}
	tree, err := r.WriteTree(states)
	if err != nil {
		return err
	}
	sig := object.Signature{Name: who.Name, Email: who.Email, When: time.Now()}
	if sig.When, err = envDate("GIT_COMMITTER_DATE", sig.When); err != nil {
		return err
	}
	const msg = "Share vcsync's configuration: Subversion is the primary remote.\n"
	old := plumbing.NewHash(res.Head)
	id, err := r.WriteCommit(&object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree, ParentHashes: []plumbing.Hash{old}})
	if err != nil {
		return err
	}
	if err := r.Publish(ctx, id, old, subject(msg), states); err != nil {
		return err
	}
	res.Head = id.String()
	rs, err := Push(ctx, PushOptions{Dir: r.Root, Remotes: []string{opt.Remote}, Retries: -1, Runner: opt.Runner, Registry: opt.Registry})
	if len(rs) == 1 {
		res.Shared = &rs[0]
		res.Revision = rs[0].Revision
		if err == nil && AnyFailed(rs) {
			err = fmt.Errorf("send .vcsync to svn: %s: %w", rs[0].Status, rs[0].Err)
		}
	}
	return err
}
