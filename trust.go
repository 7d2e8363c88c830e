package vcsync

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/argv"
	"github.com/vcsync/vcsync/internal/config"
	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/safefile"
	"github.com/vcsync/vcsync/internal/trust"
)

// A repository's committed files are written by whoever published it. The
// committed .vcsync can name programs to run and servers to push to, and a
// command remote (from any configuration) can run a script that a pull may
// change: vcsync obeys them only once the user has allowed them, by their
// content (DESIGN.md, "Trust"). .git/config and the user's global git
// configuration are the user's own, and always obeyed.

// UntrustedError is the error of a command that would push or run
// something while the committed configuration is not allowed.
type UntrustedError struct {
	Files   []trust.File // the files that decide what would run
	Changed bool         // the user allowed earlier versions of them
	Since   time.Time    // when, if Changed
}

func (e *UntrustedError) Error() string {
	var names []string
	for _, f := range e.Files {
		names = append(names, f.Rel+" ("+f.Why+")")
	}
	verb, them := "is", "it"
	if len(names) > 1 {
		verb, them = "are", "them"
	}
	what := verb + " not trusted yet"
	if e.Changed {
		what = "changed since you trusted " + them + " on " + e.Since.Format("2006-01-02")
	}
	return fmt.Sprintf("this repository's %s %s: vcsync obeys a repository's committed configuration, and runs its programs, only once you allow them; review what they ask with `vcsync trust --show`, then run `vcsync trust`",
		strings.Join(names, " and "), what)
}

// configFiles are .vcsync and the repository's config file, in order of
// precedence, lowest first.
func configFiles(root, cfgPath string) []config.File {
	return []config.File{
		{Name: ".vcsync", Path: filepath.Join(root, ".vcsync"), Shared: true},
		{Name: ".git/config", Path: cfgPath},
	}
}

// loadConfigFrom reads the configuration that vcsync obeys: .vcsync and
// the repository's config file merged, once the user has allowed the
// committed files that decide what runs. Otherwise it returns an
// *UntrustedError, and the caller runs and sends nothing.
func loadConfigFrom(ctx context.Context, r *repo.Repo, cfgPath string) (*config.Config, error) {
	cfg, err := config.Load(configFiles(r.Root, cfgPath)...)
	if err != nil {
		return nil, err
	}
	sub, err := trustSubject(r, cfg)
	if err != nil {
		return nil, err
	}
	if err := checkTrusted(sub); err != nil {
		return nil, err
	}
	return cfg, nil
}

// checkTrusted returns nil when sub holds nothing to allow or the user
// allowed it, else an *UntrustedError.
func checkTrusted(sub trust.Subject) error {
	if len(sub.Files) == 0 {
		return nil // zero configuration, or all of it the user's own
	}
	store, err := trust.DefaultStore()
	if err != nil {
		return err
	}
	rec, found, err := store.Lookup(sub.Root)
	if err != nil {
		return err
	}
	if found && rec.Hash == sub.Hash() {
		return nil
	}
	return &UntrustedError{Files: sub.Files, Changed: found, Since: rec.Time}
}

// trustSubject lists the files of the working tree that decide what vcsync
// runs under cfg: .vcsync, and each committed file (in HEAD) that a command
// remote's command names (its program, or a script it hands to an
// interpreter: `sh scripts/deploy`). A file that no commit holds is the
// user's own.
func trustSubject(r *repo.Repo, cfg *config.Config) (trust.Subject, error) {
	root := r.Root
	sub := trust.Subject{Root: root}
	b, err := config.ReadShared(filepath.Join(root, ".vcsync"))
	switch {
	case err == nil:
		sub.Files = append(sub.Files, trust.File{Rel: ".vcsync", Content: b, Why: "committed configuration"})
	case !errors.Is(err, fs.ErrNotExist):
		return sub, err
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return sub, err
	}
	for _, rm := range cfg.Remotes {
		if rm.Kind != "command" {
			continue
		}
		words, err := argv.Split(rm.Options["command"])
		if err != nil {
			continue // the backend refuses it with the reason
		}
		for i, w := range words {
			f, ok, err := workTreeFile(root, realRoot, w, i == 0)
			ok = ok && r.Tracked(f.Rel)
			if err != nil {
				return sub, fmt.Errorf("remote %s: %w", rm.Name, err)
			}
			if ok && !slices.ContainsFunc(sub.Files, func(g trust.File) bool { return g.Rel == f.Rel }) {
				f.Why = "run by remote " + rm.Name
				sub.Files = append(sub.Files, f)
			}
		}
	}
	return sub, nil
}

// maxProgram bounds the size of a program of the working tree that trust
// hashes.
const maxProgram = 64 << 20

// workTreeFile returns the file of the working tree that a word of a
// command names, if it names one: a path relative to the working tree
// (where commands run), or an absolute one inside it. A bare program name
// (program true) is looked up in PATH, not here. A symbolic link counts by
// its target's text and, when the target is in the working tree too, by
// the target's content.
func workTreeFile(root, realRoot, word string, program bool) (trust.File, bool, error) {
	if word == "" || strings.HasPrefix(word, "-") || program && !strings.ContainsRune(word, '/') {
		return trust.File{}, false, nil
	}
	p := word
	if !filepath.IsAbs(p) {
		p = filepath.Join(root, p)
	}
	rel, inside := within(root, p)
	if !inside {
		return trust.File{}, false, nil
	}
	fi, err := os.Lstat(p)
	if err != nil || fi.IsDir() {
		return trust.File{}, false, nil // nothing there: the backend says so when it runs
	}
	f := trust.File{Rel: rel}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Readlink(p)
		if err != nil {
			return f, false, err
		}
		f.Content = []byte("symlink " + target + "\x00")
		if p, err = filepath.EvalSymlinks(p); err != nil {
			return f, true, nil // dangling: its text is all there is
		}
		if _, in := within(realRoot, p); !in {
			return f, true, nil // the user's own file, outside the clone
		}
	}
	b, err := safefile.ReadFile(p, maxProgram)
	if err != nil {
		return f, false, err
	}
	f.Content = append(f.Content, b...)
	return f, true, nil
}

// within reports whether p is root or below it, lexically, and returns its
// slash-separated path relative to root.
func within(root, p string) (string, bool) {
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// TrustReport is what vcsync trust shows: the committed configuration's
// remotes and settings, and the files allowing it would trust.
type TrustReport struct {
	Files   []trust.File   // the files that decide what vcsync runs; none: nothing to allow
	Trusted bool           // the user allowed exactly these
	Changed bool           // the user allowed other versions of them
	Since   time.Time      // when the record was made, if any
	Shared  *config.Config // what .vcsync alone asks for; nil without one
	Remotes []TrustRemote  // every remote of the merged configuration
}

// TrustRemote is one remote as trust shows it.
type TrustRemote struct {
	Name, Kind, URL, Branch, Command string // URL redacted
	From                             string // ".vcsync" or ".git/config"
}

// TrustOptions are the inputs of Trust.
type TrustOptions struct {
	Dir   string
	Allow bool // record the files as allowed (vcsync trust); false only shows them
	Deny  bool // withdraw what was allowed (vcsync untrust)
}

// Trust shows what the committed configuration asks vcsync to do and, as
// asked, allows it (records the files' content in the user's trust store)
// or withdraws it.
func Trust(ctx context.Context, opt TrustOptions) (*TrustReport, error) {
	r, _, err := openAt(opt.Dir)
	if err != nil {
		return nil, err
	}
	_, cfgPath, err := r.Dirs(ctx)
	if err != nil {
		return nil, err
	}
	files := configFiles(r.Root, cfgPath)
	cfg, err := config.Load(files...)
	if err != nil {
		return nil, err
	}
	sub, err := trustSubject(r, cfg)
	if err != nil {
		return nil, err
	}
	rep := &TrustReport{Files: sub.Files, Remotes: trustRemotes(cfg, files[0])}
	if slices.ContainsFunc(sub.Files, func(f trust.File) bool { return f.Rel == ".vcsync" }) {
		if rep.Shared, err = config.LoadPart(files[0]); err != nil {
			return nil, err
		}
	}
	store, err := trust.DefaultStore()
	if err != nil {
		return nil, err
	}
	switch {
	case opt.Deny:
		_, err = store.Deny(r.Root)
	case opt.Allow && len(sub.Files) > 0:
		err = store.Allow(sub, time.Now())
	}
	if err != nil {
		return nil, err
	}
	rec, found, err := store.Lookup(r.Root)
	if err != nil {
		return nil, err
	}
	rep.Trusted = found && rec.Hash == sub.Hash()
	rep.Changed = found && !rep.Trusted
	rep.Since = rec.Time
	return rep, nil
}

// trustRemotes lists cfg's remotes, each with the file that defines it.
func trustRemotes(cfg *config.Config, shared config.File) []TrustRemote {
	own, _ := config.LoadPart(shared)
	var out []TrustRemote
	for _, rm := range cfg.Remotes {
		from := ".git/config"
		switch {
		case cfg.FromGit:
			from = ".git/config (git remote)"
		case own != nil && slices.ContainsFunc(own.Remotes, func(o backends.Remote) bool { return o.Name == rm.Name }):
			from = ".vcsync"
		}
		out = append(out, TrustRemote{Name: rm.Name, Kind: rm.Kind, URL: run.RedactURL(rm.URL), Branch: rm.Branch, Command: rm.Options["command"], From: from})
	}
	return out
}

// notCommittedRepo refuses a remote whose URL is a path to a repository
// made of files the working tree commits: pushing to it would run the
// hooks those files hold (git's receive-pack, svn's pre-commit), which a
// clone's publisher wrote. An untracked repository in the working tree is
// the user's own.
func notCommittedRepo(r *repo.Repo, rm backends.Remote) error {
	p, ok := localPath(rm.URL)
	if !ok || rm.Kind == "command" || rm.Kind == "git-svn" {
		return nil // the command's URL is data it is given; git-svn's is the clone's
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(r.Root, p)
	}
	rel, inside := within(r.Root, p)
	if real, err := filepath.EvalSymlinks(p); err == nil && !inside {
		if realRoot, err := filepath.EvalSymlinks(r.Root); err == nil {
			rel, inside = within(realRoot, real)
		}
	}
	if !inside {
		return nil
	}
	if r.Tracked(rel) {
		return fmt.Errorf("remote %s: url %s is a repository that this working tree commits: pushing to it would run the hooks committed with it; refused: use a repository outside the working tree", rm.Name, run.RedactURL(rm.URL))
	}
	return nil
}

// localPath returns the path a URL names on this machine: a file:// URL's
// path, or a URL that is a plain path; ok is false for a URL of a server,
// git's host:path included.
func localPath(u string) (string, bool) {
	if rest, ok := strings.CutPrefix(u, "file://"); ok {
		if i := strings.IndexByte(rest, '/'); i > 0 {
			rest = rest[i:] // file://host/path
		}
		return rest, rest != ""
	}
	if u == "" || strings.Contains(u, "://") {
		return "", false
	}
	if i := strings.IndexByte(u, ':'); i >= 0 && !strings.Contains(u[:i], "/") {
		return "", false // host:path (git, scp), lp:project (bzr)
	}
	return u, true
}

// keepTrust runs edit, a change to the configuration that the user asked
// vcsync for (remote add --shared, remote remove). If the user trusted what
// was there before, or there was nothing to trust, they trust what they
// asked for: the record follows the edit, and their next push is not
// refused for their own change.
func keepTrust(ctx context.Context, r *repo.Repo, edit func() error) error {
	before, beforeErr := currentSubject(ctx, r)
	if err := edit(); err != nil {
		return err
	}
	if beforeErr != nil || checkTrusted(before) != nil {
		return nil
	}
	after, err := currentSubject(ctx, r)
	if err != nil || len(after.Files) == 0 {
		return err
	}
	store, err := trust.DefaultStore()
	if err != nil {
		return err
	}
	return store.Allow(after, time.Now())
}

// currentSubject is the trust subject of the configuration as it is now.
func currentSubject(ctx context.Context, r *repo.Repo) (trust.Subject, error) {
	cfg, err := readConfig(ctx, r)
	if err != nil {
		return trust.Subject{}, err
	}
	return trustSubject(r, cfg)
}
