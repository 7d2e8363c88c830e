package testserver

import "testing"

// GitDaemon serves every repository under base over git://, push included,
// and returns its URL, "git://127.0.0.1:PORT": repository base/r.git is
// URL+"/r.git". It is ServeGit, stopped by t.Cleanup.
func GitDaemon(t testing.TB, base string) string {
	t.Helper()
	Require(t, "git")
	s, err := ServeGit(nil, base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		if t.Failed() {
			t.Logf("git-daemon --inetd --base-path=%s\n%s", base, s.Log())
		}
	})
	return "git://" + s.Addr
}
