package cli

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spf13/cobra"
)

// TestEntryFlags checks flag and argument parsing without running
// anything.
func TestEntryFlags(t *testing.T) {
	for _, tt := range []struct {
		args          []string
		stdout, dry   bool
		files         []string
		wantUsageFail bool
	}{
		{args: []string{"entry"}},
		{args: []string{"entry", "--stdout", "lib/a.c", "src"}, stdout: true, files: []string{"lib/a.c", "src"}},
		{args: []string{"entry", "-n"}, dry: true},
		{args: []string{"entry", "--edit"}, wantUsageFail: true},
	} {
		var out bytes.Buffer
		g := &GlobalOptions{IO: IO{Out: &out, ErrOut: &out}}
		root := NewRootCmd(g)
		old, _, err := root.Find([]string{"entry"})
		if err != nil {
			t.Fatal(err)
		}
		root.RemoveCommand(old)
		var got *EntryOptions
		root.AddCommand(NewCmdEntry(g, func(_ *cobra.Command, o *EntryOptions) error { got = o; return nil }))
		root.SetArgs(tt.args)
		err = root.Execute()
		if tt.wantUsageFail {
			if _, ok := err.(*FlagError); !ok {
				t.Errorf("%v: err = %v, want a usage error", tt.args, err)
			}
			continue
		}
		if err != nil || got == nil {
			t.Fatalf("%v: %v (ran: %v)", tt.args, err, got != nil)
		}
		if got.Stdout != tt.stdout || got.DryRun != tt.dry {
			t.Errorf("%v: stdout, dry-run = %v, %v; want %v, %v", tt.args, got.Stdout, got.DryRun, tt.stdout, tt.dry)
		}
		if d := cmp.Diff(tt.files, got.Files, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("%v: files (-want +got):\n%s", tt.args, d)
		}
	}
}
