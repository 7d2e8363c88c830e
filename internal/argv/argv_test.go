package argv

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"deploy", []string{"deploy"}},
		{"  deploy.sh  --prod\t-v\n", []string{"deploy.sh", "--prod", "-v"}},
		{`rsync -a 'my dir/' host:/srv`, []string{"rsync", "-a", "my dir/", "host:/srv"}},
		{`a 'it''s' b`, []string{"a", "its", "b"}},
		{`sh -c 'git push "$VCSYNC_URL" "$VCSYNC_TO:refs/heads/main"'`, []string{"sh", "-c", `git push "$VCSYNC_URL" "$VCSYNC_TO:refs/heads/main"`}},
		{"x \"a \\\"b\\\" \\\\ \\$HOME \\` \\n\"", []string{"x", "a \"b\" \\ $HOME ` \\n"}},
		{`x 'a\b' a\ b \|`, []string{"x", `a\b`, "a b", "|"}},
		{`x '' ""`, []string{"x", "", ""}},
		{`x a"b c"'d e'`, []string{"x", "ab cd e"}},
		{`x 'a;b|c&d$e*f~g#h'`, []string{"x", "a;b|c&d$e*f~g#h"}},
		{"x --opt=a,b:c@d%e+f", []string{"x", "--opt=a,b:c@d%e+f"}},
	}
	for _, tt := range tests {
		got, err := Split(tt.in)
		if err != nil {
			t.Errorf("Split(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Split(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

// TestSplitRefuses: what a shell would expand or interpret is refused, not
// passed on as a literal argument the user did not mean.
func TestSplitRefuses(t *testing.T) {
	for _, in := range []string{
		"", "  \t\n",
		"deploy.sh | tee log", "a; b", "a && b", "a > log", "a < in", "(a)",
		"deploy $HOST", "deploy ${HOST}", "echo `id`", "echo $(id)",
		"~/bin/deploy", "deploy *.tar", "deploy file?", "deploy [ab]", "a # comment",
		`x "$HOME"`, "x \"`id`\"",
		"x 'open", `x "open`, `x "a\"`, `x \`,
	} {
		if got, err := Split(in); err == nil {
			t.Errorf("Split(%q) = %q, want an error", in, got)
		}
	}
}

// FuzzSplit: split never panics, and the words it returns, each quoted in
// single quotes, split back to themselves.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{`a 'b c' "d\"e" f\ g`, `sh -c 'x "$Y"'`, `"\\$"`, "a\tb\nc", `'`, `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := Split(s)
		if err != nil {
			return
		}
		var quoted []string
		for _, w := range words {
			quoted = append(quoted, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
		}
		again, err := Split(strings.Join(quoted, " "))
		if err != nil {
			t.Fatalf("Split(%q) = %q, whose quoted form does not split: %v", s, words, err)
		}
		if diff := cmp.Diff(words, again); diff != "" {
			t.Fatalf("Split(%q) round trip mismatch (-first +again):\n%s", s, diff)
		}
	})
}
