package testserver

import (
	"path/filepath"
	"testing"
)

// GitDaemon serves every repository under base over git://, push included,
// and returns its URL, "git://127.0.0.1:PORT": repository base/r.git is
// URL+"/r.git".
//
// It starts $(git --exec-path)/git-daemon itself rather than `git daemon`:
// git runs a dashed program such as git-daemon as its child, not by exec,
// so a SIGTERM to the wrapper would leave the real daemon running and
// holding the port.
func GitDaemon(t testing.TB, base string) string {
	t.Helper()
	daemon := filepath.Join(execPath(t), "git-daemon")
	for attempt := 1; ; attempt++ {
		port := itoa(FreePort(t))
		err := serve(t, "Ready to rumble", daemon,
			"--listen=127.0.0.1", "--port="+port, "--base-path="+base,
			"--export-all", "--enable=receive-pack", "--reuseaddr",
			"--verbose", "--informative-errors")
		if err == nil {
			return "git://127.0.0.1:" + port
		}
		if attempt == 2 { // the port was taken twice: something else is wrong
			t.Fatal(err)
		}
	}
}
