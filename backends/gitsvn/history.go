package gitsvn

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// commit is a commit of the branch, as git log shows it.
type commit struct {
	id   string
	tree string
	msg  string // the message, the git-svn-id line removed
	url  string // from its git-svn-id line: the Subversion URL it came from, "" if none
	rev  int    // and its revision
	uuid string // and the repository's UUID
}

// svnID matches the line git svn appends to every commit it makes:
// "git-svn-id: file:///repos/proj/trunk@123 1b2c...-uuid".
var svnID = regexp.MustCompile(`(?m)^git-svn-id: (\S+)@([0-9]+) (\S+)\s*\z`)

// format is the git log format that parseCommit reads.
const format = "--format=%H%n%T%n%B"

// parseCommit reads "ID\nTREE\nMESSAGE", a record of git log's format.
func parseCommit(rec string) commit {
	id, rest, _ := strings.Cut(strings.TrimLeft(rec, "\n"), "\n")
	tree, msg, _ := strings.Cut(rest, "\n")
	c := commit{id: id, tree: tree, msg: strings.TrimSpace(msg)}
	if m := svnID.FindStringSubmatchIndex(c.msg); m != nil {
		c.url = c.msg[m[2]:m[3]]
		c.rev, _ = strconv.Atoi(c.msg[m[4]:m[5]])
		c.uuid = c.msg[m[6]:m[7]]
		c.msg = strings.TrimSpace(c.msg[:m[0]])
	}
	return c
}

// revision names c's Subversion revision as svn does, "r123".
func (c commit) revision() string {
	if c.url == "" {
		return ""
	}
	return "r" + strconv.Itoa(c.rev)
}

// upstream returns the newest commit of HEAD's first-parent history that
// came from Subversion, as git svn itself finds it: what Subversion holds,
// read from the repository rather than from vcsync's state.
func (b *backend) upstream(ctx context.Context, l backends.Local) (commit, error) {
	out, err := git(ctx, l, "log", "-1", "--first-parent", "--grep=^git-svn-id: ", format, "HEAD", "--")
	if err != nil {
		return commit{}, b.errorf(backends.Fatal, "find the last commit from Subversion: %v", err)
	}
	c := parseCommit(out)
	if out == "" || c.url == "" {
		return commit{}, b.errorf(backends.Fatal, "no commit of HEAD's history came from Subversion (no git-svn-id line): not a branch of a git svn clone")
	}
	return c, nil
}

// log returns the first-parent commits of from..to, oldest first: the ones
// dcommit sends, one Subversion revision each, in that order.
func log(ctx context.Context, l backends.Local, from, to string) ([]commit, error) {
	out, err := git(ctx, l, "log", "-z", "--first-parent", "--reverse", format, from+".."+to, "--")
	if err != nil || out == "" {
		return nil, err
	}
	var cs []commit
	for _, rec := range strings.Split(strings.TrimRight(out, "\x00"), "\x00") {
		cs = append(cs, parseCommit(rec))
	}
	return cs, nil
}

// checkClone checks that the repository is a git svn clone and, if the
// remote names a URL, that it is the clone's: the one HEAD's history came
// from, or one of its svn-remote.*.url, pushurl or commiturl.
func (b *backend) checkClone(ctx context.Context, l backends.Local, from string) error {
	out, err := git(ctx, l, "config", "--get-regexp", `^svn-remote\.`)
	var re *run.RunError
	if errors.As(err, &re) && re.ExitCode == 1 {
		return b.errorf(backends.Fatal, "%s is not a git svn clone (no svn-remote in its git config)", l.Root)
	} else if err != nil {
		return b.errorf(backends.Fatal, "read the svn-remote config: %v", err)
	}
	if b.remote.URL == "" {
		return nil
	}
	urls := []string{from}
	for _, line := range strings.Split(out, "\n") {
		key, value, _ := strings.Cut(line, " ")
		if strings.HasSuffix(key, "url") { // url, pushurl, commiturl
			urls = append(urls, value)
		}
	}
	want := bareURL(b.remote.URL)
	for _, u := range urls {
		if bareURL(u) == want {
			return nil
		}
	}
	var known []string
	for _, u := range urls {
		if u != "" {
			known = append(known, run.RedactURL(u))
		}
	}
	return b.errorf(backends.Fatal, "url %s is not this clone's Subversion URL (%s): git svn dcommit would send to the latter; fix the remote's url, or leave it empty",
		run.RedactURL(b.remote.URL), strings.Join(known, ", "))
}

// bareURL returns u without user information nor trailing slashes, as git
// svn writes URLs in git-svn-id lines.
func bareURL(u string) string {
	u = strings.TrimRight(u, "/")
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	host, path, _ := strings.Cut(rest, "/")
	if at := strings.LastIndex(host, "@"); at >= 0 {
		host = host[at+1:]
	}
	if path == "" {
		return scheme + "://" + host
	}
	return scheme + "://" + host + "/" + path
}

// rewrites maps each original commit, in order, to the commit that
// replaced it: ours are the new commits of the revisions dcommit reported
// as committed, in order too. Usually there is one for each; when dcommit
// skipped some (an empty commit, "No changes", or one its rebase dropped
// as already in Subversion), messages pair them up and a skipped commit
// maps to the replacement of the one before it (base for the first).
func rewrites(old, ours []commit, base string) map[string]string {
	m := make(map[string]string, len(old))
	if len(old) == len(ours) {
		for i, o := range old {
			m[o.id] = ours[i].id
		}
		return m
	}
	prev, j := base, 0
	for _, o := range old {
		if j < len(ours) && ours[j].msg == o.msg {
			prev = ours[j].id
			j++
		}
		m[o.id] = prev
	}
	return m
}
