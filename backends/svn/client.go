package svn

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// client runs svn and svnmucc for one push, with its credentials. It belongs
// to one push and is never shared.
type client struct {
	b          *backend
	runner     *run.Runner
	dir        string // where svn runs: outside the working tree, whose .svn/ a clone may commit
	user, pass string // from the environment; "" leaves it to svn's own store
	dryNext    int64  // in a dry run, the last revision a printed commit would make
}

// client returns the client of one push.
func (b *backend) client(l backends.Local) *client {
	return &client{
		b:      b,
		runner: l.Runner,
		dir:    l.Neutral(),
		user:   envFor("VCSYNC_SVN_USERNAME", b.remote.Name),
		pass:   envFor("VCSYNC_SVN_PASSWORD", b.remote.Name),
	}
}

// envFor returns KEY_<NAME> (the remote's name in upper case, other than
// letters and digits as "_"), else KEY, as the git backend reads its tokens:
// remotes on different servers need different passwords.
func envFor(key, remote string) string {
	if v := os.Getenv(key + "_" + envName(remote)); v != "" {
		return v
	}
	return os.Getenv(key)
}

// envName is a remote's name as it ends an environment variable's name.
func envName(remote string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'A'
		case 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
			return r
		}
		return '_'
	}, remote)
}

// authHint says where vcsync takes svn credentials from, for an auth
// error: svn's own "Can't get username or password" names nothing the user
// can set (issue 14). Never a prompt: svn runs with --non-interactive.
func (c *client) authHint() string {
	if strings.HasPrefix(c.b.url, "svn+ssh://") {
		return "svn+ssh:// logs in with ssh: load the key into ssh-agent (ssh-add), or name it in ~/.ssh/config"
	}
	name := envName(c.b.remote.Name)
	vars := fmt.Sprintf("VCSYNC_SVN_USERNAME and VCSYNC_SVN_PASSWORD (or VCSYNC_SVN_USERNAME_%s and VCSYNC_SVN_PASSWORD_%s)", name, name)
	if c.user != "" || c.pass != "" {
		return "the server refused the credentials of " + vars
	}
	return "set " + vars + " in the environment: vcsync never prompts"
}

// run runs svn or svnmucc with args after the options every call needs, and
// returns its stdout. what names the step for the error, which is
// classified and never holds the password. The command is taken to change
// the repository: a dry run prints it, with what as its note. A command
// that only reads goes through read.
func (c *client) run(ctx context.Context, what, name string, args ...string) ([]byte, error) {
	return c.exec(ctx, run.Cmd{Name: name, Note: what}, what, args)
}

// read is run for a command that only reads the repository (info, log,
// list, cat, export, svnrdump): a dry run runs it too, so that its plan is
// what the repository holds.
func (c *client) read(ctx context.Context, what, name string, args ...string) ([]byte, error) {
	return c.exec(ctx, run.Cmd{Name: name, ReadOnly: true}, what, args)
}

// exec runs cmd, given its program, with args after the options every call
// needs.
func (c *client) exec(ctx context.Context, cmd run.Cmd, what string, args []string) ([]byte, error) {
	name := cmd.Name
	// Group: svn+ssh:// runs ssh, which a timeout must end too.
	cmd.Dir, cmd.Neutral, cmd.Env, cmd.Group = c.dir, true, env(), true
	// Never prompt: pushes run in parallel and unattended.
	cmd.Args = []string{"--non-interactive"}
	if c.user != "" {
		cmd.Args = append(cmd.Args, "--username", c.user)
	}
	if c.pass != "" {
		// Not --password: argv is visible to every user of the machine.
		cmd.Args = append(cmd.Args, "--password-from-stdin")
		cmd.Stdin = strings.NewReader(c.pass + "\n")
		cmd.Secrets = []string{c.pass}
	}
	if c.user != "" || c.pass != "" {
		// Credentials from the environment are not svn's to store.
		cmd.Args = append(cmd.Args, "--no-auth-cache")
	}
	cmd.Args = append(cmd.Args, args...)
	out, err := c.runner.Run(ctx, cmd)
	if err != nil {
		class := classify(ctx, err)
		msg := run.Redact(brief(name, err), c.pass)
		if class == backends.Auth {
			msg += ": " + c.authHint()
		}
		return out, c.b.errorf(class, "%s: %s", what, msg)
	}
	return out, nil
}

// brief is the error of a failed svn or svnmucc run as the user needs it:
// svn's own message ("svnmucc: E165001: Commit blocked by pre-commit hook
// ... with output: ...") rather than the whole command line, temporary
// paths and all, which -v shows. Without a message (a timeout, say), the
// command line is what there is.
func brief(name string, err error) string {
	var re *run.RunError
	if !errors.As(err, &re) || re.Stderr == "" || ctxDone(re.Err) {
		return err.Error()
	}
	msg := strings.Join(strings.Fields(re.Stderr), " ")
	if !strings.HasPrefix(msg, name+":") {
		msg = name + ": " + msg
	}
	if !svnCode.MatchString(msg) {
		// Warnings only, or a crash: how it ended is the news.
		msg += " (" + re.Err.Error() + ")"
	}
	return msg
}

// ctxDone reports whether err says the run was cut short.
func ctxDone(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// env is the environment of every svn and svnmucc call.
func env() []string {
	// C.UTF-8, not internal/run's C: svn converts log messages, revision
	// properties and file names from the locale's encoding, and in the C
	// locale any non-ASCII byte fails ("Can't convert string from native
	// encoding to 'UTF-8'"). Its messages stay untranslated.
	e := []string{"LC_ALL=C.UTF-8"}
	if _, ok := os.LookupEnv("SVN_SSH"); !ok {
		// svn's default tunnel is "$SVN_SSH ssh -q --": without BatchMode
		// ssh would ask for a password or a host key on the terminal,
		// which --non-interactive does not prevent.
		e = append(e, "SVN_SSH=ssh -q -o BatchMode=yes")
	}
	return e
}

// url returns the URL of path, relative to the directory, each byte that a
// URL may not hold as is escaped. An empty path is the directory itself.
func (c *client) url(path string) string {
	if path == "" {
		return c.b.url
	}
	return c.b.url + "/" + escape(path)
}

// escape percent-encodes path for a URL, keeping "/" and what svn's own
// svn_path_uri_encode keeps. A git path may hold anything but NUL: "%", "#",
// "?", "@" (a peg revision to svn), spaces and non-ASCII.
func escape(path string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		ch := path[i]
		switch {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9',
			strings.IndexByte("/-_.~!$&'()*+,;=:", ch) >= 0:
			b.WriteByte(ch)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[ch>>4])
			b.WriteByte(hex[ch&15])
		}
	}
	return b.String()
}

// pegged returns the directory's URL with a peg revision: without one, an
// "@" in the URL's path would be taken for a peg.
func (c *client) pegged(rev string) string {
	return c.b.url + "@" + rev
}
