package bzr

import (
	"context"
	"strings"

	"github.com/vcsync/vcsync/backends"
)

// pushTags gives the branch target, which holds to, a Bazaar tag for each
// annotated git tag of to's history that it lacks (Range.FollowTags): `brz
// tag` on the revision that holds the tag's commit, "git-v1:COMMIT" as brz
// push made it, or the revision the revmap names for one that went through
// fast-import. A tag the branch has, on whatever revision, is left alone:
// a second push sends nothing. It returns how many tags it made.
func (b *backend) pushTags(ctx context.Context, l backends.Local, target, to string) (int, error) {
	want, err := b.historyTags(ctx, l, to)
	if err != nil || len(want) == 0 {
		return 0, err
	}
	out, err := b.read(ctx, l, "tags", "-d", target)
	if err != nil {
		return 0, b.fail(err, "list the branch's tags")
	}
	have := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			have[f[0]] = true
		}
	}
	gitDir, err := b.gitDir(ctx, l)
	if err != nil {
		return 0, err
	}
	m, err := readRevmap(gitDir)
	if err != nil {
		return 0, b.errorf(backends.Fatal, "%v", err)
	}
	n := 0
	for _, t := range want {
		if have[t[0]] {
			continue
		}
		rev, ok := m.rev[[2]string{t[1], target}]
		if !ok {
			rev = gitRevPrefix + t[1]
		}
		if _, err := b.brz(ctx, l, "tag", "-q", "-d", target, "-r", "revid:"+rev, "--", t[0]); err != nil {
			return n, b.fail(err, "brz tag "+t[0])
		}
		n++
	}
	return n, nil
}

// historyTags returns [name, commit] of each annotated tag whose commit is
// in to's history, with one git for-each-ref. A name that brz could take
// for an option is left out.
func (b *backend) historyTags(ctx context.Context, l backends.Local, to string) ([][2]string, error) {
	out, err := b.git(ctx, l, "for-each-ref", "--merged="+to, "--format=%(objecttype) %(*objecttype) %(*objectname) %(refname:short)", "refs/tags/")
	if err != nil {
		return nil, b.fail(err, "list the tags")
	}
	var tags [][2]string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 4 && f[0] == "tag" && f[1] == "commit" && !strings.HasPrefix(f[3], "-") {
			tags = append(tags, [2]string{f[3], f[2]})
		}
	}
	return tags, nil
}
