package kit

import (
	"context"
	"errors"
	"strings"

	"github.com/vcsync/vcsync/backends"
)

// Rule maps a text that a program prints (LC_ALL=C: in English) to a
// class.
type Rule struct {
	Text  string
	Class backends.Class
}

// Classify tells the engine what to do about a failed run: an interrupted
// run is Fatal (never retried), one that timed out Transient; then the
// first rule whose text err's message holds, then the first of more that
// knows; Fatal when nothing matches, so that an error nobody knows is
// never retried.
func Classify(err error, rules []Rule, more ...func(msg string) (backends.Class, bool)) backends.Class {
	switch {
	case errors.Is(err, context.Canceled):
		return backends.Fatal
	case errors.Is(err, context.DeadlineExceeded):
		return backends.Transient
	}
	msg := err.Error()
	if c, ok := Match(msg, rules); ok {
		return c
	}
	for _, f := range more {
		if c, ok := f(msg); ok {
			return c
		}
	}
	return backends.Fatal
}

// Match returns the class of the first rule whose text msg holds.
func Match(msg string, rules []Rule) (backends.Class, bool) {
	for _, r := range rules {
		if strings.Contains(msg, r.Text) {
			return r.Class, true
		}
	}
	return 0, false
}

// SSHRules classify what ssh and the system's resolver print (LC_ALL=C):
// for the backends whose program runs ssh or opens connections itself. A
// backend puts them after what its own program says of a rejected push,
// and before the vaguer words ("Connection closed") its program adds after
// ssh's.
var SSHRules = []Rule{
	{Text: "Permission denied (", Class: backends.Auth}, // "Permission denied (publickey,password)."
	{Text: "Host key verification failed", Class: backends.Auth},
	{Text: "Connection refused", Class: backends.Transient},
	{Text: "Connection reset", Class: backends.Transient},
	{Text: "Connection timed out", Class: backends.Transient},
	{Text: "No route to host", Class: backends.Transient},
	{Text: "Network is unreachable", Class: backends.Transient},
	{Text: "Could not resolve hostname", Class: backends.Transient},
	{Text: "Temporary failure in name resolution", Class: backends.Transient},
	{Text: "Name or service not known", Class: backends.Transient},
}
