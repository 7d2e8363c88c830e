package backends

import (
	"context"
	"time"
)

// RevisionReader is implemented by a backend whose remote numbers its
// revisions and can be read back (svn): vcsync pull and init --from-svn
// read the revisions others made, vcsync status the youngest one. It is
// optional, as restic's optional backend interfaces are: the backend only
// reads its remote; turning revisions into git commits, replaying and
// recording are the core's job.
type RevisionReader interface {
	// Repository describes the remote: its identity and the directory's
	// youngest revision.
	Repository(ctx context.Context, l Local) (RepoInfo, error)
	// Revisions lists the directory's revisions in from..to (inclusive,
	// from <= to), youngest first, at most limit of them (0: all), each
	// with the revision properties vcsync reads. Revisions that do not
	// touch the directory are not listed, as svn log leaves them out.
	Revisions(ctx context.Context, l Local, from, to int64, limit int) ([]Revision, error)
	// Dump returns the changes of revisions from..to to the directory in
	// Subversion's dump format (svnrdump dump --incremental): the first
	// revision as a change to the one before it. Copies from outside the
	// directory come as plain adds; copies inside it name their source.
	Dump(ctx context.Context, l Local, from, to int64) ([]byte, error)
	// Export writes the node at path (relative to the repository's root,
	// as the dump names it) at revision rev into dir, which must not
	// exist: files with svn:eol-style in LF, keywords unexpanded.
	Export(ctx context.Context, l Local, path string, rev int64, dir string) error
	// Cat returns the content of the file at path (as for Export) at
	// revision rev, as the repository stores it (no translation).
	Cat(ctx context.Context, l Local, path string, rev int64) ([]byte, error)
}

// RepoInfo identifies a remote repository and the directory vcsync
// syncs with.
type RepoInfo struct {
	UUID     string // the repository's UUID: names authors without a mapping (user@UUID, as git-svn does)
	Root     string // the repository's root URL
	Path     string // the directory, relative to Root ("trunk"), without slashes at either end
	Youngest int64  // the directory's youngest revision (its last-changed revision)
}

// Revision is one revision of the directory, with what vcsync reads of its
// revision properties.
type Revision struct {
	Number int64
	Author string    // svn:author: the user who committed it ("" for none)
	Date   time.Time // svn:date
	Log    string    // svn:log, verbatim
	// Commit is vcsync:commit: the git commit that vcsync sent as this
	// revision; "" for a revision someone else made.
	Commit string
}

// Fetcher is implemented by a backend whose remote holds git commits
// (git): vcsync pull with a git primary fetches them, then fast-forwards
// or replays the local commits on top.
type Fetcher interface {
	// Fetch brings the remote branch's commits into the local repository
	// (objects, and a ref of vcsync's own under refs/vcsync/) and returns
	// the commit the branch holds, "" when the remote has no such branch.
	Fetch(ctx context.Context, l Local) (string, error)
}
