package git

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/testserver"
)

// TestTokenNeverOverHTTP: a token from the environment goes only over
// https. A plain http server that asks for credentials, and records every
// header it gets, never sees it, and the error says why.
func TestTokenNeverOverHTTP(t *testing.T) {
	testserver.Env(t)
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		for k, vs := range r.Header {
			seen = append(seen, k+": "+strings.Join(vs, ","))
		}
		seen = append(seen, "URL: "+r.URL.String())
		mu.Unlock()
		w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
		http.Error(w, "authentication required", http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	dir, head := newLocal(t, 1)
	t.Setenv("VCSYNC_TOKEN_WEB", "t0ken-per-remote")
	t.Setenv("VCSYNC_GIT_TOKEN", "t0ken-global")
	b, err := New(backends.Remote{Name: "web", Kind: "git", URL: srv.URL + "/r.git"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Push(t.Context(), backends.Local{Root: dir, Branch: "main"}, backends.Range{To: head})
	if backends.ClassOf(err) != backends.Auth || !strings.Contains(err.Error(), "VCSYNC_TOKEN_WEB is set, but vcsync sends a token only over https") {
		t.Errorf("push over http = %v (class %v); want auth, saying tokens go over https only", err, backends.ClassOf(err))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatal("the server was never asked: the test proves nothing")
	}
	for _, h := range seen {
		if strings.Contains(h, "t0ken") || strings.HasPrefix(h, "Authorization") {
			t.Errorf("the http server received %q", h)
		}
	}
}
