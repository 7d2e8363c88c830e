package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
	"github.com/vcsync/vcsync/backends/all"
	"github.com/vcsync/vcsync/backends/kit"
)

// NewCmdRemote builds "vcsync remote add|list|remove".
func NewCmdRemote(g *GlobalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "remote",
		Short: "Add, list or remove the remotes vcsync pushes to",
		Example: `  vcsync remote add github git@github.com:me/proj.git
  vcsync remote list`,
		Args: usageArgs(cobra.NoArgs),
		RunE: needSubcommand,
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the remotes, with credentials redacted",
		Example: `  vcsync remote list
  vcsync remote list --json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return statusRun(cmd, g, false, false)
		},
	}
	cmd.AddCommand(NewCmdRemoteAdd(g, nil), list, NewCmdRemoteRemove(g, nil))
	return cmd
}

// RemoteAddOptions are the parsed arguments of vcsync remote add.
type RemoteAddOptions struct {
	*GlobalOptions
	Spec vcsync.RemoteSpec
}

// NewCmdRemoteAdd builds "vcsync remote add"; runF replaces the run
// function in tests of flag parsing.
func NewCmdRemoteAdd(g *GlobalOptions, runF func(*cobra.Command, *RemoteAddOptions) error) *cobra.Command {
	opts := &RemoteAddOptions{GlobalOptions: g}
	spec := &opts.Spec
	cmd := &cobra.Command{
		Use:         "add NAME [URL]",
		Annotations: noJSON,
		Short:       "Add a remote (to .git/config, or .vcsync with --shared)",
		Example: `  vcsync remote add github git@github.com:me/proj.git --branch main
  vcsync remote add svn svn+ssh://svn.example.org/repos/proj/trunk --backend svn --shared
  vcsync remote add svn --backend git-svn        # the clone's own Subversion URL
  vcsync remote add deploy --backend command --command 'scripts/deploy --prod'`,
		Args: usageArgs(cobra.RangeArgs(1, 2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec.Name = args[0]
			if len(args) == 2 {
				spec.URL = args[1]
			}
			if runF != nil {
				return runF(cmd, opts)
			}
			return remoteAddRun(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&spec.Backend, "backend", "git", "the backend: "+fmt.Sprint(all.Registry().Kinds()))
	cmd.Flags().StringVar(&spec.Branch, "branch", "", "the remote branch (default: the local branch's name)")
	cmd.Flags().StringVar(&spec.Command, "command", "", "the `PROGRAM [ARGS...]` of a command remote")
	cmd.Flags().BoolVar(&spec.Shared, "shared", false, "write .vcsync, the configuration committed for the team")
	return cmd
}

// remoteAddRun adds the remote, and says where.
func remoteAddRun(cmd *cobra.Command, opts *RemoteAddOptions) error {
	g, spec := opts.GlobalOptions, opts.Spec
	if g.DryRun {
		fmt.Fprintf(g.IO.Out, "would add remote %s (%s) to %s\n", spec.Name, spec.Backend, map[bool]string{false: ".git/config", true: ".vcsync"}[spec.Shared])
		return nil
	}
	added, err := vcsync.RemoteAdd(cmd.Context(), g.Dir, spec, all.Registry())
	if err == nil && !g.Quiet {
		fmt.Fprintf(g.IO.ErrOut, "vcsync: added remote %s to %s\n", spec.Name, added.File)
	}
	if len(added.Dropped) > 0 {
		g.warn("vcsync now pushes to its own remotes only, no longer to the git remotes %s: add those you want with vcsync remote add NAME URL",
			strings.Join(added.Dropped, ", "))
	}
	return err
}

// NewCmdRemoteRemove builds "vcsync remote remove"; runF, given the
// remote's name, replaces the run function in tests.
func NewCmdRemoteRemove(g *GlobalOptions, runF func(cmd *cobra.Command, g *GlobalOptions, name string) error) *cobra.Command {
	return &cobra.Command{
		Use:         "remove NAME",
		Annotations: noJSON,
		Short:       "Remove a remote (from .git/config and .vcsync, wherever it is)",
		Example:     `  vcsync remote remove github`,
		Args:        usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd, g, args[0])
			}
			return remoteRemoveRun(cmd, g, args[0])
		},
	}
}

// remoteRemoveRun removes the remote from every file that has it.
func remoteRemoveRun(cmd *cobra.Command, g *GlobalOptions, name string) error {
	if g.DryRun {
		fmt.Fprintf(g.IO.Out, "would remove remote %s\n", name)
		return nil
	}
	files, primaryIn, err := vcsync.RemoteRemove(cmd.Context(), g.Dir, name)
	if err == nil && !g.Quiet {
		fmt.Fprintf(g.IO.ErrOut, "vcsync: removed remote %s from %s\n", name, strings.Join(files, " and "))
	}
	if len(primaryIn) > 0 {
		g.warn("%s was the primary remote: primary removed from %s too; name another with git config vcsync.primary NAME",
			name, strings.Join(primaryIn, " and "))
	}
	return err
}

// NewCmdStatus builds "vcsync status"; runF, given --fetch, replaces the
// run function in tests of flag parsing.
func NewCmdStatus(g *GlobalOptions, runF func(cmd *cobra.Command, g *GlobalOptions, fetch bool) error) *cobra.Command {
	var fetch bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Per remote: what it lacks, and how its last push ended",
		Long: `Per remote: backend, URL (credentials redacted), how many commits it lacks
and how its last push ended. It reads vcsync's state and the local history:
no remote is contacted, unless --fetch.`,
		Example: `  vcsync status
  vcsync status --fetch --json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd, g, fetch)
			}
			return statusRun(cmd, g, true, fetch)
		},
	}
	cmd.Flags().BoolVar(&fetch, "fetch", false, "ask each remote what it holds (git remotes), in parallel")
	return cmd
}

type statusJSON struct {
	Name    string    `json:"name"`
	Backend string    `json:"backend"`
	URL     string    `json:"url"`
	Branch  string    `json:"branch,omitempty"`
	Missing *int      `json:"missing"`
	Last    *lastJSON `json:"last"`
	Fetched *string   `json:"fetched,omitempty"`
	Error   string    `json:"fetch_error,omitempty"`
}

type lastJSON struct {
	Status string    `json:"status"`
	Time   time.Time `json:"time"`
	Error  string    `json:"error"`
}

func statusRun(cmd *cobra.Command, g *GlobalOptions, withState, fetch bool) error {
	ss, err := vcsync.Status(cmd.Context(), vcsync.StatusOptions{Dir: g.Dir, Fetch: fetch, Runner: g.runner(), Registry: all.Registry()})
	if err != nil {
		return err
	}
	if g.JSON {
		out := make([]statusJSON, 0, len(ss))
		for _, s := range ss {
			j := statusJSON{Name: s.Name, Backend: s.Backend, URL: s.URL, Branch: s.Branch}
			if s.Missing >= 0 {
				j.Missing = &s.Missing
			}
			if s.Last != nil {
				j.Last = &lastJSON{Status: s.Last.Status, Time: s.Last.Time, Error: s.Last.Error}
			}
			if s.Asked {
				j.Fetched = &s.Fetched
			}
			if s.FetchErr != nil {
				j.Error = s.FetchErr.Error()
			}
			out = append(out, j)
		}
		return g.printJSON(map[string]any{"remotes": out})
	}
	now := time.Now()
	for _, s := range ss {
		line := fmt.Sprintf("%-12s %-8s %s", s.Name, s.Backend, s.URL)
		if withState {
			line += "  " + statusDetail(s, now)
		} else if s.Branch != "" {
			line += "  (branch " + s.Branch + ")"
		}
		fmt.Fprintln(g.IO.Out, line)
	}
	return nil
}

func statusDetail(s vcsync.RemoteStatus, now time.Time) string {
	missing := "never pushed"
	if s.FetchErr != nil {
		missing = "cannot ask: " + s.FetchErr.Error()
	} else if s.Asked && s.Missing < 0 {
		missing = "holds " + kit.Short(s.Fetched) + ", not in our history"
		if s.Fetched == "" {
			missing = "holds nothing yet"
		}
	}
	switch {
	case s.Missing == 0:
		missing = "up to date"
	case s.Missing > 0:
		missing = fmt.Sprintf("lacks %d commit(s)", s.Missing)
	}
	if s.Last == nil {
		return missing
	}
	last := fmt.Sprintf("last push %s %s", s.Last.Status, vcsync.Ago(s.Last.Time, now))
	if s.Last.Error != "" {
		last += ": " + s.Last.Error
	}
	return missing + "; " + last
}
