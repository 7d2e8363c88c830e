package cli

import (
	"bytes"
	"errors"
	"testing"

	"github.com/spf13/cobra"
)

// TestHookInstallFlags checks hook install's flag parsing without touching
// a repository: --force reaches the options; an argument is a usage error
// and runs nothing.
func TestHookInstallFlags(t *testing.T) {
	for _, tt := range []struct {
		args         []string
		force, usage bool
	}{
		{args: []string{"hook", "install"}},
		{args: []string{"hook", "install", "--force"}, force: true},
		{args: []string{"hook", "install", "extra"}, usage: true},
	} {
		var out bytes.Buffer
		g := &GlobalOptions{IO: IO{Out: &out, ErrOut: &out}}
		root := NewRootCmd(g)
		install, _, err := root.Find([]string{"hook", "install"})
		if err != nil {
			t.Fatal(err)
		}
		hookCmd := install.Parent()
		hookCmd.RemoveCommand(install)
		var got *HookInstallOptions
		hookCmd.AddCommand(NewCmdHookInstall(g, func(_ *cobra.Command, o *HookInstallOptions) error { got = o; return nil }))
		root.SetArgs(tt.args)
		err = root.Execute()
		var fe *FlagError
		switch {
		case tt.usage && (!errors.As(err, &fe) || got != nil):
			t.Errorf("%v: %v (ran: %v), want a usage error and no run", tt.args, err, got != nil)
		case !tt.usage && (err != nil || got == nil):
			t.Errorf("%v: %v (ran: %v)", tt.args, err, got != nil)
		case !tt.usage && got.Force != tt.force:
			t.Errorf("%v: Force = %v, want %v", tt.args, got.Force, tt.force)
		}
	}
}
