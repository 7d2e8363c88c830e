// Command vcsync commits a ChangeLog entry and pushes it to every repository
// a project publishes to. All of it lives in internal/cli and the core
// package; main only hands over the process.
package main

import (
	"os"

	"github.com/vcsync/vcsync/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.IO{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}))
}
