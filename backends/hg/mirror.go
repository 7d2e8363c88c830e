package hg

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vcsync/vcsync/backends"
)

// convertArgs run the convert extension, which ships with hg, without the
// user having to enable it. committeractions=dropcommitter keeps the
// message exactly the ChangeLog entry, as on every other remote: by default
// convert appends "committer: ..." when the committer is not the author.
// These settings are part of the conversion and must never change: a
// mirror rebuilt with others would give other changeset ids, and the
// remote's tip would no longer be recognised as ours.
var convertArgs = []string{"--config", "extensions.convert=", "--config", "convert.git.committeractions=dropcommitter", "convert"}

// mirror is the Mercurial conversion of the git repository kept for one
// remote, under .git/vcsync/hg/NAME, with its lock file beside it.
type mirror struct {
	dir, lock string
}

// mirrorOf returns the mirror of the remote. The name is escaped: a remote
// may be named "a/b" or "..".
func (b *backend) mirrorOf(gitDir string) mirror {
	name := url.PathEscape(b.remote.Name)
	if name == "." || name == ".." || name == "" {
		name = "%" + name
	}
	base := filepath.Join(gitDir, "vcsync", "hg")
	return mirror{dir: filepath.Join(base, name), lock: filepath.Join(base, name+".lock")}
}

// convert brings the mirror up to the commit to, under its lock, and
// returns its shamap: commit id -> changeset id. The engine pushes remotes
// in parallel, and two runs may push the same remote at once: without the
// lock, two `hg convert` into one mirror would both append to its shamap.
// Pushes only read the mirror afterwards, which hg allows during a write.
//
// A dry run changes no mirror: it reads the shamap, and when to is not in
// it, prints the convert and leaves to out of the map.
func (b *backend) convert(ctx context.Context, l backends.Local, m mirror, gitDir, to string) (map[string]string, error) {
	if l.Runner.Dry() {
		shamap, err := readShamap(m.dir)
		if err != nil {
			return nil, b.errorf(backends.Fatal, "%v", err)
		}
		if _, ok := shamap[to]; !ok {
			b.hg(ctx, l, slices.Concat(convertArgs, []string{"--rev", to, "--", gitDir, m.dir})...)
		}
		return shamap, nil
	}
	if err := os.MkdirAll(filepath.Dir(m.dir), 0o755); err != nil {
		return nil, b.errorf(backends.Fatal, "%v", err)
	}
	unlock, err := lockFile(ctx, m.lock)
	if err != nil {
		return nil, b.fail(err, "lock the mirror")
	}
	defer unlock()
	shamap, err := readShamap(m.dir)
	if err != nil {
		return nil, b.errorf(backends.Fatal, "%v", err)
	}
	if _, ok := shamap[to]; ok {
		return shamap, nil // converted by an earlier push: skip hg's startup and scan
	}
	// The git directory, not the working tree: convert does not follow
	// the .git file of a worktree.
	args := slices.Concat(convertArgs, []string{"--rev", to, "--", gitDir, m.dir})
	if _, err := b.hg(ctx, l, args...); err != nil {
		return nil, b.fail(err, "convert to Mercurial in "+m.dir)
	}
	if shamap, err = readShamap(m.dir); err != nil {
		return nil, b.errorf(backends.Fatal, "%v", err)
	}
	if _, ok := shamap[to]; !ok {
		return nil, b.errorf(backends.Fatal, "hg convert did not convert %s into %s", short(to), m.dir)
	}
	return shamap, nil
}

// readShamap reads the mirror's .hg/shamap, which hg convert appends a
// "COMMIT CHANGESET" line to for each commit it converts; a mirror not yet
// made has none.
func readShamap(dir string) (map[string]string, error) {
	m := map[string]string{}
	p := filepath.Join(dir, ".hg", "shamap")
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if id, node, ok := strings.Cut(strings.TrimSpace(s.Text()), " "); ok {
			m[id] = node
		}
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return m, nil
}
