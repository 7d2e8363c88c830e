package vcsync

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/vcsync/vcsync/changelog"
	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/run"
)

// checker compares the files an entry names with the working tree.
type checker struct {
	ctx     context.Context
	r       *repo.Repo
	m       *changelog.Message
	changes []repo.Change
	opt     CommitOptions
}

// files returns the named files to commit (ChangeLogs aside) and the
// warnings, or an error that lists every problem found: GNU vc-dwim stops at
// the first, which makes the user run it once per mistake.
func (c *checker) files() (files, warnings []string, err error) {
	var changed []string
	var problems []string
	for _, ch := range c.changes {
		if slices.Contains(c.m.ChangeLogs, ch.Path) {
			if ch.Unmerged {
				problems = append(problems, ch.Path+" has an unresolved merge conflict; resolve it and git add it")
			}
			continue
		}
		changed = append(changed, ch.Path)
	}
	// What git would never add is refused before anything else is asked
	// of it: a clone's ChangeLog may name .git/config, or a file beyond a
	// symbolic link, for --add to commit and push.
	var named []string
	for _, n := range c.m.Files {
		if slices.Contains(c.m.ChangeLogs, n) {
			continue // an entry may name its ChangeLog (a typo fixed in an old entry): committed anyway
		}
		if err := c.r.VerifyPath(n); err != nil {
			problems = append(problems, fmt.Sprintf("%s: names %v; refused", c.m.FileSource[n], err))
			continue
		}
		named = append(named, n)
	}
	match := changelog.MatchFiles(named, changed)
	for _, n := range named {
		g, ok := match.Guessed[n]
		switch {
		case !ok:
		case c.addable(n):
			// A new file named like a changed one elsewhere
			// (hookrun.go beside internal/cli/hookrun.go): no typo.
			files = append(files, n)
		case pathExists(c.r, n):
			problems = append(problems, fmt.Sprintf("%s: names %s, which has no change; did you mean %s? Fix the entry", c.m.FileSource[n], n, g))
		default:
			warnings = append(warnings, c.m.FileSource[n]+": "+guessNote(n, g))
		}
	}
	for _, n := range match.Unmatched {
		added, p := c.unmatched(n, match.Suggest[n])
		if p != "" {
			problems = append(problems, p)
		}
		files = append(files, added...)
	}
	for _, ch := range c.changes {
		if ch.Unmerged && slices.Contains(match.Files, ch.Path) {
			problems = append(problems, ch.Path+" has an unresolved merge conflict; resolve it and git add it")
		}
	}
	files = append(match.Files, files...)
	for _, f := range files {
		if err := c.r.VerifyPath(f); err != nil { // a file that a glob found
			problems = append(problems, fmt.Sprintf("the entry names %v; refused", err))
		}
	}
	// Unsaved editor changes, in the same list: each mistake once, all at once.
	for _, p := range editorProblems(c.r, append(slices.Clone(c.m.ChangeLogs), files...)) {
		if src := c.m.FileSource[p.file]; src != "" {
			p.text = src + ": " + p.text
		}
		problems = append(problems, p.text)
	}
	if len(problems) > 0 {
		return nil, nil, fmt.Errorf("the entry does not match the working tree; nothing committed:\n\t%s", strings.Join(problems, "\n\t"))
	}
	if len(c.m.Files) == 0 && len(changed) > 0 {
		warnings = append(warnings, "the entry names no file (no \"* FILE: text\" item), so only the ChangeLog is committed")
	}
	if len(match.Unnamed) > 0 {
		if c.opt.All {
			files = append(files, match.Unnamed...)
		} else {
			warnings = append(warnings, fmt.Sprintf("modified, but named by no entry, so not committed: %s (vcsync commit --all commits them)", someNames(match.Unnamed, 8)))
		}
	}
	return files, warnings, nil
}

// unmatched explains a name that matches no changed file, or, with --add,
// returns the untracked files it names.
func (c *checker) unmatched(n, suggestion string) (added []string, problem string) {
	src := c.m.FileSource[n]
	hint := ""
	if suggestion != "" {
		hint = "; did you mean " + suggestion + "?"
	}
	if strings.ContainsAny(n, "*?[") {
		if c.opt.Add {
			if added = c.untrackedGlob(n); len(added) > 0 {
				return added, ""
			}
		}
		return nil, fmt.Sprintf("%s: %s matches no changed file%s", src, n, hint)
	}
	fi, err := os.Lstat(filepath.Join(c.r.Root, filepath.FromSlash(n)))
	switch {
	case err != nil:
		return nil, fmt.Sprintf("%s: names %s, which does not exist (a typo?)%s", src, n, hint)
	case c.r.Tracked(n) || fi.IsDir():
		return nil, fmt.Sprintf("%s: names %s, which has no change (not saved yet?)%s", src, n, hint)
	case c.opt.Add:
		return []string{n}, ""
	}
	return nil, fmt.Sprintf("%s: names %s, which git does not track; run git add %s, or vcsync commit --add", src, n, n)
}

// addable reports whether --add would add the file n: it exists, and git
// does not track it.
func (c *checker) addable(n string) bool {
	fi, err := os.Lstat(filepath.Join(c.r.Root, filepath.FromSlash(n)))
	return c.opt.Add && err == nil && !fi.IsDir() && !c.r.Tracked(n)
}

// untrackedGlob returns the untracked, not ignored files that the glob
// pattern (path.Match syntax, as in MatchFiles) names: with --add, an entry
// may name new files as testdata/script/commit_*.txtar.
func (c *checker) untrackedGlob(pattern string) []string {
	found, err := filepath.Glob(filepath.Join(c.r.Root, filepath.FromSlash(pattern)))
	if err != nil || len(found) == 0 {
		return nil
	}
	args := []string{"ls-files", "-z", "--others", "--exclude-standard", "--"}
	for _, f := range found {
		rel, err := filepath.Rel(c.r.Root, f)
		if err != nil {
			return nil
		}
		args = append(args, ":(literal)"+filepath.ToSlash(rel))
	}
	out, err := c.r.Git(c.ctx, nil, args...)
	if err != nil {
		return nil
	}
	return strings.FieldsFunc(string(out), func(r rune) bool { return r == 0 })
}

// editorProblems finds the files that an editor holds unsaved changes to:
// the commit would miss them. Emacs marks a modified buffer with a lock .#F (a
// symlink, often dangling: GNU vc-dwim's check misses it) and autosaves to
// #F#; Vim keeps a swap file .F.swp (.swo, .swn, ...) whose header says
// whether the buffer is modified, next to the file or, named by the file's
// whole path, in a swap directory (swapDirs).
func editorProblems(r *repo.Repo, files []string) []editorProblem {
	var problems []editorProblem
	add := func(f, format string, args ...any) {
		problems = append(problems, editorProblem{file: f, text: fmt.Sprintf(format, args...)})
	}
	roots := []string{r.Root}
	if real, err := filepath.EvalSymlinks(r.Root); err == nil && real != r.Root {
		roots = append(roots, real) // Vim names the file as it was opened
	}
	swapDirs := swapDirs()
	for _, f := range files {
		dir, base := path.Split(f)
		at := func(name string) string { return filepath.Join(r.Root, filepath.FromSlash(dir+name)) }
		lock := ".#" + base
		if target, err := os.Readlink(at(lock)); err == nil {
			if pid, gone := emacsGone(target); gone {
				add(f, "%s: %s%s is the lock of an Emacs that is gone (pid %d); delete it", f, dir, lock, pid)
			} else {
				add(f, "%s has unsaved changes in Emacs (%s%s exists); save it", f, dir, lock)
			}
		}
		if auto := "#" + base + "#"; exists(at(auto)) {
			add(f, "%s has unsaved changes in Emacs (%s%s exists); save it (if that Emacs is gone: M-x recover-file, or delete %s%s)", f, dir, auto, dir, auto)
		}
		for _, ext := range []string{"swp", "swo", "swn", "swm"} {
			swaps := []string{at("." + base + "." + ext)}
			for _, sd := range swapDirs {
				for _, root := range roots {
					swaps = append(swaps, filepath.Join(sd, strings.ReplaceAll(filepath.Join(root, filepath.FromSlash(f)), string(filepath.Separator), "%")+"."+ext))
				}
			}
			for i, swap := range swaps {
				modified, pid := vimSwap(swap)
				if !modified {
					continue
				}
				shown := swap
				if i == 0 {
					shown = dir + "." + base + "." + ext
				}
				if pid > 0 && !run.Alive(pid) {
					add(f, "%s has unsaved changes in Vim (%s), but that Vim (pid %d) is gone: recover them with vim -r %s, or delete %s", f, shown, pid, f, shown)
				} else {
					add(f, "%s has unsaved changes in Vim (%s); save it", f, shown)
				}
				break
			}
		}
	}
	return problems
}

// editorProblem is an editor's unsaved change to a file to be committed.
type editorProblem struct{ file, text string }

// exists reports whether path names anything, a dangling symlink included.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// emacsGone reads an Emacs lock's target, "user@host.pid:boot" (or without
// ":boot"), and reports the pid and true when the lock is this machine's
// and that process is gone: a lock left by an Emacs that was killed.
func emacsGone(target string) (int, bool) {
	_, hostPid, ok := strings.Cut(target, "@")
	if !ok {
		return 0, false
	}
	hostPid, _, _ = strings.Cut(hostPid, ":")
	dot := strings.LastIndex(hostPid, ".")
	if dot < 0 {
		return 0, false
	}
	pid, err := strconv.Atoi(hostPid[dot+1:])
	host, herr := os.Hostname()
	if err != nil || herr != nil || hostPid[:dot] != host || pid <= 0 {
		return 0, false
	}
	return pid, !run.Alive(pid)
}

// swapDirs are the directories where Vim and Neovim keep swap files named
// by the file's whole path (a 'directory' entry ending in "//", '/' written
// '%'): Neovim's default, Vim's under XDG_STATE_HOME, and the usual
// ~/.vim/swap of a vimrc; only those that exist, so that each file costs
// no failed open per missing directory. A 'directory' elsewhere is not
// found: vcsync cannot ask a running editor.
func swapDirs() []string {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil
	}
	state := os.Getenv("XDG_STATE_HOME")
	if state == "" {
		state = filepath.Join(home, ".local", "state")
	}
	var dirs []string
	for _, d := range []string{
		filepath.Join(state, "nvim", "swap"),
		filepath.Join(state, "vim", "swap"),
		filepath.Join(home, ".local", "share", "nvim", "swap"), // Neovim before 0.8
		filepath.Join(home, ".vim", "swap"),
		filepath.Join(home, ".vim", "swp"),
		filepath.Join(home, ".vim", "tmp"),
		filepath.Join(home, ".cache", "vim", "swap"),
	} {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// vimSwap reads a Vim swap file's block 0: whether it exists and marks its
// buffer as modified (the "dirty" byte at offset 1007, 0x55 when modified:
// Vim's memline.c, b0_dirty; a swap file too short to tell is taken as
// modified), and the pid of the Vim that wrote it (b0_pid at 24, least
// significant byte first); pid is 0 when the swap file is another
// machine's (b0_hname at 68) or cannot tell.
func vimSwap(swap string) (modified bool, pid int) {
	f, err := os.Open(swap)
	if err != nil {
		return false, 0
	}
	defer f.Close()
	b := make([]byte, 1008)
	if n, _ := f.Read(b); n < len(b) || string(b[:2]) != "b0" {
		return true, 0
	}
	if b[1007] != 0x55 {
		return false, 0
	}
	host, _, _ := strings.Cut(string(b[68:108]), "\x00")
	if h, err := os.Hostname(); err != nil || host != h {
		return true, 0
	}
	return true, int(b[24]) | int(b[25])<<8 | int(b[26])<<16 | int(b[27])<<24
}
