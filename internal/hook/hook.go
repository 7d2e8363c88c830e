// Package hook installs, chains and removes vcsync's git pre-push hook
// (lefthook's way: a fingerprint marks our hook, a foreign hook is moved
// aside and chained, nothing ambiguous is overwritten without --force).
//
// It only manages files in the hooks directory; what the hook does when git
// runs it is the core's (vcsync.HookRun). It must not import the core.
package hook

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vcsync/vcsync/internal/run"
)

// Fingerprint marks a hook file as vcsync's.
const Fingerprint = "vcsync-pre-push-hook"

// Chained is the name a foreign pre-push hook is moved to; vcsync's hook
// runs it first, with the same arguments and input.
const Chained = "pre-push.vcsync-chained"

// script is the installed hook, for the vcsync at %s (shell-quoted). VCSYNC=0
// (set by vcsync for every git it runs) keeps a push that vcsync makes from
// running vcsync again, but still runs the chained hook.
//
// It runs the vcsync that installed it, by the absolute path recorded at
// install (as pre-commit records its interpreter): git may run hooks with a
// PATH that lacks it (a GUI client, an IDE, a cron job). Only if that file
// is gone (vcsync moved or uninstalled) does it look on PATH; if vcsync is
// in neither place the push fails loudly rather than silently skip the
// mirrors. Hooks of version 1 ran "vcsync" from PATH; they keep working,
// and install replaces them.
const script = `#!/bin/sh
# ` + Fingerprint + ` v2: installed by "vcsync hook install";
# "vcsync hook uninstall" removes it and restores the hook that was here.
chained="$(dirname "$0")/` + Chained + `"
if [ "${VCSYNC:-}" = 0 ]; then
	if [ -x "$chained" ]; then exec "$chained" "$@"; fi
	exit 0
fi
recorded=%s
vcsync="$recorded"
if [ ! -x "$vcsync" ] || [ -d "$vcsync" ]; then
	if ! vcsync="$(command -v vcsync)"; then
		echo "vcsync pre-push hook: vcsync is neither at $recorded (where it was when the hook was installed) nor on PATH; install it and run 'vcsync hook install' again, run 'vcsync hook uninstall', or push with VCSYNC=0" >&2
		exit 1
	fi
fi
exec "$vcsync" hook run pre-push "$@"
`

// Executable returns the absolute path of the running vcsync, for the hook
// to record: the path it was started by, when that is the same file (a
// symlink such as /usr/local/bin/vcsync outlives an upgrade that replaces
// its target), else the file itself.
func Executable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	arg0 := os.Args[0]
	var candidates []string
	if strings.ContainsRune(arg0, '/') {
		if abs, err := filepath.Abs(arg0); err == nil {
			candidates = append(candidates, abs)
		}
	} else {
		// Found on PATH by the shell: the first absolute entry that
		// holds it.
		for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
			if filepath.IsAbs(dir) {
				candidates = append(candidates, filepath.Join(dir, arg0))
			}
		}
	}
	want, err := os.Stat(exe)
	if err != nil {
		return exe, nil
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && os.SameFile(fi, want) {
			return c, nil
		}
	}
	return exe, nil
}

// Result says what Install or Uninstall did, for the user.
type Result struct {
	Path    string // the pre-push hook
	Chained string // the foreign hook now chained (Install) or restored (Uninstall), "" if none
}

// IsOurs reports whether the file at p is vcsync's hook.
func IsOurs(p string) bool {
	b, err := os.ReadFile(p)
	return err == nil && strings.Contains(string(b), Fingerprint)
}

// Install writes vcsync's pre-push hook into dir (git rev-parse --git-path
// hooks), to run the vcsync at bin (an absolute path, see Executable; ""
// for the one on PATH). A foreign hook there is moved to Chained. When both
// a foreign hook and a chained one exist already, which to keep is
// ambiguous: refused unless force, which keeps the current foreign hook as
// the chained one.
func Install(dir, bin string, force bool) (Result, error) {
	res := Result{Path: filepath.Join(dir, "pre-push")}
	chained := filepath.Join(dir, Chained)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	_, err := os.Lstat(res.Path)
	switch {
	case errors.Is(err, os.ErrNotExist) || IsOurs(res.Path):
		// Nothing of anyone else's to keep.
	case err != nil:
		return res, err
	default:
		if _, err := os.Lstat(chained); err == nil && !force {
			return res, fmt.Errorf("%s is not vcsync's hook, and %s exists already: which one to keep is unclear; move one away, or use --force to chain the current pre-push and drop %s", res.Path, chained, Chained)
		}
		if err := os.Rename(res.Path, chained); err != nil {
			return res, err
		}
		res.Chained = chained
	}
	if _, err := os.Lstat(chained); err == nil {
		res.Chained = chained
	}
	tmp := res.Path + ".vcsync-tmp"
	if err := os.WriteFile(tmp, []byte(fmt.Sprintf(script, run.Quote(bin))), 0o755); err != nil {
		return res, err
	}
	return res, os.Rename(tmp, res.Path)
}

// Uninstall removes vcsync's hook and puts the chained hook back. A
// pre-push hook that is not vcsync's is left alone.
func Uninstall(dir string) (Result, error) {
	res := Result{Path: filepath.Join(dir, "pre-push")}
	chained := filepath.Join(dir, Chained)
	if _, err := os.Lstat(res.Path); errors.Is(err, os.ErrNotExist) {
		return res, fmt.Errorf("no pre-push hook is installed in %s", dir)
	}
	if !IsOurs(res.Path) {
		return res, fmt.Errorf("%s is not vcsync's hook; left alone", res.Path)
	}
	if err := os.Remove(res.Path); err != nil {
		return res, err
	}
	if _, err := os.Lstat(chained); err == nil {
		if err := os.Rename(chained, res.Path); err != nil {
			return res, err
		}
		res.Chained = res.Path
	}
	return res, nil
}

// RefUpdate is one line of what git feeds a pre-push hook.
type RefUpdate struct {
	LocalRef, LocalID, RemoteRef, RemoteID string
}

// ZeroID is git's id for "no object": a deletion (local) or a new ref
// (remote).
const ZeroID = "0000000000000000000000000000000000000000"

// Deletes reports whether the update deletes the remote ref.
func (u RefUpdate) Deletes() bool { return u.LocalID == ZeroID }

// Creates reports whether the update creates the remote ref.
func (u RefUpdate) Creates() bool { return u.RemoteID == ZeroID }

// ParseUpdates reads git's pre-push input: "<local ref> <local id> <remote
// ref> <remote id>" per line.
func ParseUpdates(in string) ([]RefUpdate, error) {
	var us []RefUpdate
	for n, l := range strings.Split(strings.TrimRight(in, "\n"), "\n") {
		if l == "" {
			continue
		}
		f := strings.Fields(l)
		if len(f) != 4 {
			return nil, fmt.Errorf("pre-push input line %d: %q: expected \"<local ref> <local id> <remote ref> <remote id>\"", n+1, l)
		}
		us = append(us, RefUpdate{f[0], f[1], f[2], f[3]})
	}
	return us, nil
}

// FromPreCommit reads what the pre-commit framework gives a pre-push hook
// in the environment, as it reads git's stdin itself: the remote's name and
// URL, and git's ref line for the one ref that pre-commit runs its hooks
// for (the first that pushes something). Without PRE_COMMIT_TO_REF (a push
// that brings the root commit) the local id is the local ref itself, for
// the caller to resolve; without PRE_COMMIT_FROM_REF the remote's id is
// ZeroID. ok is false unless the four variables that pre-commit sets
// together are set.
func FromPreCommit(getenv func(string) string) (remote, url string, input []byte, ok bool) {
	remote, url = getenv("PRE_COMMIT_REMOTE_NAME"), getenv("PRE_COMMIT_REMOTE_URL")
	local, remoteRef := getenv("PRE_COMMIT_LOCAL_BRANCH"), getenv("PRE_COMMIT_REMOTE_BRANCH")
	if remote == "" || url == "" || local == "" || remoteRef == "" {
		return "", "", nil, false
	}
	to, from := getenv("PRE_COMMIT_TO_REF"), getenv("PRE_COMMIT_FROM_REF")
	if to == "" {
		to = local
	}
	if from == "" {
		from = ZeroID
	}
	return remote, url, []byte(strings.Join([]string{local, to, remoteRef, from}, " ") + "\n"), true
}
