package hg

import (
	"regexp"
	"slices"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/backends/kit"
)

// messages maps what hg and the ssh it runs say (LC_ALL=C: in English) to a
// class. The first match wins, so ssh's authentication failures come before
// the "no suitable response" that hg reports after them.
var messages = slices.Concat([]kit.Rule{
	// hg push refuses to add a head: the remote has changesets we lack.
	{Text: "push creates new remote head", Class: backends.Rejected},
	{Text: "push creates new remote branches", Class: backends.Rejected},
}, kit.SSHRules, []kit.Rule{
	{Text: "authorization failed", Class: backends.Auth},
	{Text: "authorization required", Class: backends.Auth},
	{Text: "timed out", Class: backends.Transient},
})

// httpStatus finds hg's "HTTP Error 503: Service Unavailable".
var httpStatus = regexp.MustCompile(`HTTP Error (\d{3})`)

// classify tells the engine what to do about a failed run.
func classify(err error) backends.Class { return kit.Classify(err, messages, httpClass) }

// httpClass classifies hg's "HTTP Error 503: Service Unavailable".
func httpClass(msg string) (backends.Class, bool) {
	m := httpStatus.FindStringSubmatch(msg)
	if m == nil {
		return 0, false
	}
	switch code := m[1]; {
	case code == "401" || code == "403":
		return backends.Auth, true
	case code == "408" || code == "429" || code[0] == '5':
		return backends.Transient, true
	}
	return 0, false
}
