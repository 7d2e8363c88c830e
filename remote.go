package vcsync

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/config"
	"github.com/vcsync/vcsync/internal/run"
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

// RemoteInfo is a configured remote as vcsync shows it.
type RemoteInfo struct {
	Name, Backend, Branch string
	URL                   string // credentials redacted
}

// RemoteList lists the remotes a push would go to, from the configuration
// alone: no remote is contacted.
func RemoteList(ctx context.Context, dir string) ([]RemoteInfo, error) {
	r, _, err := openAt(dir)
	if err != nil {
		return nil, err
	}
	cfg, err := loadConfig(ctx, r)
	if err != nil {
		return nil, err
	}
	out := make([]RemoteInfo, 0, len(cfg.Remotes))
	for _, rm := range cfg.Remotes {
		out = append(out, infoOf(rm))
	}
	return out, nil
}

// infoOf is what may be shown of a remote.
func infoOf(rm backends.Remote) RemoteInfo {
	return RemoteInfo{Name: rm.Name, Backend: rm.Kind, URL: run.RedactURL(rm.URL), Branch: rm.Branch}
}

// RemoteNames lists the names of the remotes a push would go to, from the
// configuration alone: what a shell completes for a REMOTE argument.
func RemoteNames(ctx context.Context, dir string) ([]string, error) {
	rs, err := RemoteList(ctx, dir)
	names := make([]string, 0, len(rs))
	for _, r := range rs {
		names = append(names, r.Name)
	}
	return names, err
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
