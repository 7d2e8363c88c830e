package cli

import (
	"bytes"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spf13/cobra"
)

// TestMessageFlags checks flag and argument parsing without running
// anything.
func TestMessageFlags(t *testing.T) {
	tests := []struct {
		args        []string
		json, quiet bool
		dir         string
		changelogs  []string
	}{
		{args: []string{"message"}},
		{args: []string{"message", "--json", "ChangeLog", "lib/ChangeLog"}, json: true, changelogs: []string{"ChangeLog", "lib/ChangeLog"}},
		{args: []string{"-C", "sub", "message", "-q"}, quiet: true, dir: "sub"},
	}
	t.Chdir(t.TempDir())
	if err := os.Mkdir("sub", 0o755); err != nil { // -C must name a directory
		t.Fatal(err)
	}
	for _, tt := range tests {
		var out bytes.Buffer
		g := &GlobalOptions{IO: IO{Out: &out, ErrOut: &out}}
		root := NewRootCmd(g)
		msg, _, err := root.Find([]string{"message"})
		if err != nil {
			t.Fatal(err)
		}
		root.RemoveCommand(msg)
		var got *MessageOptions
		root.AddCommand(NewCmdMessage(g, func(_ *cobra.Command, o *MessageOptions) error { got = o; return nil }))
		root.SetArgs(tt.args)
		if err := root.Execute(); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got == nil {
			t.Fatalf("%v: message did not run", tt.args)
		}
		if got.JSON != tt.json || got.Quiet != tt.quiet || got.Dir != tt.dir {
			t.Errorf("%v: json, quiet, dir = %v, %v, %q; want %v, %v, %q", tt.args, got.JSON, got.Quiet, got.Dir, tt.json, tt.quiet, tt.dir)
		}
		if diff := cmp.Diff(tt.changelogs, got.ChangeLogs, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%v: changelogs (-want +got):\n%s", tt.args, diff)
		}
	}
}
