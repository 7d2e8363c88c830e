package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
)

// NewCmdTrust builds "vcsync trust [--show]".
func NewCmdTrust(g *GlobalOptions) *cobra.Command {
	var show bool
	cmd := &cobra.Command{
		Use:   "trust",
		Short: "Allow this repository's committed .vcsync (and the programs it runs)",
		Long: `A repository's committed files are written by whoever published it, and a
committed .vcsync can name programs to run and servers to push to. vcsync
obeys it only once you allow it: vcsync trust shows what it asks for (its
remotes, the commands they run, its hook settings) and records the content
of .vcsync, and of each program of the working tree that a command remote
runs, in your own trust store. Any change to any of those files (a pull that
edits them) withdraws the trust until you run vcsync trust again.

With --show it only shows what it would allow. vcsync untrust withdraws it.`,
		Example: `  vcsync trust --show
  vcsync trust`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return trustRun(cmd, g, vcsync.TrustOptions{Dir: g.Dir, Allow: !show && !g.DryRun})
		},
	}
	cmd.Flags().BoolVar(&show, "show", false, "show what would be allowed; record nothing")
	return cmd
}

// NewCmdUntrust builds "vcsync untrust".
func NewCmdUntrust(g *GlobalOptions) *cobra.Command {
	return &cobra.Command{
		Use:     "untrust",
		Short:   "Withdraw the trust given to this repository's committed .vcsync",
		Example: `  vcsync untrust`,
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return trustRun(cmd, g, vcsync.TrustOptions{Dir: g.Dir, Deny: !g.DryRun})
		},
	}
}

type trustJSON struct {
	Trusted  bool              `json:"trusted"`
	Changed  bool              `json:"changed"`
	Files    []trustFileJSON   `json:"files"`
	Remotes  []trustRemoteJSON `json:"remotes"`
	Settings []string          `json:"settings"`
}

type trustFileJSON struct {
	Path   string `json:"path"`
	Why    string `json:"why"`
	SHA256 string `json:"sha256"`
}

type trustRemoteJSON struct {
	Name    string `json:"name"`
	Backend string `json:"backend"`
	URL     string `json:"url"`
	Branch  string `json:"branch,omitempty"`
	Command string `json:"command,omitempty"`
	From    string `json:"from"`
}

func trustRun(cmd *cobra.Command, g *GlobalOptions, opt vcsync.TrustOptions) error {
	rep, err := vcsync.Trust(cmd.Context(), opt)
	if err != nil {
		return err
	}
	j := trustJSON{Trusted: rep.Trusted, Changed: rep.Changed, Files: []trustFileJSON{}, Remotes: []trustRemoteJSON{}, Settings: sharedSettings(rep)}
	for _, f := range rep.Files {
		sum := sha256.Sum256(f.Content)
		j.Files = append(j.Files, trustFileJSON{Path: f.Rel, Why: f.Why, SHA256: hex.EncodeToString(sum[:])})
	}
	for _, r := range rep.Remotes {
		j.Remotes = append(j.Remotes, trustRemoteJSON{Name: r.Name, Backend: r.Kind, URL: r.URL, Branch: r.Branch, Command: r.Command, From: r.From})
	}
	if g.JSON {
		return g.printJSON(j)
	}
	printTrust(g.IO.Out, j, opt)
	return nil
}

// printTrust shows what the committed configuration asks for and where
// trust stands.
func printTrust(w io.Writer, j trustJSON, opt vcsync.TrustOptions) {
	if len(j.Files) == 0 {
		fmt.Fprintln(w, "Nothing to trust: this repository commits no .vcsync, and no remote runs a program of the working tree.")
		return
	}
	fmt.Fprintln(w, "Files that decide what vcsync runs here:")
	for _, f := range j.Files {
		fmt.Fprintf(w, "  %-24s %s (sha256 %s)\n", f.Path, f.Why, f.SHA256[:16])
	}
	fmt.Fprintln(w, "Remotes:")
	for _, r := range j.Remotes {
		line := fmt.Sprintf("  %-12s %s %s", r.Name, r.Backend, r.URL)
		if r.Branch != "" {
			line += " branch " + r.Branch
		}
		if r.Command != "" {
			line += " runs: " + r.Command
		}
		fmt.Fprintf(w, "%s  [%s]\n", strings.TrimRight(line, " "), r.From)
	}
	if len(j.Settings) > 0 {
		fmt.Fprintln(w, ".vcsync sets:")
		for _, s := range j.Settings {
			fmt.Fprintln(w, "  "+s)
		}
	}
	switch {
	case opt.Deny:
		fmt.Fprintln(w, "Not trusted: vcsync pushes and runs nothing here until you run vcsync trust.")
	case j.Trusted && opt.Allow:
		fmt.Fprintln(w, "Trusted. Any change to these files withdraws it; vcsync untrust withdraws it now.")
	case j.Trusted:
		fmt.Fprintln(w, "Trusted.")
	case j.Changed:
		fmt.Fprintln(w, "Not trusted: these files changed since you trusted them. Run vcsync trust to allow them as they are now.")
	default:
		fmt.Fprintln(w, "Not trusted. Run vcsync trust to allow them.")
	}
}

// sharedSettings lists the [vcsync] settings of .vcsync that change what
// runs or where commits go.
func sharedSettings(rep *vcsync.TrustReport) []string {
	c := rep.Shared
	out := []string{}
	if c == nil {
		return out
	}
	if c.Primary != "" {
		out = append(out, "primary = "+c.Primary+" (pushed first; the others only once it succeeded)")
	}
	if c.HookMirror {
		out = append(out, "hookMirror = true (a git push also pushes to the other remotes)")
	}
	if c.HookCheck {
		out = append(out, "hookCheck = true (a git push checks the outgoing messages)")
	}
	switch {
	case c.HookStrict:
		out = append(out, "hookStrict = true (a failed mirror stops git push)")
	case c.HookStrictSet:
		out = append(out, "hookStrict = false (git push goes on even when the push to the primary failed)")
	}
	if c.FollowTags {
		out = append(out, "followTags = true (every push also publishes the annotated tags of the pushed history)")
	}
	return out
}
