// Package cli is vcsync's command layer: cobra commands that parse flags,
// call the core (package vcsync) and render its results as text or JSON,
// and the one place where errors become exit codes.
//
// It holds no VCS logic, and it is the only package that imports cobra.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes, the contract of DESIGN.md.
const (
	ExitOK          = 0   // all done
	ExitError       = 1   // an error; nothing changed
	ExitUsage       = 2   // bad command line
	ExitPartial     = 3   // the commit is made (or none was needed) but a remote failed
	ExitInterrupted = 130 // interrupted (SIGINT)
)

// IO is where a command reads and writes, so that tests can run commands
// in-process.
type IO struct {
	In          io.Reader
	Out, ErrOut io.Writer
}

// FlagError is a command-line mistake: the only error that prints usage and
// exits 2.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// Main runs vcsync with args (without the program name) and returns the exit
// code. SIGINT cancels the context; the command then ends with 130.
func Main(args []string, stdio IO) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root := NewRootCmd(&GlobalOptions{IO: stdio})
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && strings.HasPrefix(err.Error(), "unknown command ") {
		// cobra has no error type for this one.
		err = &FlagError{Err: err}
	}
	return exitCode(ctx, err, findPath(root, args), stdio)
}

// exitCode reports err and maps it to an exit code in one place.
func exitCode(ctx context.Context, err error, cmdPath string, stdio IO) int {
	if err == nil {
		return ExitOK
	}
	var fe *FlagError
	switch {
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		fmt.Fprintln(stdio.ErrOut, "vcsync: interrupted")
		return ExitInterrupted
	case errors.As(err, new(partialError)):
		return ExitPartial
	case errors.As(err, &fe):
		fmt.Fprintf(stdio.ErrOut, "vcsync: %v\n", err)
		fmt.Fprintf(stdio.ErrOut, "Run '%s --help' for usage.\n", cmdPath)
		return ExitUsage
	}
	fmt.Fprintf(stdio.ErrOut, "vcsync: %v\n", err)
	return ExitError
}

// findPath is the path of the command that args run, for the usage hint.
func findPath(root *cobra.Command, args []string) string {
	c, _, err := root.Find(args)
	if err != nil || c == nil {
		return root.Name()
	}
	return c.CommandPath()
}
