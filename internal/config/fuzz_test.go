package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the configuration reader as .vcsync:
// it must return a configuration or an error, never panic or hang, and a
// configuration it accepts must hold its promises.
func FuzzLoad(f *testing.F) {
	f.Add("[vcsync]\n\tjobs = 4\n\tprimary = svn\n[vcsync \"svn\"]\n\tbackend = svn\n\turl = svn://x/trunk\n")
	f.Add("[vcsync \"github\"]\n\turl = git@github.com:me/p.git\n\tbranch = main\n[remote \"origin\"]\n\turl = /x\n")
	f.Add("[vcsync]\n\ttimeout = 2m\n\tretries = 3\n\thookMirror\n")
	f.Add("[include]\n\tpath = other\n[vcsync \"a b\"]\n\turl = \"quoted\\tvalue\" ; comment\n")
	f.Fuzz(func(t *testing.T, content string) {
		p := filepath.Join(t.TempDir(), "vcsync")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(File{Name: ".vcsync", Path: p})
		if err != nil {
			return
		}
		if c.Jobs < 1 || c.Retries < 0 || c.Timeout < 0 {
			t.Fatalf("accepted jobs %d, retries %d, timeout %v", c.Jobs, c.Retries, c.Timeout)
		}
		for _, r := range c.Remotes {
			if !ValidName(r.Name) || strings.HasPrefix(r.URL, "-") {
				t.Fatalf("accepted remote %q with url %q", r.Name, r.URL)
			}
		}
	})
}
