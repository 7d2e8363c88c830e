package run

import "testing"

func TestRedactURLToken(t *testing.T) {
	for in, want := range map[string]string{
		"https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/me/p.git": "https://***@github.com/me/p.git",
		"https://x-access-token:@github.com/me/p.git":                    "https://***@github.com/me/p.git",
		"https://glpat-abc@gitlab.com/me/p.git":                          "https://***@gitlab.com/me/p.git",
		"ssh://git@github.com/me/p.git":                                  "ssh://git@github.com/me/p.git",
		"https://jane@example.org/p.git":                                 "https://jane@example.org/p.git",
		"https://jane:pw@example.org/p.git":                              "https://jane:***@example.org/p.git",
		"https://gitlab.example/p.git?private_token=glpat-x1":            "https://gitlab.example/p.git?private_token=***",
		"https://h.example/p?a=1&access_token=ya29.abc&b=2":              "https://h.example/p?a=1&access_token=***&b=2",
		"https://h.example/p?ACCESS_TOKEN=s3cr3t#frag":                   "https://h.example/p?ACCESS_TOKEN=***#frag",
		"https://h.example/p?tokens=kept":                                "https://h.example/p?tokens=kept",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
		if got := Redact("push to " + in + " failed"); got != "push to "+want+" failed" {
			t.Errorf("Redact(... %q ...) = %q", in, got)
		}
	}
}
