package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/all"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
)

// PushFlags are the flags of push and of the main job.
type PushFlags struct {
	Jobs    int
	Timeout time.Duration
	Retries int
	History bool
	Since   string
	Tags    bool

	// Which of them the command line gave: one not given takes the
	// configuration's value, whatever its zero value would mean.
	jobsSet, timeoutSet, retriesSet bool
}

func (f *PushFlags) register(cmd *cobra.Command) {
	cmd.Flags().IntVarP(&f.Jobs, "jobs", "j", 0, "pushes at once (default: vcsync.jobs, else 4)")
	cmd.Flags().DurationVar(&f.Timeout, "timeout", 0, "give up an attempt on a remote after `DUR`, 0 for never (default: vcsync.timeout, else none)")
	cmd.Flags().IntVar(&f.Retries, "retries", 0, "retry transient failures `N` times, with backoff (default: vcsync.retries, else 0)")
	cmd.Flags().BoolVar(&f.History, "history", false, "on a first push to Subversion, send every commit (default: one revision of the tree)")
	cmd.Flags().BoolVar(&f.Tags, "tags", false, "also send the annotated tags that point into the pushed history (svn: tags/NAME copies)")
	cmd.Flags().StringVar(&f.Since, "since", "", "a never-pushed Subversion directory holds the tree of `COMMIT`: send what follows it")
}

// given records which flags the command line gave.
func (f *PushFlags) given(cmd *cobra.Command) {
	fl := cmd.Flags()
	f.jobsSet, f.timeoutSet, f.retriesSet = fl.Changed("jobs"), fl.Changed("timeout"), fl.Changed("retries")
}

// Validate refuses values that mean nothing, as usage errors.
func (f *PushFlags) Validate() error {
	switch {
	case f.jobsSet && f.Jobs < 1:
		return &FlagError{Err: fmt.Errorf("--jobs %d: expected 1 or more pushes at once", f.Jobs)}
	case f.retriesSet && f.Retries < 0:
		return &FlagError{Err: fmt.Errorf("--retries %d: expected 0 or more", f.Retries)}
	case f.timeoutSet && f.Timeout < 0:
		return &FlagError{Err: fmt.Errorf("--timeout %s: expected a positive duration, or 0 for none", f.Timeout)}
	}
	return nil
}

// core returns the flags in the core's terms: a negative Retries or a zero
// Timeout takes the configuration's; a negative Timeout is none (--timeout
// 0 given on the command line, whatever the configuration says).
func (f *PushFlags) core() (jobs int, timeout time.Duration, retries int) {
	jobs, timeout, retries = f.Jobs, f.Timeout, f.Retries
	if !f.jobsSet {
		jobs = 0
	}
	switch {
	case !f.timeoutSet:
		timeout = 0
	case f.Timeout == 0:
		timeout = -1
	}
	if !f.retriesSet {
		retries = -1
	}
	return jobs, timeout, retries
}

// options builds the core's PushOptions, with a reporter that prints each
// remote's line as it finishes (text mode only; with -q, only the remotes
// that did not end ok or up to date: those are errors).
func (f *PushFlags) options(g *GlobalOptions, remotes []string) vcsync.PushOptions {
	jobs, timeout, retries := f.core()
	o := vcsync.PushOptions{Dir: g.Dir, Remotes: remotes, Jobs: jobs, Timeout: timeout, Retries: retries, History: f.History, Since: f.Since, Tags: f.Tags,
		DryRun: g.DryRun, Runner: g.runner(), Registry: all.Registry()}
	if g.Quiet && !g.JSON {
		o.OnDone = func(r vcsync.RemoteResult) {
			if r.Plan == "" && r.Status != backends.StatusOK && r.Status != backends.StatusUpToDate {
				fmt.Fprintln(g.IO.Out, remoteLine(r))
			}
		}
	}
	if !g.JSON && !g.Quiet {
		p := newProgress(g)
		o.OnStart = p.start
		if p.w != nil {
			o.OnProgress = p.note
		}
		o.OnDone = func(r vcsync.RemoteResult) {
			p.finish(r.Name, func() {
				printRemoteMessages(g, r)
				detail := remoteDetail(r)
				if r.Plan == "" {
					detail = p.paint(r.Status, detail)
				}
				fmt.Fprintf(g.IO.Out, "%-12s %s\n", r.Name, detail)
				for _, c := range r.Commands {
					fmt.Fprintf(g.IO.Out, "    %s\n", c)
				}
			})
		}
	}
	return o
}

// printRemoteMessages shows what the remote's server said, on stderr, as
// git push does ("remote: Create a merge request for main: ..."), just
// before the remote's own line.
func printRemoteMessages(g *GlobalOptions, r vcsync.RemoteResult) {
	for _, m := range r.Messages {
		fmt.Fprintf(g.IO.ErrOut, "remote: %s\n", m)
	}
}

// PushOptions are the parsed arguments of vcsync push.
type PushOptions struct {
	*GlobalOptions
	PushFlags
	Remotes []string
}

// NewCmdPush builds "vcsync push"; runF replaces the run function in tests
// of flag parsing.
func NewCmdPush(g *GlobalOptions, runF func(*cobra.Command, *PushOptions) error) *cobra.Command {
	opts := &PushOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "push [REMOTE...]",
		Short: "Push what each remote lacks",
		Long: `Push the current branch to every configured remote (or those named) that
lacks commits: the primary remote first, the others only once it succeeded,
in parallel. A remote that fails is reported and the others are still
pushed; the exit status is then 3, and the next vcsync push sends only what
is missing.`,
		Example: `  vcsync push
  vcsync push github --timeout 30s --retries 2
  vcsync push --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Remotes = args
			opts.given(cmd)
			if err := opts.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd, opts)
			}
			return pushRun(cmd, opts)
		},
	}
	opts.register(cmd)
	return cmd
}

// pushRun pushes, and reports each remote and the summary.
func pushRun(cmd *cobra.Command, opts *PushOptions) error {
	g := opts.GlobalOptions
	rs, err := vcsync.Push(cmd.Context(), opts.options(g, opts.Remotes))
	if err != nil && rs == nil {
		return err
	}
	if g.JSON {
		if jerr := g.printJSON(map[string]any{"remotes": remotesJSON(rs)}); jerr != nil {
			return jerr
		}
	} else {
		summary(g, rs)
	}
	if err != nil {
		return err
	}
	return partialIf(rs)
}

// remoteJSON is one element of "remotes" in --json (DESIGN.md).
type remoteJSON struct {
	Name       string `json:"name"`
	Backend    string `json:"backend"`
	URL        string `json:"url"`
	Status     string `json:"status"`
	From       string `json:"from"`
	To         string `json:"to"`
	Revision   string `json:"revision"`
	Attempts   int    `json:"attempts"`
	Error      string `json:"error"`
	DurationMS int64  `json:"duration_ms"`
	Plan       string `json:"plan,omitempty"`
	// Commands, in a dry run: what the push would run to write.
	Commands []string `json:"commands,omitempty"`
	// RemoteMessages are the server's "remote:" lines (hooks' output).
	RemoteMessages []string `json:"remote_messages"`
}

func remotesJSON(rs []vcsync.RemoteResult) []remoteJSON {
	out := make([]remoteJSON, 0, len(rs))
	for _, r := range rs {
		j := remoteJSON{Name: r.Name, Backend: r.Backend, URL: r.URL, Status: string(r.Status), From: r.From, To: r.To,
			Revision: r.Revision, Attempts: r.Attempts, DurationMS: r.Duration.Milliseconds(), Plan: r.Plan, Commands: r.Commands,
			RemoteMessages: append([]string{}, r.Messages...)}
		if r.Err != nil {
			j.Error = run.Redact(r.Err.Error())
		}
		out = append(out, j)
	}
	return out
}

// remoteLine is the one line a remote gets in text mode.
func remoteLine(r vcsync.RemoteResult) string {
	return fmt.Sprintf("%-12s %s", r.Name, remoteDetail(r))
}

// remoteDetail is what a remote's line says after its name.
func remoteDetail(r vcsync.RemoteResult) string {
	detail := string(r.Status)
	switch {
	case r.Plan != "":
		detail = r.Plan
	case r.Status == backends.StatusOK:
		detail = fmt.Sprintf("ok %s (%s)", pushed(r), seconds(r.Duration))
	case r.Err != nil:
		msg := strings.Join(strings.Fields(run.Redact(r.Err.Error())), " ") // one line
		detail = fmt.Sprintf("%s: %s", r.Status, msg)
		if r.Attempts > 1 {
			detail += fmt.Sprintf(" (after %d attempts)", r.Attempts)
		}
	}
	return detail
}

// pushed is what an ok line says the remote received: OLD..NEW in short
// ids, as git push prints them (NEW alone when what the remote held before
// is not known), then the remote's own name for NEW where it has another:
// svn's r12, a Bazaar revno (a number), a Mercurial node.
func pushed(r vcsync.RemoteResult) string {
	s := kit.Short(r.To)
	if r.From != "" && r.From != r.To {
		s = kit.Short(r.From) + ".." + s
	}
	switch rev := r.Revision; {
	case rev == "" || rev == r.To:
	case strings.Trim(rev, "0123456789") == "":
		s += " revno " + rev
	default:
		s += " " + kit.Short(rev)
	}
	return s
}

// seconds says how long a push took: milliseconds under a second (a
// Subversion commit over file:// takes tens of them, which "%.1fs" showed
// as 0.0s), tenths of a second above.
func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// summary prints the count of each outcome on stderr.
func summary(g *GlobalOptions, rs []vcsync.RemoteResult) {
	if g.Quiet || len(rs) == 0 {
		return
	}
	counts := map[backends.Status]int{}
	planned := 0
	for _, r := range rs {
		if r.Plan != "" {
			planned++
			continue
		}
		counts[r.Status]++
	}
	var parts []string
	if planned > 0 {
		parts = append(parts, fmt.Sprintf("%d planned (dry run: nothing pushed)", planned))
	}
	for _, s := range []backends.Status{backends.StatusOK, backends.StatusUpToDate, backends.StatusRejected, backends.StatusFailed, backends.StatusSkipped} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	noun := "remotes"
	if len(rs) == 1 {
		noun = "remote"
	}
	fmt.Fprintf(g.IO.ErrOut, "vcsync: %d %s: %s\n", len(rs), noun, strings.Join(parts, ", "))
}

// partialError means the command did its work but a remote failed: exit 3,
// and nothing more to print (each remote's line said why).
type partialError struct{}

func (partialError) Error() string { return "a remote failed" }

func partialIf(rs []vcsync.RemoteResult) error {
	if vcsync.AnyFailed(rs) {
		return partialError{}
	}
	return nil
}

// runner is the program runner the global flags ask for.
func (g *GlobalOptions) runner() *run.Runner {
	r := &run.Runner{}
	if g.Verbose {
		r.Verbose = g.IO.ErrOut
	}
	return r
}
