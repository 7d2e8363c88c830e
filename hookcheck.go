package vcsync

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/changelog"
	"github.com/vcsync/vcsync/internal/hook"
	"github.com/vcsync/vcsync/internal/repo"
)

// checkOutgoing refuses commits that leave without their ChangeLog entry:
// each outgoing commit that changes files other than ChangeLogs must change
// a ChangeLog (when the project keeps one), and its message must be the one
// vcsync derives from that change. Every offending commit is listed.
func checkOutgoing(ctx context.Context, r *repo.Repo, updates []hook.RefUpdate) error {
	var problems []string
	base := ""
	for _, u := range updates {
		if u.Deletes() {
			continue
		}
		// Commits no remote has yet: what this push brings. The remote's
		// old tip counts only if we have it (not after a forced push).
		not := []string{"--not", "--remotes"}
		if !u.Creates() {
			if _, err := r.Git(ctx, nil, "cat-file", "-e", u.RemoteID+"^{commit}"); err == nil {
				not = append(not, u.RemoteID)
				base = u.RemoteID
			}
		}
		out, err := r.Git(ctx, nil, append([]string{"rev-list", "--reverse", "--no-merges", u.LocalID}, not...)...)
		if err != nil {
			return err
		}
		for _, c := range strings.Fields(string(out)) {
			p, err := checkCommit(ctx, r, c)
			if err != nil {
				return err
			}
			if p != "" {
				problems = append(problems, p)
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	fix := "git rebase -i " + kit.Short(base)
	if base == "" {
		fix = "git rebase -i (from the first of them)"
	}
	return fmt.Errorf("the push is refused: %d commit(s) lack their ChangeLog entry or do not carry its message:\n\t%s\nfix them with %s (edit the ChangeLog, reword with the message vcsync derives), or push with VCSYNC=0 to skip this check",
		len(problems), strings.Join(problems, "\n\t"), fix)
}

// checkCommit returns what is wrong with one commit, or "".
func checkCommit(ctx context.Context, r *repo.Repo, c string) (string, error) {
	out, err := r.Git(ctx, nil, "diff-tree", "--no-commit-id", "--name-only", "-r", "-z", "--root", c)
	if err != nil {
		return "", err
	}
	var logs []string
	other := false
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		switch {
		case f == "":
		case changelog.IsChangeLogName(f):
			logs = append(logs, f)
		default:
			other = true
		}
	}
	msg, err := r.Git(ctx, nil, "log", "-1", "--format=%B", c)
	if err != nil {
		return "", err
	}
	subject, _, _ := strings.Cut(string(msg), "\n")
	what := kit.Short(c) + " " + fmt.Sprintf("%q", subject)
	if len(logs) == 0 {
		if other && keepsChangeLog(ctx, r, c) {
			return what + ": changes files but no ChangeLog", nil
		}
		return "", nil
	}
	derived, err := deriveAt(ctx, r, c, logs)
	if err != nil {
		return what + ": its ChangeLog entry cannot be read: " + err.Error(), nil
	}
	if !sameMessage(derived, string(msg)) {
		want, _, _ := strings.Cut(derived, "\n")
		return fmt.Sprintf("%s: the message is not the one its entry gives (%q)", what, want), nil
	}
	return "", nil
}

// keepsChangeLog reports whether the commit's tree has a ChangeLog at the
// top (or debian/changelog): a project without one is not checked.
func keepsChangeLog(ctx context.Context, r *repo.Repo, c string) bool {
	out, err := r.Git(ctx, nil, "ls-tree", "--name-only", c, "--", ".", "debian/changelog")
	if err != nil {
		return false
	}
	for _, f := range strings.Fields(string(out)) {
		if changelog.IsChangeLogName(f) {
			return true
		}
	}
	return false
}

// deriveAt derives the message a commit's ChangeLog changes give.
func deriveAt(ctx context.Context, r *repo.Repo, c string, logs []string) (string, error) {
	var inputs []changelog.Input
	for _, p := range logs {
		newText, err := r.Git(ctx, nil, "cat-file", "blob", c+":"+p)
		if err != nil {
			continue // deleted: adds nothing
		}
		oldText, _ := r.Git(ctx, nil, "cat-file", "blob", c+"^:"+p) // absent for a new file or a root commit
		inputs = append(inputs, changelog.Input{Path: p, Old: oldText, New: newText})
	}
	m, err := changelog.Derive(inputs, changelog.Options{NoCoAuthorTrailers: !r.BoolConfig("vcsync", "coAuthorTrailers", true)})
	if err != nil {
		return "", err
	}
	return m.Text, nil
}

var trailerLine = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*: `)

// sameMessage reports whether a commit message is the derived one: equal
// but for white space at line ends and trailing blank lines, and for
// trailers a hook may have added (Signed-off-by: ...).
func sameMessage(derived, msg string) bool {
	norm := func(s string) []string {
		var ls []string
		for _, l := range strings.Split(s, "\n") {
			ls = append(ls, strings.TrimRight(l, " \t\r"))
		}
		return trimBlankLines(ls)
	}
	d, m := norm(derived), norm(msg)
	if len(m) < len(d) {
		return false
	}
	for i := range d {
		if d[i] != m[i] {
			return false
		}
	}
	for _, l := range m[len(d):] {
		if l != "" && !trailerLine.MatchString(l) {
			return false
		}
	}
	return true
}

// trimBlankLines drops blank lines at both ends.
func trimBlankLines(ls []string) []string {
	for len(ls) > 0 && ls[0] == "" {
		ls = ls[1:]
	}
	for len(ls) > 0 && ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}
