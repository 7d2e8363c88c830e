package git

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
	"github.com/vcsync/vcsync/internal/run"
)

// tokenUser is the user name sent with a bare token: GitHub and Gitea take
// any name with a token as password, GitLab any name with a personal token.
const tokenUser = "x-access-token"

// httpsAccess chooses the credentials of an http(s) push: those written in
// the URL, else a token from the environment (over https only: DESIGN.md,
// "Trust"), else git's credential helpers.
func (b *backend) httpsAccess(ctx context.Context, l backends.Local, repo *gogit.Repository) (*access, error) {
	a := &access{url: b.url, runner: credRunner{runner: l.Runner, dir: l.Root}}
	ca, err := caBundle(repo)
	if err != nil {
		return nil, b.errorf(backends.Fatal, "%v", err)
	}
	a.caBundle = ca
	user := b.ep.User
	token, tokenVar := b.envToken()
	if token != "" && b.ep.Protocol != "https" {
		// A token is a password: over plain http anyone on the path reads
		// it. git's credential helpers decide for themselves, as with git.
		a.hint = tokenVar + " is set, but vcsync sends a token only over https, and this remote's url is " + b.ep.Protocol + "://; use an https:// url"
		token = ""
	}
	switch {
	case b.ep.Password != "":
		a.secrets = []string{b.ep.Password} // go-git sends the URL's own credentials
	case token != "":
		if user == "" {
			user = tokenUser
		}
		a.auth, a.secrets = &githttp.BasicAuth{Username: user, Password: token}, []string{token}
		a.hint = "the token in " + tokenVar + " was refused"
	default:
		u, err := url.Parse(b.url)
		if err != nil {
			return nil, b.errorf(backends.Fatal, "url: %v", redactErr(err, b.ep))
		}
		cred, err := a.runner.fill(ctx, credentialQuery(u.Scheme, u.Host, u.Path, user))
		if err != nil {
			// No helper has credentials: try without, as git would for a
			// server that needs none, and say why if the server refuses.
			if a.hint == "" {
				a.hint = "git's credential helpers gave none: " + redact(lastLine(err)) +
					"; set " + b.tokenVar() + " to a token, or configure a credential helper"
			}
			return a, nil
		}
		a.auth, a.secrets, a.cred = &githttp.BasicAuth{Username: cred.user, Password: cred.pass}, []string{cred.pass}, cred
	}
	return a, nil
}

// lastLine returns what a failed `git credential` said last, without
// git's "fatal: " (git credential fill: "could not read Username for
// 'https://host': terminal prompts disabled").
func lastLine(err error) string {
	var re *run.RunError
	if !errors.As(err, &re) || re.Stderr == "" {
		return err.Error()
	}
	lines := strings.Split(re.Stderr, "\n")
	return strings.TrimPrefix(lines[len(lines)-1], "fatal: ")
}

// envToken returns VCSYNC_TOKEN_<NAME> (tokenVar), else VCSYNC_GIT_TOKEN,
// and the name of the variable it came from.
func (b *backend) envToken() (token, from string) {
	if t := os.Getenv(b.tokenVar()); t != "" {
		return t, b.tokenVar()
	}
	return os.Getenv("VCSYNC_GIT_TOKEN"), "VCSYNC_GIT_TOKEN"
}

// tokenVar is VCSYNC_TOKEN_<NAME>: the remote's name in upper case, other
// than letters and digits as "_".
func (b *backend) tokenVar() string {
	return "VCSYNC_TOKEN_" + kit.EnvName(b.remote.Name)
}

// caBundle returns the extra certificate authorities git would trust:
// GIT_SSL_CAINFO, else http.sslCAInfo from the repository's, the user's or
// the system's git configuration. go-git reads neither by itself.
func caBundle(repo *gogit.Repository) ([]byte, error) {
	file := os.Getenv("GIT_SSL_CAINFO")
	if file == "" {
		file = configValue(repo, "http", "sslCAInfo")
	}
	if file == "" {
		return nil, nil
	}
	if strings.HasPrefix(file, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			file = filepath.Join(home, file[2:])
		}
	}
	return os.ReadFile(file)
}

// configValue returns section.key from the first git configuration that
// sets it: the repository's, then the user's, then the system's (unless
// GIT_CONFIG_NOSYSTEM). Repository.ConfigScoped does not help: its merge
// leaves out the raw sections of the wider scopes.
func configValue(repo *gogit.Repository, section, key string) string {
	if c, err := repo.Config(); err == nil && c.Raw.Section(section).Option(key) != "" {
		return c.Raw.Section(section).Option(key)
	}
	scopes := []config.Scope{config.GlobalScope}
	if os.Getenv("GIT_CONFIG_NOSYSTEM") == "" {
		scopes = append(scopes, config.SystemScope)
	}
	for _, s := range scopes {
		if c, err := config.LoadConfig(s); err == nil && c.Raw.Section(section).Option(key) != "" {
			return c.Raw.Section(section).Option(key)
		}
	}
	return ""
}
