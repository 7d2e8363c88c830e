// Package all builds the registry of every backend vcsync has, in one
// explicit place (restic's backend/all): no backend registers itself in an
// init function.
package all

import (
	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/bzr"
	"github.com/vcsync/vcsync/backends/command"
	"github.com/vcsync/vcsync/backends/git"
	"github.com/vcsync/vcsync/backends/gitsvn"
	"github.com/vcsync/vcsync/backends/hg"
	"github.com/vcsync/vcsync/backends/svn"
)

// Registry returns the backends by kind.
func Registry() backends.Registry {
	return backends.Registry{
		"git":     git.New,
		"git-svn": gitsvn.New,
		"command": command.New,
		"svn":     svn.New,
		"bzr":     bzr.New,
		"hg":      hg.New,
	}
}
