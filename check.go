package vcsync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vcsync/vcsync/changelog"
	"github.com/vcsync/vcsync/internal/repo"
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
	match := changelog.MatchFiles(c.m.Files, changed)
	for _, n := range c.m.Files {
		if g, ok := match.Guessed[n]; ok {
			problems = append(problems, fmt.Sprintf("%s: names %s, which has no change; did you mean %s? Fix the entry", c.m.FileSource[n], n, g))
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
	if len(problems) > 0 {
		return nil, nil, fmt.Errorf("the entry does not match the working tree; nothing committed:\n\t%s", strings.Join(problems, "\n\t"))
	}
	files = append(match.Files, files...)
	if len(c.m.Files) == 0 && len(changed) > 0 {
		warnings = append(warnings, "the entry names no file (no \"* FILE: text\" item), so only the ChangeLog is committed")
	}
	if len(match.Unnamed) > 0 {
		if c.opt.All {
			files = append(files, match.Unnamed...)
		} else {
			warnings = append(warnings, fmt.Sprintf("modified, but named by no entry, so not committed: %s (vcsync commit --all commits them)", strings.Join(match.Unnamed, " ")))
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

// checkEditors refuses files that an editor holds unsaved changes to: the
// commit would miss them. Emacs marks a modified buffer with a lock .#F (a
// symlink, often dangling: GNU vc-dwim's check misses it) and autosaves to
// #F#; Vim keeps a swap file .F.swp (.swo, .swn, ...) whose header says
// whether the buffer is modified, next to the file or, named by the file's
// whole path, in a swap directory (swapDirs).
func checkEditors(r *repo.Repo, files []string) error {
	var problems []string
	roots := []string{r.Root}
	if real, err := filepath.EvalSymlinks(r.Root); err == nil && real != r.Root {
		roots = append(roots, real) // Vim names the file as it was opened
	}
	swapDirs := swapDirs()
	for _, f := range files {
		dir, base := path.Split(f)
		at := func(name string) string { return filepath.Join(r.Root, filepath.FromSlash(dir+name)) }
		for _, lock := range []string{".#" + base, "#" + base + "#"} {
			if _, err := os.Lstat(at(lock)); err == nil {
				problems = append(problems, fmt.Sprintf("%s has unsaved changes in Emacs (%s%s exists); save it, then run vcsync again", f, dir, lock))
			}
		}
		for _, ext := range []string{"swp", "swo", "swn", "swm"} {
			swap := "." + base + "." + ext
			if vimModified(at(swap)) {
				problems = append(problems, fmt.Sprintf("%s has unsaved changes in Vim (%s%s); save it, then run vcsync again", f, dir, swap))
				continue
			}
			for _, sd := range swapDirs {
				for _, root := range roots {
					swap := filepath.Join(sd, strings.ReplaceAll(filepath.Join(root, filepath.FromSlash(f)), string(filepath.Separator), "%")+"."+ext)
					if vimModified(swap) {
						problems = append(problems, fmt.Sprintf("%s has unsaved changes in Vim (%s); save it, then run vcsync again", f, swap))
					}
				}
			}
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// swapDirs are the directories where Vim and Neovim keep swap files named
// by the file's whole path (a 'directory' entry ending in "//", '/' written
// '%'): Neovim's default, Vim's under XDG_STATE_HOME, and the usual
// ~/.vim/swap of a vimrc. A 'directory' elsewhere is not found: vcsync
// cannot ask a running editor.
func swapDirs() []string {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil
	}
	state := os.Getenv("XDG_STATE_HOME")
	if state == "" {
		state = filepath.Join(home, ".local", "state")
	}
	return []string{
		filepath.Join(state, "nvim", "swap"),
		filepath.Join(state, "vim", "swap"),
		filepath.Join(home, ".local", "share", "nvim", "swap"), // Neovim before 0.8
		filepath.Join(home, ".vim", "swap"),
		filepath.Join(home, ".vim", "swp"),
		filepath.Join(home, ".vim", "tmp"),
		filepath.Join(home, ".cache", "vim", "swap"),
	}
}

// vimModified reports whether a Vim swap file exists and marks its buffer
// as modified. Block 0 of a swap file holds the "dirty" byte at offset 1007
// (0x55 when modified: Vim's memline.c, b0_dirty); a swap file too short to
// tell is taken as modified.
func vimModified(swap string) bool {
	f, err := os.Open(swap)
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, 1008)
	if n, _ := f.Read(b); n < len(b) || string(b[:2]) != "b0" {
		return true
	}
	return b[1007] == 0x55
}
