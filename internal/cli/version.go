package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Version is set at build time with -ldflags "-X
// github.com/vcsync/vcsync/internal/cli.Version=v1.2.3"; otherwise the
// module version from the build information is shown.
var Version = ""

// NewCmdVersion builds "vcsync version"; runF replaces the run function
// in tests of flag parsing.
func NewCmdVersion(g *GlobalOptions, runF func(*cobra.Command, *GlobalOptions) error) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print vcsync's version",
		Example: `  vcsync version
  vcsync version --json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd, g)
			}
			v := version()
			if g.JSON {
				return g.printJSON(map[string]string{"version": v, "go": runtime.Version(), "platform": runtime.GOOS + "/" + runtime.GOARCH})
			}
			_, err := fmt.Fprintf(g.IO.Out, "vcsync %s (%s, %s/%s)\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
