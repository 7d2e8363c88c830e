// Package command is the command backend: a program the user names runs the
// push, for anything vcsync has no backend for (a deploy, an upload, an
// rsync, a notification):
//
//	[vcsync "deploy"]
//		backend = command
//		command = scripts/deploy --prod
//		url = ssh://deploy@example.org/srv/app   # optional, given as VCSYNC_URL
//
// Our data never goes through a shell. The command string, which the user
// wrote, is split into argv once, by the rules of internal/argv, without
// expansion; the commit range, the message, the remote's name and URL reach
// the program only as environment variables (env.go). A user who wants
// pipes writes `sh -c '...'` and says "$VCSYNC_TO" inside: the shell then
// expands our data as one quoted word, so no commit message can become code.
// The exit codes and stdout lines the program answers with are in push.go.
//
// The package must not import the core (package vcsync) nor internal/cli;
// the program runs through internal/run.
package command

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/argv"
)

// optionKey is the remote's key that holds the command.
const optionKey = "command"

type backend struct {
	remote backends.Remote
	argv   []string // the command, split; argv[0] as written, not yet resolved
}

// New is a backends.Factory, for backends/all.
var _ backends.Factory = New

// New returns the command backend for r. It splits and checks the command
// without running anything.
func New(r backends.Remote) (backends.Backend, error) {
	b := &backend{remote: r}
	return kit.Valid(b, b.parse())
}

// parse splits the command and refuses what could be read as an option.
func (b *backend) parse() error {
	raw, ok := b.remote.Options[optionKey]
	if !ok || strings.TrimSpace(raw) == "" {
		return b.errorf(backends.Fatal, "no command: set it with git config vcsync.%s.command 'PROGRAM ARGS...'", b.remote.Name)
	}
	words, err := argv.Split(raw)
	if err != nil {
		return b.errorf(backends.Fatal, "command: %v", err)
	}
	// A program named "-x" is an option of whatever would run it; the URL
	// is not in argv, but the program may well pass it to git or ssh as
	// an argument (CVE-2017-1000117): refuse both, as git refuses such URLs.
	for _, err := range []error{kit.RefuseOption("command", words[0]), kit.RefuseOption("url", b.remote.URL)} {
		if err != nil {
			return b.errorf(backends.Fatal, "%v", err)
		}
	}
	b.argv = words
	return nil
}

// Capabilities: what the program does with the commits is its own affair,
// so vcsync promises nothing about authors, dates or atomicity.
func (b *backend) Capabilities() backends.Capabilities {
	return backends.Capabilities{Program: b.argv[0]}
}

// Check re-parses the command and finds its program: in PATH for a bare
// name, on disk for an absolute path, and for a relative path such as
// ./scripts/deploy, from the top of l's working tree.
func (b *backend) Check(ctx context.Context, l backends.Local) error {
	c := &backend{remote: b.remote}
	if err := c.parse(); err != nil {
		return err
	}
	_, err := c.program(l.Root)
	return err
}

// program returns the absolute path of the program to run: name resolved
// against root when it is a relative path, else in PATH when it has no
// slash. Running an absolute path keeps os/exec from searching PATH again.
func (b *backend) program(root string) (string, error) {
	name := b.argv[0]
	var path string
	var err error
	switch {
	case filepath.IsAbs(name):
		path, err = name, executable(name)
	case strings.ContainsRune(name, '/'):
		path = filepath.Join(root, name)
		err = executable(path)
	default:
		path, err = lookPath(name)
	}
	if err != nil {
		return "", b.errorf(backends.Fatal, "command %s: %v", name, err)
	}
	return path, nil
}

// errNotFound is lookPath's error for a name that no PATH entry holds.
var errNotFound = errors.New("not found in PATH")

// lookPath finds name in PATH, as a shell would. internal/run has no
// LookPath, and only it may import os/exec. Empty and relative PATH entries
// are skipped, as os/exec refuses them (ErrDot): a repository could
// otherwise plant a program of that name in the directory vcsync runs in.
func lookPath(name string) (string, error) {
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if !filepath.IsAbs(dir) {
			continue
		}
		path := filepath.Join(dir, name)
		if executable(path) == nil {
			return path, nil
		}
	}
	return "", errNotFound
}

// executable reports why path is not a program one can run, or nil.
func executable(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such file")
	case err != nil:
		return err
	case fi.IsDir():
		return errors.New("is a directory")
	case fi.Mode().Perm()&0o111 == 0:
		return errors.New("not executable (chmod +x it, or name its interpreter: sh " + filepath.Base(path) + ")")
	}
	return nil
}

// errorf returns a classified error that names the remote.
func (b *backend) errorf(c backends.Class, format string, args ...any) error {
	return kit.Errorf(b.remote.Name, c, format, args...)
}
