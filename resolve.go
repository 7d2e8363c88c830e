package vcsync

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/vcsync/vcsync/changelog"
	"github.com/vcsync/vcsync/internal/repo"
)

// resolveFiles puts, for the names of an entry that are no path (a glob,
// a file in the wrong directory or named without its directory), the
// changed files they stand for, as vcsync commit will take them: the
// changed files a glob matches; the one changed file whose path ends
// with a name that exists nowhere (localename.c for lib/localename.c), or
// has its base name, with a warning that names both. Plain paths cost no
// git status: vcsync message stays as fast as git diff (P1).
func resolveFiles(ctx context.Context, r *repo.Repo, m *changelog.Message, changes []repo.Change) error {
	if !slices.ContainsFunc(m.Files, func(n string) bool { return isPattern(n) || !pathExists(r, n) }) {
		return nil
	}
	if changes == nil {
		var err error
		if changes, err = r.Changes(ctx); err != nil {
			return err
		}
	}
	var changed []string
	for _, c := range changes {
		if !slices.Contains(m.ChangeLogs, c.Path) {
			changed = append(changed, c.Path)
		}
	}
	var files []string
	for _, n := range m.Files {
		match := changelog.MatchFiles([]string{n}, changed)
		g, guessed := match.Guessed[n]
		switch {
		case guessed && pathExists(r, n):
			files = append(files, n) // a file of its own: vcsync commit says it has no change
		case guessed:
			files = appendOnce(files, g)
			m.FileSource[g] = m.FileSource[n]
			m.Warnings = append(m.Warnings, sourceWarning(m.FileSource[n], guessNote(n, g)))
		case isPattern(n) && len(match.Files) > 0:
			for _, f := range match.Files {
				files = appendOnce(files, f)
				m.FileSource[f] = m.FileSource[n]
			}
		default:
			files = appendOnce(files, n)
		}
	}
	m.Files = files
	return nil
}

// guessNote says which changed file a name that exists nowhere is taken
// for.
func guessNote(n, g string) string {
	return "names " + n + ", which is no file of the working tree; taken as " + g + ", the one changed file of that name"
}

// pathExists reports whether a repository path is in the working tree or
// at HEAD.
func pathExists(r *repo.Repo, p string) bool {
	_, err := os.Lstat(filepath.Join(r.Root, filepath.FromSlash(p)))
	return err == nil || r.Tracked(p)
}

func isPattern(n string) bool { return strings.ContainsAny(n, "*?[") }

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// sourceWarning makes a warning of text about the ChangeLog line src
// ("ChangeLog:12").
func sourceWarning(src, text string) changelog.Warning {
	w := changelog.Warning{Path: src, Text: text}
	if i := strings.LastIndexByte(src, ':'); i > 0 {
		if n, err := strconv.Atoi(src[i+1:]); err == nil {
			w.Path, w.Line = src[:i], n
		}
	}
	return w
}
