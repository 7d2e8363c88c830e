package git

import (
	"errors"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
)

// followTags returns the ref updates and the tag objects that go with a
// push under Range.FollowTags: the annotated tags (refs/tags/*) whose
// target is among the objects sent, that is, which tag a new commit. Each
// is a creation: a tag the remote has, at whatever object, is never moved.
// Lightweight tags stay behind, as with git push --follow-tags.
//
// go-git's PushOptions.FollowTags (Remote.addReachableTags) instead runs
// Commit.IsAncestor from the pushed commit for every local tag the remote
// lacks: one walk of the history per tag, 2.5 minutes with 400 tags. Here a
// tag costs one object read and a map lookup. A tag on an older commit,
// which the remote already had, does not go: it belonged to that commit's
// push.
func followTags(repo *gogit.Repository, sent []plumbing.Hash, remote map[string]plumbing.Hash) ([]*packp.Command, []plumbing.Hash, error) {
	isSent := make(map[plumbing.Hash]bool, len(sent))
	for _, h := range sent {
		isSent[h] = true
	}
	iter, err := repo.Tags()
	if err != nil {
		return nil, nil, err
	}
	var cmds []*packp.Command
	var objs []plumbing.Hash
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		if _, ok := remote[ref.Name().String()]; ok || ref.Type() != plumbing.HashReference {
			return nil
		}
		tag, err := repo.TagObject(ref.Hash())
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return nil // a lightweight tag: not a tag object
		}
		if err != nil {
			return err
		}
		if isSent[tag.Target] {
			cmds = append(cmds, &packp.Command{Name: ref.Name(), Old: plumbing.ZeroHash, New: ref.Hash()})
			objs = append(objs, ref.Hash())
		}
		return nil
	})
	return cmds, objs, err
}
