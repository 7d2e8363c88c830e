package cli

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/vcsync/vcsync"
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

// TestInitFlags: init's Validate needs --from-svn and a revision number
// for --since, as usage errors; DIR is the new repository, not -C's.
func TestInitFlags(t *testing.T) {
	for _, tt := range []struct {
		args  []string
		usage bool
		want  vcsync.InitOptions
	}{
		{args: []string{"init", "--from-svn", "svn://h/p/trunk", "proj", "--since", "40", "--shared"},
			want: vcsync.InitOptions{URL: "svn://h/p/trunk", Dir: "proj", Since: 40, Shared: true, Remote: "svn"}},
		{args: []string{"init", "proj"}, usage: true},
		{args: []string{"init", "--from-svn", "svn://h/p/trunk", "--since", "r40"}, usage: true},
		{args: []string{"init", "--from-svn", "svn://h/p/trunk", "--since", "0"}, usage: true},
	} {
		var got *InitCmdOptions
		err := parseOnly(t, tt.args, []string{"init"}, func(g *GlobalOptions) *cobra.Command {
			return NewCmdInit(g, func(_ *cobra.Command, o *InitCmdOptions) error { got = o; return nil })
		})
		switch {
		case tt.usage && (!isUsage(err) || got != nil):
			t.Errorf("%v: %v (ran: %v), want a usage error and no run", tt.args, err, got != nil)
		case !tt.usage && (err != nil || got == nil):
			t.Errorf("%v: %v (ran: %v)", tt.args, err, got != nil)
		case !tt.usage && (got.Init.URL != tt.want.URL || got.Init.Dir != tt.want.Dir || got.Init.Since != tt.want.Since || got.Init.Shared != tt.want.Shared || got.Init.Remote != tt.want.Remote):
			t.Errorf("%v: %+v, want %+v", tt.args, got.Init, tt.want)
		}
	}
}

// TestMergeChangeLogArgs: git's three files reach the options in order;
// two are a usage error.
func TestMergeChangeLogArgs(t *testing.T) {
	var got *MergeChangeLogOptions
	build := func(g *GlobalOptions) *cobra.Command {
		return NewCmdMergeChangeLog(g, func(_ *cobra.Command, o *MergeChangeLogOptions) error { got = o; return nil })
	}
	if err := parseOnly(t, []string{"merge-changelog", "O", "A", "B"}, []string{"merge-changelog"}, build); err != nil || got == nil ||
		got.Base != "O" || got.Current != "A" || got.Other != "B" {
		t.Errorf("merge-changelog O A B: %v, %+v", err, got)
	}
	got = nil
	if err := parseOnly(t, []string{"merge-changelog", "O", "A"}, []string{"merge-changelog"}, build); !isUsage(err) || got != nil {
		t.Errorf("merge-changelog O A: %v (ran: %v), want a usage error", err, got != nil)
	}
}

// TestRemoteStatusFlags: remote add's flags fill the spec, remote remove
// takes exactly one name, status's --timeout is validated.
func TestRemoteStatusFlags(t *testing.T) {
	var add *RemoteAddOptions
	buildAdd := func(g *GlobalOptions) *cobra.Command {
		return NewCmdRemoteAdd(g, func(_ *cobra.Command, o *RemoteAddOptions) error { add = o; return nil })
	}
	err := parseOnly(t, []string{"remote", "add", "svn", "svn://h/p/trunk", "--backend", "svn", "--shared", "--branch", "b"}, []string{"remote", "add"}, buildAdd)
	want := vcsync.RemoteSpec{Name: "svn", URL: "svn://h/p/trunk", Backend: "svn", Shared: true, Branch: "b"}
	if err != nil || add == nil || add.Spec != want {
		t.Errorf("remote add: %v, %+v; want %+v", err, add, want)
	}

	var removed []string
	buildRemove := func(g *GlobalOptions) *cobra.Command {
		return NewCmdRemoteRemove(g, func(_ *cobra.Command, _ *GlobalOptions, name string) error {
			removed = append(removed, name)
			return nil
		})
	}
	if err := parseOnly(t, []string{"remote", "remove", "a"}, []string{"remote", "remove"}, buildRemove); err != nil || !slices.Equal(removed, []string{"a"}) {
		t.Errorf("remote remove a: %v, %q", err, removed)
	}
	if err := parseOnly(t, []string{"remote", "remove", "a", "b"}, []string{"remote", "remove"}, buildRemove); !isUsage(err) || len(removed) != 1 {
		t.Errorf("remote remove a b: %v, removed %q; want a usage error", err, removed)
	}

	var status *StatusOptions
	buildStatus := func(g *GlobalOptions) *cobra.Command {
		return NewCmdStatus(g, func(_ *cobra.Command, o *StatusOptions) error { status = o; return nil })
	}
	if err := parseOnly(t, []string{"status", "--timeout", "5s"}, []string{"status"}, buildStatus); err != nil || status == nil || status.Timeout != 5*time.Second {
		t.Errorf("status --timeout 5s: %v, %+v", err, status)
	}
	status = nil
	if err := parseOnly(t, []string{"status", "--timeout", "-1s"}, []string{"status"}, buildStatus); !isUsage(err) || status != nil {
		t.Errorf("status --timeout -1s: %v (ran: %v), want a usage error", err, status != nil)
	}
}
