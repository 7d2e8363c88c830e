package vcsync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/config"
	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/run"
	"github.com/vcsync/vcsync/internal/state"
)

// RemoteSpec is a remote to add.
type RemoteSpec struct {
	Name, URL, Backend, Branch string
	Command                    string // the program of a command remote
	Shared                     bool   // write .vcsync (committed) rather than .git/config
}

// RemoteAdded is what RemoteAdd did.
type RemoteAdded struct {
	File string // ".git/config" or ".vcsync"
	// Dropped are the git remotes that vcsync pushed to while it had no
	// remote of its own, and no longer does: the user should know.
	Dropped []string
}

// RemoteAdd configures a remote. Like git remote add, it accepts a URL that
// cannot be reached yet; it refuses names and URLs that a program could
// take for options, and an unknown backend.
func RemoteAdd(ctx context.Context, dir string, spec RemoteSpec, reg backends.Registry) (RemoteAdded, error) {
	r, _, err := openAt(dir)
	if err != nil {
		return RemoteAdded{}, err
	}
	if !config.ValidName(spec.Name) {
		return RemoteAdded{}, fmt.Errorf("remote name %q: use letters, digits, '.', '_' and '-', not starting with '-' or '.'", spec.Name)
	}
	if spec.Backend == "" {
		spec.Backend = "git"
	}
	if spec.URL == "" && spec.Backend != "command" && spec.Backend != "git-svn" {
		return RemoteAdded{}, fmt.Errorf("remote %s: the %s backend needs a URL: vcsync remote add %s URL", spec.Name, spec.Backend, spec.Name)
	}
	if spec.Command != "" && spec.Backend != "command" {
		return RemoteAdded{}, fmt.Errorf("remote %s: --command is for --backend command", spec.Name)
	}
	rm := backends.Remote{Name: spec.Name, Kind: spec.Backend, URL: spec.URL, Branch: spec.Branch, Options: map[string]string{}}
	if spec.Command != "" {
		rm.Options["command"] = spec.Command
	}
	if strings.HasPrefix(spec.URL, "-") {
		return RemoteAdded{}, fmt.Errorf("URL %q starts with '-': refused (a program would read it as an option)", spec.URL)
	}
	if red := run.RedactURL(spec.URL); red != spec.URL {
		// Secrets never sit in the configuration (with --shared it is even
		// committed), nor in a git command line.
		return RemoteAdded{}, fmt.Errorf("URL %s holds a password or token: refused; give credentials through git's credential helper, VCSYNC_TOKEN_<REMOTE>, ssh-agent or VCSYNC_SVN_PASSWORD instead", red)
	}
	if _, err := reg.New(rm); err != nil {
		return RemoteAdded{}, err
	}
	cfg, err := readConfig(ctx, r)
	if err != nil {
		return RemoteAdded{}, err
	}
	for _, existing := range cfg.Remotes {
		if existing.Name == spec.Name && !cfg.FromGit {
			return RemoteAdded{}, fmt.Errorf("remote %s exists already; vcsync remote remove %s first", spec.Name, spec.Name)
		}
	}
	file, name, err := configFile(ctx, r.Root, spec.Shared, r.GitPath)
	if err != nil {
		return RemoteAdded{}, err
	}
	set := func(key, value string) error {
		if value == "" {
			return nil
		}
		_, err := r.Git(ctx, nil, "config", "-f", file, "vcsync."+spec.Name+"."+key, value)
		return err
	}
	err = keepTrust(ctx, r, func() error {
		for _, kv := range [][2]string{{"backend", spec.Backend}, {"url", spec.URL}, {"branch", spec.Branch}, {"command", spec.Command}} {
			if err := set(kv[0], kv[1]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return RemoteAdded{}, err
	}
	added := RemoteAdded{File: name}
	if cfg.FromGit {
		for _, g := range cfg.Remotes {
			if g.Name != spec.Name {
				added.Dropped = append(added.Dropped, g.Name)
			}
		}
	}
	return added, nil
}

// configFile is the file remote add writes: .vcsync with shared, else the
// repository's config.
func configFile(ctx context.Context, root string, shared bool, gitPath func(context.Context, ...string) ([]string, error)) (path, name string, err error) {
	if shared {
		return filepath.Join(root, ".vcsync"), ".vcsync", nil
	}
	ps, err := gitPath(ctx, "config")
	if err != nil {
		return "", "", err
	}
	return ps[0], ".git/config", nil
}

// RemoteRemove removes a remote's section from both files that may hold
// it, and returns the names of those that did (".git/config", ".vcsync").
// A primary = NAME that named it goes too (primaryIn names those files):
// it would name no remote, and every later command would refuse the
// configuration.
func RemoteRemove(ctx context.Context, dir, name string) (removed, primaryIn []string, err error) {
	r, _, err := openAt(dir)
	if err != nil {
		return nil, nil, err
	}
	err = keepTrust(ctx, r, func() error {
		for _, shared := range []bool{false, true} {
			file, shown, err := configFile(ctx, r.Root, shared, r.GitPath)
			if err != nil {
				return err
			}
			if _, err := r.Git(ctx, nil, "config", "-f", file, "--remove-section", "vcsync."+name); err == nil {
				removed = append(removed, shown)
			}
			if out, err := r.Git(ctx, nil, "config", "-f", file, "--get", "vcsync.primary"); err == nil && strings.TrimSpace(string(out)) == name {
				if _, err := r.Git(ctx, nil, "config", "-f", file, "--unset", "vcsync.primary"); err != nil {
					return err
				}
				primaryIn = append(primaryIn, shown)
			}
		}
		return nil
	})
	if err != nil {
		return removed, primaryIn, err
	}
	if len(removed) == 0 {
		return nil, primaryIn, fmt.Errorf("no remote named %q in .git/config or .vcsync", name)
	}
	return removed, primaryIn, nil
}

// RemoteStatus is what vcsync status shows of one remote.
type RemoteStatus struct {
	Name, Backend, URL, Branch string
	Missing                    int // commits the remote lacks; -1 when unknown
	Last                       *state.Last
	// With fetch: whether the remote was asked, what it said it holds
	// ("" for nothing), or why it could not say.
	Asked    bool
	Fetched  string
	FetchErr error
}

// RemoteNames lists the names of the remotes a push would go to, from the
// configuration alone: what a shell completes for a REMOTE argument.
func RemoteNames(ctx context.Context, dir string) ([]string, error) {
	r, _, err := openAt(dir)
	if err != nil {
		return nil, err
	}
	cfg, err := loadConfig(ctx, r)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(cfg.Remotes))
	for _, rm := range cfg.Remotes {
		names = append(names, rm.Name)
	}
	return names, nil
}

// StatusOptions are the inputs of Status.
type StatusOptions struct {
	Dir      string
	Fetch    bool // ask each remote what it holds (backends that can say)
	Runner   *run.Runner
	Registry backends.Registry
}

// Status reads the configuration, the state and the local history. Only
// with Fetch does it contact the remotes, in parallel.
func Status(ctx context.Context, opt StatusOptions) ([]RemoteStatus, error) {
	r, cfg, stateDir, err := openConfigured(ctx, opt.Dir, nil)
	if err != nil {
		return nil, err
	}
	st, err := state.Load(stateDir)
	if err != nil {
		return nil, err
	}
	head, _, err := r.CurrentHead(ctx)
	if err != nil {
		return nil, err
	}
	var out []RemoteStatus
	for _, rm := range cfg.Remotes {
		s := RemoteStatus{Name: rm.Name, Backend: rm.Kind, URL: run.RedactURL(rm.URL), Branch: rm.Branch, Missing: -1}
		if known := st.Remotes[rm.Name]; known != nil {
			s.Last = known.Last
			if known.Holds != "" {
				if n, err := r.Count(ctx, known.Holds, head); err == nil {
					s.Missing = n
				}
			}
		}
		out = append(out, s)
	}
	if opt.Fetch {
		scratch, err := newScratch()
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(scratch)
		fetch(ctx, r, cfg.Remotes, out, head, scratch, opt)
	}
	return out, nil
}

// fetch asks each remote whose backend can say what it holds, all at once,
// and counts what it lacks from that.
func fetch(ctx context.Context, r *repo.Repo, remotes []backends.Remote, out []RemoteStatus, head, scratch string, opt StatusOptions) {
	_, branch, _ := r.CurrentHead(ctx)
	var wg sync.WaitGroup
	for i, rm := range remotes {
		b, err := opt.Registry.New(rm)
		if err != nil {
			out[i].FetchErr = err
			continue
		}
		p, ok := b.(backends.Prober)
		if !ok {
			out[i].FetchErr = fmt.Errorf("the %s backend cannot be asked without pushing", rm.Kind)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			holds, err := p.Holds(ctx, backends.Local{Root: r.Root, Branch: branch, Runner: opt.Runner, Scratch: scratch})
			if err != nil {
				out[i].FetchErr = errors.New(run.Redact(err.Error()))
				return
			}
			out[i].Asked, out[i].Fetched, out[i].Missing = true, holds, -1
			if holds == "" {
				return
			}
			// Counting runs git, which is safe in parallel; the Repo's
			// go-git objects are not touched here.
			if n, err := countBetween(ctx, r.Root, holds, head, opt.Runner); err == nil {
				out[i].Missing = n
			}
		}()
	}
	wg.Wait()
}

// Ago formats how long ago t was, for status lines.
func Ago(t time.Time, now time.Time) string {
	d := now.Sub(t).Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	}
	return t.Format("2006-01-02")
}

// countBetween counts the commits from..to with git, without a Repo (so
// that goroutines need not share one).
func countBetween(ctx context.Context, root, from, to string, runner *run.Runner) (int, error) {
	out, err := runner.Run(ctx, run.Cmd{Name: "git", Args: []string{"rev-list", "--count", from + ".." + to, "--"}, Dir: root})
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(out)))
}
