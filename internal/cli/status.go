package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
	"github.com/vcsync/vcsync/backends/all"
)

// NewCmdStatus builds "vcsync status".
func NewCmdStatus(g *GlobalOptions) *cobra.Command {
	var timeout time.Duration
	var fetch bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Per remote: what it lacks, what it has that you lack, how its last push ended",
		Long: `Asks each remote, in parallel, what it holds, and compares it with the
current branch: up to date; lacks N commits (what vcsync push would send);
has N commits or revisions you lack (someone else pushed: vcsync pull brings
them in from the primary); diverged (both). A remote that cannot be reached
is said to be so, and status then exits 3. A command remote cannot be asked:
its line says what vcsync's last push to it recorded.`,
		Example: `  vcsync status
  vcsync status --json --timeout 5s`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if timeout < 0 {
				return &FlagError{Err: fmt.Errorf("--timeout %s: expected a positive duration", timeout)}
			}
			if fetch {
				// Not cobra's MarkDeprecated: it writes to stdout, which is data.
				g.warn("--fetch is deprecated: status always asks the remotes")
			}
			return statusRun(cmd, g, timeout)
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 0, "give up asking a remote after `DUR` (default: vcsync.timeout, else 30s)")
	// Status always asks the remotes now; --fetch stays accepted for the
	// scripts that passed it.
	cmd.Flags().BoolVar(&fetch, "fetch", false, "")
	cmd.Flags().MarkHidden("fetch")
	return cmd
}

type statusJSON struct {
	Name    string    `json:"name"`
	Backend string    `json:"backend"`
	URL     string    `json:"url"`
	Branch  string    `json:"branch,omitempty"`
	State   string    `json:"state"`
	Tip     string    `json:"tip,omitempty"`
	Missing *int      `json:"missing"`
	Foreign *int      `json:"foreign"`
	Error   string    `json:"error,omitempty"`
	Last    *lastJSON `json:"last"`
}

type lastJSON struct {
	Status string    `json:"status"`
	Time   time.Time `json:"time"`
	Error  string    `json:"error"`
}

func statusRun(cmd *cobra.Command, g *GlobalOptions, timeout time.Duration) error {
	ss, err := vcsync.Status(cmd.Context(), vcsync.StatusOptions{Dir: g.Dir, Timeout: timeout, Runner: g.runner(), Registry: all.Registry()})
	if err != nil {
		return err
	}
	unreachable := false
	if g.JSON {
		out := make([]statusJSON, 0, len(ss))
		for _, s := range ss {
			j := statusJSON{Name: s.Name, Backend: s.Backend, URL: s.URL, Branch: s.Branch, State: s.State, Tip: s.Tip}
			if s.Missing >= 0 {
				j.Missing = &s.Missing
			}
			if s.Foreign >= 0 {
				j.Foreign = &s.Foreign
			}
			if s.Err != nil {
				j.Error = s.Err.Error()
			}
			if s.Last != nil {
				j.Last = &lastJSON{Status: s.Last.Status, Time: s.Last.Time, Error: s.Last.Error}
			}
			unreachable = unreachable || s.State == vcsync.StateUnreachable
			out = append(out, j)
		}
		if err := g.printJSON(map[string]any{"remotes": out}); err != nil {
			return err
		}
	} else {
		now := time.Now()
		for _, s := range ss {
			fmt.Fprintf(g.IO.Out, "%-12s %-8s %s  %s\n", s.Name, s.Backend, s.URL, statusDetail(s, now))
			unreachable = unreachable || s.State == vcsync.StateUnreachable
		}
	}
	if unreachable {
		return partialError{}
	}
	return nil
}

// statusDetail says what the remote holds, then how its last push ended:
// a failure only while the remote still lacks something, so that a
// rejection fixed since (by vcsync pull, or a push by hand) is not repeated
// (issue 17).
func statusDetail(s vcsync.RemoteStatus, now time.Time) string {
	what := stateWords(s)
	if s.Last == nil {
		return what
	}
	if stale(s) {
		return what
	}
	last := fmt.Sprintf("last push %s %s", s.Last.Status, vcsync.Ago(s.Last.Time, now))
	if s.Last.Error != "" && s.State != vcsync.StateDiverged && s.State != vcsync.StateBehind {
		// A diverged remote's own words say more than the old refusal.
		last += ": " + s.Last.Error
	}
	return what + "; " + last
}

// stale reports whether the last push failed for a reason the remote no
// longer gives: a rejection (others' work) once the remote holds none, any
// failure once it is up to date.
func stale(s vcsync.RemoteStatus) bool {
	switch s.Last.Status {
	case "ok", "up-to-date":
		return false
	case "rejected":
		return s.State != vcsync.StateDiverged && s.State != vcsync.StateBehind && s.State != vcsync.StateUnreachable
	}
	return s.State == vcsync.StateUpToDate
}

// stateWords says a remote's state in words.
func stateWords(s vcsync.RemoteStatus) string {
	theirs := "commit(s)"
	if s.Backend == "svn" {
		theirs = "revision(s)"
	}
	todo := "bring them into your branch first (vcsync never forces)"
	if s.Pull {
		todo = "run vcsync pull"
	}
	switch s.State {
	case vcsync.StateUpToDate:
		return "up to date"
	case vcsync.StateLacks:
		return fmt.Sprintf("lacks %d commit(s)", s.Missing)
	case vcsync.StateBehind:
		return fmt.Sprintf("has %d %s you lack: %s", s.Foreign, theirs, todo)
	case vcsync.StateDiverged:
		if s.Foreign > 0 {
			return fmt.Sprintf("diverged: has %d %s you lack, lacks %d commit(s): %s", s.Foreign, theirs, s.Missing, todo)
		}
		return own(s)
	case vcsync.StateUnknown:
		switch {
		case s.Missing > 0:
			return fmt.Sprintf("lacks %d commit(s) since its last push (%v)", s.Missing, s.Err)
		case s.Missing == 0:
			return fmt.Sprintf("up to date at its last push (%v)", s.Err)
		}
		return fmt.Sprintf("never pushed (%v)", s.Err)
	}
	return "cannot ask it: " + own(s)
}

// own is the remote's error without the "remote NAME: " the line starts
// with already.
func own(s vcsync.RemoteStatus) string {
	return strings.TrimPrefix(s.Err.Error(), "remote "+s.Name+": ")
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
