// Command mangen writes vcsync's man pages from its cobra commands, so that
// the pages never disagree with --help. make man runs it.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra/doc"
	"github.com/vcsync/vcsync/internal/cli"
)

func main() {
	dir := "man"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := generate(dir); err != nil {
		fmt.Fprintln(os.Stderr, "mangen:", err)
		os.Exit(1)
	}
}

// generate writes one page per command into dir.
func generate(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root := cli.NewRootCmd(&cli.GlobalOptions{IO: cli.IO{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}})
	root.DisableAutoGenTag = true // reproducible pages: no generation date
	header := &doc.GenManHeader{Title: "VCSYNC", Section: "1", Source: "vcsync", Manual: "vcsync manual"}
	return doc.GenManTree(root, header, dir)
}
