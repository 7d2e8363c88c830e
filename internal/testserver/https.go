package testserver

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// HTTPS serves every repository under base through git http-backend over
// HTTPS, to user with password pass only, and returns its URL,
// "https://127.0.0.1:PORT": repository base/r.git is URL+"/r.git".
//
// Its certificate is self-signed: HTTPS writes it to a file and points
// GIT_SSL_CAINFO at it for the rest of the test. git honours that variable,
// and so must the vcsync git backend, as users with a private CA rely on it.
// The password is never written to any configuration: see CredentialStore.
func HTTPS(t testing.TB, base, user, pass string) string {
	t.Helper()
	logs := &logWriter{}
	h := &gitHTTP{
		user: user,
		pass: pass,
		cgi: &cgi.Handler{
			Path: filepath.Join(execPath(t), "git-http-backend"),
			Env: []string{
				"GIT_PROJECT_ROOT=" + base,
				"GIT_HTTP_EXPORT_ALL=1",
				// http-backend allows receive-pack only to a user the
				// web server authenticated; the handler has checked them.
				"REMOTE_USER=" + user,
				// The server's git must not read the developer's config.
				"HOME=" + t.TempDir(),
				"GIT_CONFIG_NOSYSTEM=1",
				"GIT_CONFIG_COUNT=1",
				"GIT_CONFIG_KEY_0=http.receivepack",
				"GIT_CONFIG_VALUE_0=true",
			},
			Logger: log.New(logs, "", 0),
			Stderr: logs, // "Not a git repository" and the like: shown if the test fails
		},
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(logs, "", 0)
	srv.StartTLS()
	t.Cleanup(func() {
		srv.Close()
		if t.Failed() {
			t.Logf("git http-backend at %s:\n%s", srv.URL, logs)
		}
	})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	writeFile(t, ca, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})), 0o644)
	t.Setenv("GIT_SSL_CAINFO", ca)
	httpsCheck(t, srv.URL, user, pass)
	return srv.URL
}

// gitHTTP asks for basic authentication, then hands the request to git
// http-backend.
type gitHTTP struct {
	user, pass string
	cgi        *cgi.Handler
}

func (h *gitHTTP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(user+"\x00"+pass), []byte(h.user+"\x00"+h.pass)) != 1 {
		// Without the challenge, git would not ask its credential helper.
		w.Header().Set("WWW-Authenticate", `Basic realm="vcsync-test"`)
		http.Error(w, "authentication required", http.StatusUnauthorized)
		return
	}
	// git sends a pack larger than http.postBuffer (1 MiB) chunked, and
	// net/http/cgi refuses chunked bodies: give the CGI a length.
	if r.ContentLength < 0 {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body, r.ContentLength, r.TransferEncoding = io.NopCloser(bytes.NewReader(body)), int64(len(body)), nil
	}
	h.cgi.ServeHTTP(w, r)
}

// httpsCheck proves with a real git that the server is up, that git trusts
// its certificate and that it takes the credential. It asks for a
// repository that does not exist: "not found" can only come from
// http-backend, past TLS and authentication. The credential goes in the
// URL, and no credential helper may keep it.
func httpsCheck(t testing.TB, base, user, pass string) {
	t.Helper()
	u, err := url.Parse(base + "/vcsync-no-such-repository.git")
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(user, pass)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "-c", "credential.helper=", "ls-remote", "--", u.String())
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "not found") {
		t.Fatalf("git ls-remote %s: want a \"not found\" from git http-backend, got %v\n%s", base, err, out)
	}
}

// CredentialStore makes git's store credential helper hold user and pass
// for the server at url (as HTTPS returns it): it sets credential.helper in
// home/.gitconfig and writes home/.git-credentials, which is how many users
// keep an https password, and where the vcsync git backend must find it.
func CredentialStore(t testing.TB, home, url, user, pass string) {
	t.Helper()
	file := filepath.Join(home, ".git-credentials")
	Git(t, home, "config", "--file", filepath.Join(home, ".gitconfig"), "credential.helper", "store --file="+file)
	writeFile(t, file, credentialURL(t, url, user, pass)+"\n", 0o600)
}

// credentialURL returns url with user and pass in it, escaped as the store
// helper expects.
func credentialURL(t testing.TB, raw, user, pass string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(user, pass)
	return u.String()
}
