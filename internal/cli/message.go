package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
	"github.com/vcsync/vcsync/changelog"
)

// MessageOptions are the parsed arguments of vcsync message.
type MessageOptions struct {
	*GlobalOptions
	ChangeLogs []string
}

// NewCmdMessage builds "vcsync message". runF replaces the run function in
// tests of flag parsing; nil runs the command.
func NewCmdMessage(g *GlobalOptions, runF func(*cobra.Command, *MessageOptions) error) *cobra.Command {
	opts := &MessageOptions{GlobalOptions: g}
	return &cobra.Command{
		Use:   "message [CHANGELOG...]",
		Short: "Print the message, author and files that a commit would use",
		Long: `Print the commit message, the author and the files that the lines the
working tree adds to the ChangeLog(s) give, compared with HEAD. Nothing is
committed. With no CHANGELOG, every ChangeLog (ChangeLog*, debian/changelog,
CHANGELOG.md) that the working tree modifies is read.`,
		Example: `  vcsync message
  vcsync message lib/ChangeLog
  vcsync message --json | jq -r .subject`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ChangeLogs = args
			if runF != nil {
				return runF(cmd, opts)
			}
			return messageRun(cmd, opts)
		},
	}
}

// messageJSON is the shape of "vcsync message --json" (DESIGN.md).
type messageJSON struct {
	Subject    string             `json:"subject"`
	Message    string             `json:"message"`
	Author     changelog.Author   `json:"author"`
	CoAuthors  []changelog.Author `json:"coauthors"`
	Files      []string           `json:"files"`
	ChangeLogs []string           `json:"changelogs"`
	Warnings   []string           `json:"warnings"`
}

func messageRun(cmd *cobra.Command, opts *MessageOptions) error {
	if err := checkChangeLogs(cmd, opts.GlobalOptions, opts.ChangeLogs); err != nil {
		return err
	}
	m, err := vcsync.Message(cmd.Context(), vcsync.MessageOptions{Dir: opts.Dir, ChangeLogs: opts.ChangeLogs})
	if err != nil {
		return err
	}
	warnings := make([]string, 0, len(m.Warnings))
	for _, w := range m.Warnings {
		warnings = append(warnings, w.String())
		opts.warn("%s", w)
	}
	if opts.JSON {
		return opts.printJSON(messageJSON{
			Subject:    m.Subject,
			Message:    m.Text,
			Author:     m.Author,
			CoAuthors:  orEmpty(m.CoAuthors),
			Files:      orEmpty(m.Files),
			ChangeLogs: orEmpty(m.ChangeLogs),
			Warnings:   warnings,
		})
	}
	out := opts.IO.Out
	fmt.Fprintf(out, "Author:     %s\n", m.Author)
	for _, a := range m.CoAuthors {
		fmt.Fprintf(out, "Co-author:  %s\n", a)
	}
	files := "(none)"
	if len(m.Files) > 0 {
		files = strings.Join(m.Files, " ")
	}
	fmt.Fprintf(out, "Files:      %s\n", files)
	fmt.Fprintf(out, "ChangeLogs: %s\n\n", strings.Join(m.ChangeLogs, " "))
	fmt.Fprint(out, m.Text)
	return nil
}

// orEmpty makes a nil slice an empty one, so that JSON shows [] and not null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
