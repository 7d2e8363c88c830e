package cli

import (
	"bytes"
	"errors"
	"testing"

	"github.com/spf13/cobra"
)

// parseOnly runs vcsync on args with the command at path replaced by the
// one build makes (whose runF records its options instead of running), and
// returns Execute's error: flag parsing tested without running anything.
func parseOnly(t *testing.T, args, path []string, build func(*GlobalOptions) *cobra.Command) error {
	t.Helper()
	var out bytes.Buffer
	g := &GlobalOptions{IO: IO{Out: &out, ErrOut: &out}}
	root := NewRootCmd(g)
	old, _, err := root.Find(path)
	if err != nil {
		t.Fatal(err)
	}
	parent := old.Parent()
	parent.RemoveCommand(old)
	parent.AddCommand(build(g))
	root.SetArgs(args)
	return root.Execute()
}

// isUsage reports whether err is a usage error (exit 2).
func isUsage(err error) bool {
	var fe *FlagError
	return errors.As(err, &fe)
}

// TestDiffTrustFlags checks the flags of diff, trust and untrust without
// reading a repository: each reaches its options; an argument where none
// is taken is a usage error that runs nothing.
func TestDiffTrustFlags(t *testing.T) {
	var diff *DiffOptions
	buildDiff := func(g *GlobalOptions) *cobra.Command {
		return NewCmdDiff(g, func(_ *cobra.Command, o *DiffOptions) error { diff = o; return nil })
	}
	if err := parseOnly(t, []string{"diff", "--all", "--add"}, []string{"diff"}, buildDiff); err != nil || diff == nil || !diff.All || !diff.Add {
		t.Errorf("diff --all --add: %v, %+v", err, diff)
	}

	var trust *TrustCmdOptions
	buildTrust := func(g *GlobalOptions) *cobra.Command {
		return NewCmdTrust(g, func(_ *cobra.Command, o *TrustCmdOptions) error { trust = o; return nil })
	}
	if err := parseOnly(t, []string{"trust", "--show", "--json"}, []string{"trust"}, buildTrust); err != nil || trust == nil || !trust.Show || !trust.JSON {
		t.Errorf("trust --show --json: %v, %+v", err, trust)
	}
	trust = nil
	if err := parseOnly(t, []string{"trust", "extra"}, []string{"trust"}, buildTrust); !isUsage(err) || trust != nil {
		t.Errorf("trust extra: %v (ran: %v), want a usage error", err, trust != nil)
	}

	ran := false
	buildUntrust := func(g *GlobalOptions) *cobra.Command {
		return NewCmdUntrust(g, func(*cobra.Command, *GlobalOptions) error { ran = true; return nil })
	}
	if err := parseOnly(t, []string{"untrust", "-n"}, []string{"untrust"}, buildUntrust); err != nil || !ran {
		t.Errorf("untrust -n: %v (ran: %v)", err, ran)
	}
}
