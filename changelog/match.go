package changelog

import (
	"path"
	"strings"
)

// Match is the result of checking the names an entry gives against the files
// a change really touches.
type Match struct {
	Files     []string          // changed files that some name matches, in the order named
	Unmatched []string          // names that match no changed file
	Guessed   map[string]string // a name that matches no path, and the one changed file it must mean
	Suggest   map[string]string // for an unmatched name, the changed file it may mean
	Unnamed   []string          // changed files that no name matches
}

// MatchFiles matches names (as Entry.Files gives them: paths, glob patterns
// such as modules/foo/*, directories) against changed paths. It never
// guesses silently: a name that matches no path is matched to the one
// changed file whose path ends with it (localename.c for
// lib/localename.c), else to the one changed file of its base name
// (src/dfa.c for lib/dfa.c), and the guess is recorded in Guessed so that
// the caller can warn, or refuse it when the name is a file of its own;
// other unmatched names get the closest changed file in Suggest.
func MatchFiles(names, changed []string) Match {
	m := Match{Guessed: map[string]string{}, Suggest: map[string]string{}}
	used := map[string]bool{}
	for _, n := range names {
		hit := false
		for _, c := range changed {
			if matchName(n, c) {
				hit = true
				if !used[c] {
					used[c] = true
					m.Files = append(m.Files, c)
				}
			}
		}
		if hit {
			continue
		}
		if g := guessFile(n, changed); g != "" && !used[g] {
			used[g] = true
			m.Files = append(m.Files, g)
			m.Guessed[n] = g
			continue
		}
		m.Unmatched = append(m.Unmatched, n)
		if s := closest(n, changed); s != "" {
			m.Suggest[n] = s
		}
	}
	for _, c := range changed {
		if !used[c] {
			m.Unnamed = append(m.Unnamed, c)
		}
	}
	return m
}

// matchName reports whether the name n covers the path p: equal, a glob that
// matches it, or a directory that holds it.
func matchName(n, p string) bool {
	if n == p || strings.HasPrefix(p, strings.TrimSuffix(n, "/")+"/") {
		return true
	}
	if strings.ContainsAny(n, "*?[") {
		ok, err := path.Match(n, p)
		return err == nil && ok
	}
	return false
}

// guessFile returns the one changed file whose path ends with "/"+n,
// else the one with the base name of n; "" when none or several have it,
// and for a pattern.
func guessFile(n string, changed []string) string {
	if strings.ContainsAny(n, "*?[") {
		return ""
	}
	if g := only(changed, func(c string) bool { return strings.HasSuffix(c, "/"+n) }); g != "" {
		return g
	}
	return only(changed, func(c string) bool { return path.Base(c) == path.Base(n) })
}

// only returns the one element of list that ok accepts, or "".
func only(list []string, ok func(string) bool) string {
	found := ""
	for _, c := range list {
		if ok(c) {
			if found != "" {
				return ""
			}
			found = c
		}
	}
	return found
}

// closest finds the changed file a mistyped name most likely means: the
// closest name by edit distance, if any is close.
func closest(n string, changed []string) string {
	best, bestD := "", len(n)/3+1
	for _, c := range changed {
		if d := editDistance(n, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
