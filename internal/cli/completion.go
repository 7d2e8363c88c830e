package cli

import (
	"bytes"
	"context"
	"io"
	"slices"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
	"github.com/vcsync/vcsync/backends/all"
)

// setupCompletions gives the commands what a shell completes for their
// arguments (remote names, ChangeLogs, backend kinds, -C's directory) and
// makes vcsync completion bash work in a bash without the bash-completion
// package. It runs once the command tree is built.
func setupCompletions(root *cobra.Command, g *GlobalOptions) {
	changeLogs := completeChangeLogs(g)
	root.ValidArgsFunction = changeLogs
	root.MarkPersistentFlagDirname("directory")
	for _, c := range root.Commands() {
		switch c.Name() {
		case "message", "commit", "diff":
			c.ValidArgsFunction = changeLogs
		case "push":
			c.ValidArgsFunction = completeRemotes(g, -1)
		case "remote":
			for _, sub := range c.Commands() {
				switch sub.Name() {
				case "remove":
					sub.ValidArgsFunction = completeRemotes(g, 1)
				case "add":
					sub.RegisterFlagCompletionFunc("backend",
						cobra.FixedCompletions(all.Registry().Kinds(), cobra.ShellCompDirectiveNoFileComp))
				}
			}
		case "completion":
			for _, sub := range c.Commands() {
				if sub.Name() == "bash" {
					bashWithoutPackage(sub)
				}
			}
		}
	}
}

// completeRemotes completes the names of the configured remotes not given
// yet, up to max arguments (-1: any number).
func completeRemotes(g *GlobalOptions, max int) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if max >= 0 && len(args) >= max {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		names, err := vcsync.RemoteNames(completionContext(cmd), g.Dir)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return notGiven(names, args), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeChangeLogs completes the ChangeLogs that the working tree
// modifies (those the command reads when none is named); with none, the
// shell completes file names.
func completeChangeLogs(g *GlobalOptions) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		logs, err := vcsync.ModifiedChangeLogs(completionContext(cmd), g.Dir)
		if logs = notGiven(logs, args); err != nil || len(logs) == 0 {
			return nil, cobra.ShellCompDirectiveDefault
		}
		return logs, cobra.ShellCompDirectiveNoFileComp
	}
}

// completionContext is cmd's context: cobra's __complete does not always
// pass its own to the command it completes for.
func completionContext(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// notGiven returns the candidates that are not among args already.
func notGiven(candidates, args []string) []cobra.Completion {
	var out []cobra.Completion
	for _, c := range candidates {
		if !slices.Contains(args, c) {
			out = append(out, c)
		}
	}
	return out
}

// bashWithoutPackage makes "vcsync completion bash" print cobra's script
// after a minimal _get_comp_words_by_ref and _filedir, defined only where
// the bash-completion package has not defined them: cobra's script calls
// them, and a bash without that package (macOS's, a minimal image) would
// complete nothing.
func bashWithoutPackage(bash *cobra.Command) {
	bash.Long = `Print the completion script for bash. It works with the bash-completion
package and without it.

To load completions in your current shell session:

	source <(vcsync completion bash)

To load them in every new session, add that line to ~/.bashrc.`
	bash.Run = nil
	bash.RunE = func(cmd *cobra.Command, args []string) error {
		noDesc, _ := cmd.Flags().GetBool("no-descriptions")
		var script bytes.Buffer
		if err := cmd.Root().GenBashCompletionV2(&script, !noDesc); err != nil {
			return err
		}
		out := cmd.OutOrStdout()
		if _, err := io.WriteString(out, bashShim); err != nil {
			return err
		}
		_, err := script.WriteTo(out)
		return err
	}
}

// bashShim stands in for the two functions of the bash-completion package
// that cobra's script calls. _get_comp_words_by_ref sets cur, prev, words
// and cword from the line up to the cursor, joining back the words that
// bash split at = and : (what cobra's "-n =:" asks for): --backend=svn is
// one word. _filedir completes files, or directories with -d.
const bashShim = `# vcsync: without the bash-completion package, these stand in for the two
# of its functions that the script below calls.
if ! declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
_get_comp_words_by_ref() {
	local line=${COMP_LINE:0:COMP_POINT} i w glued
	words=() cword=-1
	for ((i = 0; i <= COMP_CWORD; i++)); do
		glued=1
		if [[ $line =~ ^[[:space:]]+ ]]; then
			line=${line#"${BASH_REMATCH[0]}"}
			glued=0
		fi
		w=${COMP_WORDS[i]}
		if ((i == COMP_CWORD)); then
			w=$line # the word up to the cursor
		else
			line=${line#"$w"}
		fi
		if ((glued && cword >= 1)) && [[ $w == [=:]* || ${words[cword]} == *[=:] ]]; then
			words[cword]+=$w
		else
			words[++cword]=$w
		fi
	done
	cur=${words[cword]}
	prev=${words[cword-1]}
}
fi
if ! declare -F _filedir >/dev/null 2>&1; then
_filedir() {
	local IFS=$'\n'
	if [[ ${1-} == -d ]]; then
		COMPREPLY+=($(compgen -d -- "$cur"))
	else
		COMPREPLY+=($(compgen -f -- "$cur"))
	fi
}
fi

`
