package svn

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// Tags (Range.FollowTags): each annotated git tag whose commit is in the
// pushed history becomes, as svn users make them, a copy of the directory
// at the revision that holds that commit: trunk@12 -> tags/NAME. The
// revision comes from the vcsync:commit property that every revision of
// vcsync's carries, or for the commit that vcsync pull or init made of
// someone else's revision, from vcsync's state (Range.FromRevision). A
// commit with neither (sent inside a one-revision first push, one that
// changed no file, an older pulled one) has no revision known to be its own,
// and its tag stays behind. A tag the tags directory has, at whatever revision, is
// never replaced: a second push sends nothing.

// tagsURL is the URL of the directory that receives the tags: the
// remote's Options["tags"], a path beside the remote's directory or, with
// "^/", from the repository's root; by default "tags" beside a directory
// named trunk. "" when the remote has none (a directory not named trunk,
// and no tags option): its tags are not sent.
func (b *backend) tagsURL(ctx context.Context, c *client) (string, error) {
	opt, set := b.remote.Options["tags"]
	parent := b.url[:strings.LastIndex(b.url, "/")]
	switch {
	case !set && path.Base(b.url) == "trunk":
		return parent + "/tags", nil
	case !set:
		return "", nil
	case strings.HasPrefix(opt, "^/"):
		out, err := c.read(ctx, "find the repository's root", "svn", "info", "--show-item", "repos-root-url", "--", c.pegged("HEAD"))
		if err != nil {
			return "", err
		}
		return strings.TrimSpace(string(out)) + "/" + escape(strings.TrimPrefix(opt, "^/")), nil
	}
	return parent + "/" + escape(opt), nil
}

// pushTags sends the tags of to's history that the tags directory lacks,
// one revision each, and returns the youngest revision it made (0 for
// none). made holds the revisions this push made (or, dry, would make),
// which the log read before may not show.
func (b *backend) pushTags(ctx context.Context, c *client, repo *gogit.Repository, to *object.Commit, made map[string]int64) (int64, error) {
	want, err := historyTags(repo, to)
	if err != nil {
		return 0, b.errorf(backends.Fatal, "read the tags: %v", err)
	}
	if len(want) == 0 {
		return 0, nil
	}
	dir, err := b.tagsURL(ctx, c)
	if err != nil || dir == "" {
		return 0, err
	}
	have, exists, err := c.listNames(ctx, dir)
	if err != nil {
		return 0, err
	}
	var missing []historyTag
	for _, t := range want {
		if !have[t.name] {
			missing = append(missing, t)
		}
	}
	if len(missing) == 0 {
		return 0, nil
	}
	revs, err := c.commitRevisions(ctx)
	if err != nil {
		return 0, err
	}
	for id, rev := range made {
		revs[id] = rev
	}
	var last int64
	for _, t := range missing {
		rev, ok := revs[t.commit]
		if !ok {
			continue // no revision of its own holds that commit
		}
		args := []string{"-m", message(t.message)}
		if !exists {
			args = append(args, "mkdir", dir)
			exists = true
		}
		args = append(args, "cp", strconv.FormatInt(rev, 10), b.url, dir+"/"+escape(t.name))
		out, err := c.exec(ctx, run.Cmd{Name: "svnmucc", Note: fmt.Sprintf("tag %s: r%d of %s", t.name, rev, b.url)}, "tag "+t.name, args)
		if err != nil {
			return last, err
		}
		if c.runner.Dry() {
			if last, err = c.dryRevision(ctx); err != nil {
				return last, err
			}
			continue
		}
		m := committed.FindSubmatch(out)
		if m == nil {
			return last, b.errorf(backends.Fatal, "tag %s: svnmucc did not say which revision it made: %q", t.name, out)
		}
		n, _ := strconv.ParseInt(string(m[1]), 10, 64)
		last = max(last, n)
	}
	return last, nil
}

// historyTag is an annotated tag of the pushed history.
type historyTag struct {
	name, commit, message string
}

// historyTags returns the annotated tags whose commit is in to's history,
// by name, with one walk back from to that stops once it has met them all.
// A name that a URL path could not hold as one segment is left out.
func historyTags(repo *gogit.Repository, to *object.Commit) ([]historyTag, error) {
	iter, err := repo.Tags()
	if err != nil {
		return nil, err
	}
	byCommit := map[plumbing.Hash][]historyTag{}
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		name := ref.Name().Short()
		if strings.ContainsAny(name, "/") || strings.HasPrefix(name, "-") || ref.Type() != plumbing.HashReference {
			return nil
		}
		tag, err := repo.TagObject(ref.Hash())
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return nil // a lightweight tag
		}
		if err != nil {
			return err
		}
		if tag.TargetType == plumbing.CommitObject {
			byCommit[tag.Target] = append(byCommit[tag.Target], historyTag{name: name, commit: tag.Target.String(), message: tag.Message})
		}
		return nil
	})
	if err != nil || len(byCommit) == 0 {
		return nil, err
	}
	var tags []historyTag
	walk := object.NewCommitPreorderIter(to, nil, nil)
	defer walk.Close()
	err = walk.ForEach(func(c *object.Commit) error {
		tags = append(tags, byCommit[c.Hash]...)
		delete(byCommit, c.Hash)
		if len(byCommit) == 0 {
			return storer.ErrStop
		}
		return nil
	})
	sort.Slice(tags, func(i, j int) bool { return tags[i].name < tags[j].name })
	return tags, err
}

// listNames returns the names of the entries of the directory url, and
// whether it exists.
func (c *client) listNames(ctx context.Context, url string) (map[string]bool, bool, error) {
	out, err := c.read(ctx, "list the tags", "svn", "list", "--", url+"@HEAD")
	if err != nil {
		if strings.Contains(err.Error(), "E200009") || strings.Contains(err.Error(), "E160013") {
			return nil, false, nil // not there yet: the first tag makes it
		}
		return nil, false, err
	}
	names := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if name := strings.TrimSuffix(strings.TrimSpace(line), "/"); name != "" {
			names[name] = true
		}
	}
	return names, true, nil
}

// commitRevisions maps each commit that a revision of the directory records
// in vcsync:commit to that revision, from one svn log of the directory.
func (c *client) commitRevisions(ctx context.Context) (map[string]int64, error) {
	out, err := c.read(ctx, "read its log", "svn", "log", "--xml", "-r", "HEAD:0", "--with-revprop", propCommit, "--", c.pegged("HEAD"))
	if err != nil {
		return nil, err
	}
	var l logXML
	if err := xml.Unmarshal(out, &l); err != nil {
		return nil, c.b.errorf(backends.Fatal, "svn log: unexpected output: %v", err)
	}
	m := map[string]int64{}
	for _, e := range l.Entries {
		for _, p := range e.Props {
			if p.Name == propCommit {
				if id := strings.TrimSpace(p.Value); m[id] == 0 {
					m[id] = e.Revision
				}
			}
		}
	}
	return m, nil
}
