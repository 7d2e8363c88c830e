package command

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
)

// maxCommits bounds VCSYNC_COMMITS: Linux refuses to start a program with
// one environment string over 128 KiB (MAX_ARG_STRLEN), and a first push
// (VCSYNC_FROM empty) would list the whole history. 1000 ids of 41 bytes
// stay well under it; a program that wants more runs git rev-list itself.
// A variable only for tests.
var maxCommits = 1000

// maxMessage bounds VCSYNC_MESSAGE for the same reason.
const maxMessage = 64 << 10

// environ returns the program's environment: vcsync's data, each in its own
// variable, so that it reaches the program as data and never as code.
//
//	VCSYNC_REMOTE    the remote's name
//	VCSYNC_URL       its URL as configured, credentials included ("" if none):
//	                 the program needs it whole; vcsync never prints it
//	VCSYNC_BRANCH    the remote's branch, else the local branch ("" if detached)
//	VCSYNC_REPO      the top of the working tree, also the program's directory
//	VCSYNC_FROM      the commit the remote last held, "" if unknown
//	VCSYNC_TO        the commit to push
//	VCSYNC_MESSAGE   the message of VCSYNC_TO (cut at 64 KiB)
//	VCSYNC_COMMITS   the ids of FROM..TO, oldest first, one a line; all of
//	                 TO's history when FROM is "" or unknown here; at most
//	                 the newest 1000, and then VCSYNC_COMMITS_TRUNCATED=1
func (b *backend) environ(ctx context.Context, l backends.Local, r backends.Range) ([]string, error) {
	v, err := answers.get(ctx, "message\x00"+l.Root+"\x00"+r.To, func() (any, error) { return message(ctx, l, r.To) })
	msg, _ := v.(string)
	if err != nil {
		return nil, b.errorf(backends.Fatal, "read %s: %v", kit.Short(r.To), err)
	}
	v, err = answers.get(ctx, "commits\x00"+l.Root+"\x00"+r.From+"\x00"+r.To, func() (any, error) {
		ids, truncated, err := commits(ctx, l, r)
		return commitList{ids, truncated}, err
	})
	list, _ := v.(commitList)
	ids, truncated := list.ids, list.truncated
	if err != nil {
		return nil, b.errorf(backends.Fatal, "list %s..%s: %v", kit.Short(r.From), kit.Short(r.To), err)
	}
	branch := strings.TrimPrefix(b.remote.Branch, "refs/heads/")
	if branch == "" {
		branch = strings.TrimPrefix(l.Branch, "refs/heads/")
	}
	env := []string{
		"VCSYNC_REMOTE=" + b.remote.Name,
		"VCSYNC_URL=" + b.remote.URL,
		"VCSYNC_BRANCH=" + branch,
		"VCSYNC_REPO=" + l.Root,
		"VCSYNC_FROM=" + r.From,
		"VCSYNC_TO=" + r.To,
		"VCSYNC_MESSAGE=" + msg,
		"VCSYNC_COMMITS=" + strings.Join(ids, "\n"),
		"VCSYNC_COMMITS_TRUNCATED=",
	}
	if truncated {
		env[len(env)-1] += "1"
	}
	return env, nil
}

// commitList is what commits returns, as the memo keeps it.
type commitList struct {
	ids       []string
	truncated bool
}

// message returns the message of commit id, without its final newline.
func message(ctx context.Context, l backends.Local, id string) (string, error) {
	out, err := git(ctx, l, "log", "-1", "--format=%B", id, "--")
	if err != nil {
		return "", err
	}
	msg := strings.TrimRight(string(out), "\n")
	if len(msg) > maxMessage {
		cut := maxMessage
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut]
	}
	return msg, nil
}

// commits lists r.From..r.To, oldest first, at most maxCommits of them.
// A From that the local repository lacks (a history rewritten since) is
// treated as unknown rather than failing the push.
func commits(ctx context.Context, l backends.Local, r backends.Range) (ids []string, truncated bool, err error) {
	args := []string{"rev-list", "--reverse", "--max-count=" + strconv.Itoa(maxCommits+1), r.To}
	var out []byte
	if r.From != "" {
		out, err = git(ctx, l, append(args, "^"+r.From, "--")...)
	}
	if r.From == "" || err != nil {
		out, err = git(ctx, l, append(args, "--")...)
	}
	if err != nil {
		return nil, false, err
	}
	ids = strings.Fields(string(out))
	// --max-count keeps the newest, then --reverse puts the oldest first:
	// the one too many is the first.
	if len(ids) > maxCommits {
		return ids[1:], true, nil
	}
	return ids, false, nil
}

// git runs git in the working tree, through the push's Runner so that
// --verbose shows it, for a question (ReadOnly: a dry run asks it too).
func git(ctx context.Context, l backends.Local, args ...string) ([]byte, error) {
	return l.Runner.Run(ctx, run.Cmd{Name: "git", Args: args, Dir: l.Root, ReadOnly: true})
}

// secrets returns the password of rawURL, as written and unescaped, for
// run to mask wherever the program repeats it alone (run already masks it
// inside a URL).
func secrets(rawURL string) []string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return nil
	}
	pass, ok := u.User.Password()
	if !ok || pass == "" {
		return nil
	}
	s := []string{pass}
	if raw := rawPassword(rawURL); raw != "" && raw != pass {
		s = append(s, raw)
	}
	return s
}

// rawPassword returns the password as written in rawURL, escapes and all.
func rawPassword(rawURL string) string {
	_, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	_, pass, _ := strings.Cut(rest[:at], ":")
	return pass
}

// errBadID is the error for a commit id that is not a full hexadecimal one.
var errBadID = errors.New("not a full commit id")

// isID reports whether s is a full commit id (SHA-1 or SHA-256, lower case):
// the only thing vcsync passes to git, so that nothing can be read as an
// option.
func isID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	return strings.Trim(s, "0123456789abcdef") == ""
}
