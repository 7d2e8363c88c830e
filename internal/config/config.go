// Package config loads vcsync's configuration: the [vcsync] and
// [vcsync "NAME"] sections of .vcsync at the repository root (committed,
// shared by the team) and of .git/config (local), the local one winning key
// by key. With no [vcsync "NAME"] remote, every git remote of the
// repository is a target: vcsync works with zero configuration.
//
// It reads files and validates them; it neither execs programs nor knows
// how a backend works (an unknown backend is found by the registry).
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	format "github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/safefile"
)

// Config is the merged configuration.
type Config struct {
	Jobs             int           // pushes at once
	Primary          string        // pushed first; the others only once it succeeded
	Timeout          time.Duration // per remote push; 0 for none
	Retries          int           // retries of a transient failure
	HookCheck        bool          // the pre-push hook checks outgoing commits' messages
	HookMirror       bool          // the pre-push hook pushes to the other remotes
	HookStrict       bool          // a mirror's failure stops git push
	CoAuthorTrailers bool          // co-authors become Co-authored-by trailers
	// FollowTags sends the annotated tags that point into the pushed
	// history to every remote whose own followTags does not say false.
	FollowTags bool
	Remotes    []backends.Remote
	// FromGit is true when no [vcsync "NAME"] section exists and the
	// remotes are the repository's git remotes.
	FromGit bool

	part bool // LoadPart: skip the checks that need the whole configuration
	// AuthorsFile maps svn users to git identities for vcsync pull
	// (git-svn's "user = Name <email>"); AuthorsShared says that the
	// committed .vcsync set it, which may then name only a file inside the
	// working tree.
	AuthorsFile   string
	AuthorsShared bool
	// HookStrictSet says hookStrict was given. Unset, the hook still
	// refuses a git push whose push to a non-git primary failed (the
	// public mirror must not get ahead of the repository of record);
	// only an explicit hookStrict = false lets it through (issue 14).
	HookStrictSet bool
}

// File is one configuration file; Name is how errors name it.
type File struct {
	Name string // ".vcsync" or ".git/config"
	Path string
	// Shared marks the committed file (.vcsync): written by whoever
	// publishes the repository. It must be a regular file of sane size,
	// and its [remote] sections are not read: git remotes come from the
	// repository's own config only.
	Shared bool
}

// MaxShared bounds the size of a committed .vcsync: a few remotes take a
// few hundred bytes, and a symlink to /dev/zero must not exhaust memory.
const MaxShared = 1 << 20

// Known keys, lower-cased as git compares them.
var (
	globalKeys = []string{"jobs", "primary", "timeout", "retries", "hookcheck", "hookmirror", "hookstrict", "coauthortrailers", "authorsfile", "followtags"}
	remoteKeys = []string{"backend", "url", "branch", "command", "followtags", "history", "since", "tags"}
	nameRe     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

// Load reads the files in order of precedence, lowest first (.vcsync,
// then .git/config). A missing file is no error; a bad one is, naming the
// file, the section and the key.
func Load(files ...File) (*Config, error) {
	return load(files, false)
}

// LoadPart reads one part of the configuration (.vcsync alone, to show
// what it asks for) as Load does, without the checks that need the whole:
// a primary or a url that another file may set.
func LoadPart(files ...File) (*Config, error) {
	return load(files, true)
}

func load(files []File, part bool) (*Config, error) {
	c := &Config{Jobs: 4, CoAuthorTrailers: true, part: part}
	var order []string
	sections := map[string]map[string]string{} // remote name -> key -> value
	src := map[string]string{}                 // "name.key" -> "FILE:LINE", for errors
	var gitRemotes []backends.Remote
	for _, f := range files {
		cfg, t, err := read(f)
		if err != nil {
			return nil, err
		}
		for _, s := range cfg.Sections {
			switch {
			case s.IsName("vcsync"):
				if err := c.global(t, s); err != nil {
					return nil, err
				}
				for _, sub := range s.Subsections {
					if err := remoteSection(t, sub, sections, src, &order); err != nil {
						return nil, err
					}
				}
			case s.IsName("remote") && !f.Shared:
				gitRemotes = mergeGitRemotes(gitRemotes, s)
			}
		}
	}
	return c.finish(order, sections, src, gitRemotes)
}

// read decodes one file, and keeps its text to name lines in errors.
func read(f File) (*format.Config, text, error) {
	cfg := format.New()
	t := text{name: f.Name, lines: &lineIndex{}}
	var err error
	if f.Shared {
		t.b, err = ReadShared(f.Path)
	} else {
		t.b, err = os.ReadFile(f.Path)
	}
	if errors.Is(err, os.ErrNotExist) {
		return cfg, t, nil
	}
	if err != nil {
		return nil, t, err
	}
	if err := format.NewDecoder(bytes.NewReader(t.b)).Decode(cfg); err != nil {
		// The decoder says "LINE:COLUMN: what": as FILE:LINE:COLUMN.
		return nil, t, fmt.Errorf("%s:%v", f.Name, err)
	}
	return cfg, t, nil
}

// ReadShared reads a committed .vcsync: a regular file (no symlink, FIFO
// or device) of at most MaxShared bytes. A missing file wraps
// os.ErrNotExist.
func ReadShared(path string) ([]byte, error) {
	b, err := safefile.ReadFile(path, MaxShared)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf(".vcsync: %w", err)
	}
	return b, err
}

// global reads the keys of [vcsync].
func (c *Config) global(t text, s *format.Section) error {
	for _, o := range s.Options {
		k := strings.ToLower(o.Key)
		bad := func(want string) error {
			return fmt.Errorf("%s: [vcsync] %s = %q: %s", t.at("vcsync", "", o.Key), o.Key, o.Value, want)
		}
		var err error
		switch k {
		case "jobs":
			if c.Jobs, err = strconv.Atoi(o.Value); err != nil || c.Jobs < 1 {
				return bad("expected a whole number of pushes at once, 1 or more")
			}
		case "retries":
			if c.Retries, err = strconv.Atoi(o.Value); err != nil || c.Retries < 0 {
				return bad("expected a whole number of retries, 0 or more")
			}
		case "timeout":
			if c.Timeout, err = time.ParseDuration(o.Value); err != nil || c.Timeout < 0 {
				return bad("expected a duration such as 30s or 2m")
			}
		case "primary":
			c.Primary = o.Value
		case "authorsfile":
			if o.Value == "" {
				return bad("expected the path of a file of \"user = Name <email>\" lines")
			}
			c.AuthorsFile, c.AuthorsShared = o.Value, t.name == ".vcsync"
		case "hookcheck", "hookmirror", "hookstrict", "coauthortrailers", "followtags":
			b, ok := parseBool(o.Value)
			if !ok {
				return bad("expected true or false")
			}
			c.setBool(k, b)
		default:
			return fmt.Errorf("%s: [vcsync] unknown key %q (known: %s)", t.at("vcsync", "", o.Key), o.Key, strings.Join(globalKeys, ", "))
		}
	}
	return nil
}

func (c *Config) setBool(key string, b bool) {
	switch key {
	case "hookcheck":
		c.HookCheck = b
	case "hookmirror":
		c.HookMirror = b
	case "hookstrict":
		c.HookStrict, c.HookStrictSet = b, true
	case "coauthortrailers":
		c.CoAuthorTrailers = b
	case "followtags":
		c.FollowTags = b
	}
}

// remoteSection merges one [vcsync "NAME"] section, key by key.
func remoteSection(t text, sub *format.Subsection, sections map[string]map[string]string, src map[string]string, order *[]string) error {
	if !nameRe.MatchString(sub.Name) {
		return fmt.Errorf("%s: [vcsync %q]: a remote name is letters, digits, '.', '_' and '-', not starting with a '-' or '.'", t.at("vcsync", sub.Name, ""), sub.Name)
	}
	if sections[sub.Name] == nil {
		sections[sub.Name] = map[string]string{}
		*order = append(*order, sub.Name)
	}
	for _, o := range sub.Options {
		k := strings.ToLower(o.Key)
		if !slices.Contains(remoteKeys, k) {
			return fmt.Errorf("%s: [vcsync %q] unknown key %q (known: %s)", t.at("vcsync", sub.Name, o.Key), sub.Name, o.Key, strings.Join(remoteKeys, ", "))
		}
		sections[sub.Name][k] = o.Value
		src[sub.Name+"."+k] = t.at("vcsync", sub.Name, o.Key)
	}
	return nil
}

// finish builds the remotes and checks what needs the merged view.
func (c *Config) finish(order []string, sections map[string]map[string]string, src map[string]string, gitRemotes []backends.Remote) (*Config, error) {
	for _, name := range order {
		kv := sections[name]
		r := backends.Remote{Name: name, Kind: kv["backend"], URL: kv["url"], Branch: kv["branch"], Options: map[string]string{}}
		if r.Kind == "" {
			r.Kind = "git"
		}
		for k, v := range kv {
			r.Options[k] = v
		}
		// Booleans as git spells them, kept as "true" or "false".
		for _, k := range []string{"history", "followtags"} {
			v, set := kv[k]
			if !set {
				continue
			}
			b, ok := parseBool(v)
			if !ok {
				return nil, fmt.Errorf("%s: [vcsync %q] %s = %q: expected true or false", src[name+"."+k], name, k, v)
			}
			r.Options[k] = strconv.FormatBool(b)
		}
		// command needs no URL; git-svn finds it in the clone's svn-remote.
		if r.URL == "" && r.Kind != "command" && r.Kind != "git-svn" && !c.part {
			return nil, fmt.Errorf("%s: [vcsync %q] has no url: set it with git config vcsync.%s.url URL (or vcsync remote add)", sectionFile(src, name), name, name)
		}
		if err := checkTags(kv, src[name+".tags"], name); err != nil {
			return nil, err
		}
		if strings.HasPrefix(r.URL, "-") {
			return nil, fmt.Errorf("%s: [vcsync %q] url %q starts with '-': refused, as git refuses it (it would be read as an option)", src[name+".url"], name, r.URL)
		}
		c.Remotes = append(c.Remotes, r)
	}
	if len(c.Remotes) == 0 {
		c.Remotes, c.FromGit = gitRemotes, true
	}
	if c.Primary != "" && !c.part && !slices.ContainsFunc(c.Remotes, func(r backends.Remote) bool { return r.Name == c.Primary }) {
		var names []string
		for _, r := range c.Remotes {
			names = append(names, r.Name)
		}
		return nil, fmt.Errorf("[vcsync] primary = %q names no configured remote; set it to one of: %s, or remove it", c.Primary, strings.Join(names, ", "))
	}
	return c, nil
}

// sectionFile names a file that holds the remote's section.
func sectionFile(src map[string]string, name string) string {
	for _, k := range remoteKeys {
		if f, ok := src[name+"."+k]; ok {
			return f
		}
	}
	return ""
}

// mergeGitRemotes adds a git [remote "X"] section as a git backend target,
// pushing to its pushurl if it has one.
func mergeGitRemotes(rs []backends.Remote, s *format.Section) []backends.Remote {
	for _, sub := range s.Subsections {
		url := sub.Options.Get("pushurl")
		if url == "" {
			url = sub.Options.Get("url")
		}
		if url == "" || strings.HasPrefix(url, "-") || !nameRe.MatchString(sub.Name) {
			continue
		}
		i := slices.IndexFunc(rs, func(r backends.Remote) bool { return r.Name == sub.Name })
		r := backends.Remote{Name: sub.Name, Kind: "git", URL: url, Options: map[string]string{}}
		if i >= 0 {
			rs[i] = r
		} else {
			rs = append(rs, r)
		}
	}
	return rs
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "on", "1", "":
		return true, true
	case "false", "no", "off", "0":
		return false, true
	}
	return false, false
}

// ValidName reports whether name can name a remote.
func ValidName(name string) bool { return nameRe.MatchString(name) }

// checkTags refuses a tags directory (an svn remote's [vcsync "NAME"] tags)
// outside the remote's own repository: it is a path below the parent of the
// remote's directory ("releases", for .../trunk -> .../releases), or below
// the repository's root as svn writes it ("^/tags/proj"), never a URL nor a
// ".." out. A committed .vcsync may set it: with these rules it can only
// name a directory of the repository the user already pushes to.
func checkTags(kv map[string]string, at, name string) error {
	v, ok := kv["tags"]
	if !ok {
		return nil
	}
	p := strings.TrimPrefix(v, "^/")
	bad := p == "" || strings.Contains(p, "://") || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "-") ||
		slices.ContainsFunc(strings.Split(p, "/"), func(s string) bool { return s == ".." || s == "." || s == "" })
	if bad {
		return fmt.Errorf("%s: [vcsync %q] tags = %q: expected a directory of the same repository: a path such as releases (beside the url's directory) or ^/tags/proj (from the repository's root), without '..'", at, name, v)
	}
	return nil
}
