package git

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/vcsync/vcsync/internal/run"
)

// credential is what `git credential fill` gave for one URL, kept to tell
// the helpers afterwards whether it worked.
type credential struct {
	query      string // protocol=, host=, path= and username= lines, as sent to fill
	user, pass string
}

// credRunner runs `git credential` in the working tree, so that the
// repository's own credential.helper applies as it does for git push.
type credRunner struct {
	runner *run.Runner
	dir    string
}

// credentialEnv keeps `git credential` from ever prompting: pushes run in
// parallel, unattended, and a prompt would block one of them forever.
// GIT_TERMINAL_PROMPT=0 stops git reading /dev/tty (stdin is a pipe
// already); an empty GIT_ASKPASS stops it from running core.askPass or
// SSH_ASKPASS, which it does even with terminal prompts disabled (git's
// prompt.c); GCM_INTERACTIVE=never keeps Git Credential Manager from opening
// a window.
var credentialEnv = []string{"GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", "SSH_ASKPASS=", "GCM_INTERACTIVE=never"}

// fill asks git's credential helpers for the credentials of query, a
// description in git's credential format (git-credential(1)).
func (c credRunner) fill(ctx context.Context, query string) (*credential, error) {
	out, err := c.git(ctx, "fill", query, nil)
	if err != nil {
		return nil, err
	}
	cred := &credential{query: query}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		switch k {
		case "username":
			cred.user = v
		case "password":
			cred.pass = v
		}
	}
	if cred.pass == "" {
		return nil, fmt.Errorf("git credential fill: no password")
	}
	return cred, nil
}

// tell runs `git credential approve` or `reject` for cred. Its failure is
// not the push's: the push has ended already, and a helper that cannot
// store is only a missed convenience.
func (c credRunner) tell(ctx context.Context, verb string, cred *credential) {
	in := cred.query + "username=" + cred.user + "\npassword=" + cred.pass + "\n"
	c.git(ctx, verb, in, []string{cred.pass})
}

// git runs `git credential VERB` with input on its stdin.
func (c credRunner) git(ctx context.Context, verb, input string, secrets []string) ([]byte, error) {
	return c.runner.Run(ctx, run.Cmd{
		// fill only asks; approve and reject change a helper's store.
		ReadOnly: verb == "fill",
		Name:     "git",
		// credential.interactive=false: git 2.46's own switch against
		// prompts; older versions ignore the unknown key.
		Args:    []string{"-c", "credential.interactive=false", "credential", verb},
		Dir:     c.dir,
		Env:     credentialEnv,
		Stdin:   strings.NewReader(input + "\n"),
		Secrets: secrets,
	})
}

// credentialQuery describes an http(s) URL as git's credential protocol
// does: the port in host=, the path without its leading slash (git drops
// it again unless credential.useHttpPath is set).
func credentialQuery(scheme, host, path, user string) string {
	q := "protocol=" + scheme + "\nhost=" + host + "\n"
	if p := strings.TrimPrefix(path, "/"); p != "" {
		q += "path=" + p + "\n"
	}
	if user != "" {
		q += "username=" + user + "\n"
	}
	return q
}
