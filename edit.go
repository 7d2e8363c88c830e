package vcsync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/run"
)

// ErrEmptyMessage is an edited message left empty: the commit is
// abandoned, as git's is.
var ErrEmptyMessage = errors.New("the edited message is empty; nothing committed")

// commentChars are the characters a line of the edited message may start
// with to be a comment, in git's order for core.commentChar=auto: the
// first that starts no line of the message is used, so that a ChangeLog
// line starting with '#' stays.
const commentChars = "#;@!$%^&|:"

// editMessage opens the message, in COMMIT_EDITMSG as git commit -e does,
// in the editor git would use (git var GIT_EDITOR: GIT_EDITOR,
// core.editor, VISUAL, EDITOR, vi), run through sh as git runs it, on the
// user's terminal, with the author, the files and the warnings as comment
// lines. The saved text, comment lines removed and nothing else changed,
// is the message; an empty one abandons the commit. The editor comes from
// the environment or git's configuration (.git/config and the user's own,
// which are trusted), never from a committed file.
func editMessage(ctx context.Context, r *repo.Repo, opt CommitOptions, res *CommitResult) error {
	out, err := r.Git(ctx, nil, "var", "GIT_EDITOR")
	if err != nil {
		return fmt.Errorf("find the editor: %w", err)
	}
	editor := strings.TrimSpace(string(out))
	ps, err := r.GitPath(ctx, "COMMIT_EDITMSG")
	if err != nil {
		return err
	}
	cc := commentChar(res.Text)
	if err := os.WriteFile(ps[0], []byte(res.Text+editComments(res, cc)), 0o644); err != nil {
		return err
	}
	if editor != ":" { // git's own "do not edit"
		_, err = r.Runner.Run(ctx, run.Cmd{Name: "sh", Args: []string{"-c", editor + ` "$@"`, editor, ps[0]},
			Dir: r.Root, Terminal: true, Stdin: opt.EditIn, Stdout: opt.EditOut, Stderr: opt.HookOut})
		if re := (*run.RunError)(nil); errors.As(err, &re) {
			// Its messages went to the terminal: say only how it ended.
			return fmt.Errorf("the editor %s failed (%w); nothing committed", editor, re.Err)
		}
		if err != nil {
			return err
		}
	}
	b, err := os.ReadFile(ps[0])
	if err != nil {
		return err
	}
	text := stripComments(string(b), cc)
	if strings.TrimSpace(text) == "" {
		return ErrEmptyMessage
	}
	res.Text = text
	res.Actions = append(res.Actions, "edit the message in "+editor)
	return nil
}

// commentChar is the first of commentChars that starts no line of text.
func commentChar(text string) byte {
	for i := range len(commentChars) {
		c := commentChars[i]
		if !strings.HasPrefix(text, string(c)) && !strings.Contains(text, "\n"+string(c)) {
			return c
		}
	}
	return '#'
}

// editComments are the comment lines under the message: how to edit it,
// the author, the files, and every warning of the checks.
func editComments(res *CommitResult, cc byte) string {
	c := string(cc)
	var b strings.Builder
	fmt.Fprintf(&b, "%s Edit the commit message. Lines starting with '%s' are removed;\n%s an empty message abandons the commit.\n%s\n", c, c, c, c)
	fmt.Fprintf(&b, "%s Author: %s\n%s Files:  %s\n", c, res.Author, c, strings.Join(res.Files, " "))
	for _, w := range res.Warnings {
		fmt.Fprintf(&b, "%s\n%s Warning: %s\n", c, c, w)
	}
	return b.String()
}

// stripComments removes the lines that start with the comment character,
// and nothing else.
func stripComments(text string, cc byte) string {
	lines := strings.SplitAfter(text, "\n")
	var b strings.Builder
	for _, l := range lines {
		if len(l) == 0 || l[0] != cc {
			b.WriteString(l)
		}
	}
	return b.String()
}
