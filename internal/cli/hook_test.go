package cli

import (
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
		var got *HookInstallOptions
		err := parseOnly(t, tt.args, []string{"hook", "install"}, func(g *GlobalOptions) *cobra.Command {
			return NewCmdHookInstall(g, func(_ *cobra.Command, o *HookInstallOptions) error { got = o; return nil })
		})
		switch {
		case tt.usage && (!isUsage(err) || got != nil):
			t.Errorf("%v: %v (ran: %v), want a usage error and no run", tt.args, err, got != nil)
		case !tt.usage && (err != nil || got == nil):
			t.Errorf("%v: %v (ran: %v)", tt.args, err, got != nil)
		case !tt.usage && got.Force != tt.force:
			t.Errorf("%v: Force = %v, want %v", tt.args, got.Force, tt.force)
		}
	}
}
