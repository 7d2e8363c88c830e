package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
)

// EntryOptions are the parsed arguments of vcsync entry.
type EntryOptions struct {
	*GlobalOptions
	Files  []string
	Stdout bool
}

// NewCmdEntry builds "vcsync entry"; runF replaces the run function in
// tests of flag parsing.
func NewCmdEntry(g *GlobalOptions, runF func(*cobra.Command, *EntryOptions) error) *cobra.Command {
	opts := &EntryOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "entry [FILE...]",
		Short: "Write the new ChangeLog entry's skeleton from the working tree's changes",
		Long: `Write, at the top of each ChangeLog concerned, the skeleton of a new entry
for the working tree's changes (or for the FILEs): the header (today, and
the author git would record), an empty summary line, then one
"* FILE (NAME, NAME):" item per changed file, with the functions, macros,
variables, sections or nodes each changes. A file belongs to the nearest
ChangeLog in its directory or above. Added files say "New file.", deleted
ones "Remove.", renamed ones "Renamed from OLD.".

Run it again after more changes: the uncommitted entry is updated in place.
What you wrote stays, new files and names are added, those no longer
changed are dropped; committed entries are never touched.`,
		Example: `  vcsync entry
  vcsync entry --stdout lib/foo.c
  vcsync entry && $EDITOR ChangeLog && vcsync commit`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(cmd, opts)
			}
			return entryRun(cmd, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Stdout, "stdout", false, "print the entries instead of writing them")
	return cmd
}

// entryJSON is one ChangeLog's entry in --json.
type entryJSON struct {
	ChangeLog string `json:"changelog"`
	Entry     string `json:"entry"`
	Updated   bool   `json:"updated"`
}

func entryRun(cmd *cobra.Command, opts *EntryOptions) error {
	print := opts.Stdout || opts.DryRun // a dry run writes nothing
	res, err := vcsync.Entry(cmd.Context(), vcsync.EntryOptions{Dir: opts.Dir, Files: opts.Files, Stdout: print, Runner: opts.runner()})
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		opts.warn("%s", w)
	}
	if opts.JSON {
		entries := make([]entryJSON, 0, len(res.Entries))
		for _, e := range res.Entries {
			entries = append(entries, entryJSON{ChangeLog: e.ChangeLog, Entry: e.Text, Updated: e.Updated})
		}
		return opts.printJSON(map[string]any{"entries": entries, "warnings": orEmpty(res.Warnings), "written": !print})
	}
	for i, e := range res.Entries {
		switch {
		case print && len(res.Entries) > 1:
			if i > 0 {
				fmt.Fprintln(opts.IO.Out)
			}
			fmt.Fprintf(opts.IO.Out, "==> %s <==\n%s", e.ChangeLog, e.Text)
		case print:
			fmt.Fprint(opts.IO.Out, e.Text)
		case !opts.Quiet && e.Updated:
			fmt.Fprintf(opts.IO.ErrOut, "vcsync: %s: the new entry is brought up to date\n", e.ChangeLog)
		case !opts.Quiet:
			fmt.Fprintf(opts.IO.ErrOut, "vcsync: %s: new entry written; add its summary and say what changed\n", e.ChangeLog)
		}
	}
	return nil
}
