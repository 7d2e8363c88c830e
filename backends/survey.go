package backends

import "context"

// Surveyor is implemented by a backend whose push plan depends on more than
// the commit its remote holds (svn: one revision per first-parent commit,
// others' revisions found by their revision properties). vcsync status asks
// it rather than counting commits itself, so that what status says a remote
// lacks is what a push would send. It only reads the remote.
type Surveyor interface {
	// Survey says what Push(ctx, l, r) would do now, without doing it. A
	// remote that holds others' work that cannot be counted is an error of
	// class Rejected, worded as Push words it.
	Survey(ctx context.Context, l Local, r Range) (Survey, error)
}

// Survey is what a remote holds, compared with the local commit pushed.
type Survey struct {
	Tip     string // the remote's last revision in its own terms ("r12"), "" for none
	Missing int    // the commits a push would send now
	Foreign int    // the revisions it holds that the local branch lacks (others' work)
}
