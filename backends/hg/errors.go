package hg

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/vcsync/vcsync/backends"
)

// messages maps what hg and the ssh it runs say (LC_ALL=C: in English) to a
// class. The first match wins, so ssh's authentication failures come before
// the "no suitable response" that hg reports after them.
var messages = []struct {
	text  string
	class backends.Class
}{
	// hg push refuses to add a head: the remote has changesets we lack.
	{"push creates new remote head", backends.Rejected},
	{"push creates new remote branches", backends.Rejected},
	{"Permission denied (", backends.Auth}, // ssh: "Permission denied (publickey,password)."
	{"Host key verification failed", backends.Auth},
	{"authorization failed", backends.Auth},
	{"authorization required", backends.Auth},
	{"Connection refused", backends.Transient},
	{"Connection reset", backends.Transient},
	{"Connection timed out", backends.Transient},
	{"timed out", backends.Transient},
	{"No route to host", backends.Transient},
	{"Network is unreachable", backends.Transient},
	{"Could not resolve hostname", backends.Transient},
	{"Temporary failure in name resolution", backends.Transient},
	{"Name or service not known", backends.Transient},
}

// httpStatus finds hg's "HTTP Error 503: Service Unavailable".
var httpStatus = regexp.MustCompile(`HTTP Error (\d{3})`)

// classify tells the engine what to do about a failed run.
func classify(err error) backends.Class {
	switch {
	case errors.Is(err, context.Canceled):
		return backends.Fatal // the user interrupted: never retried
	case errors.Is(err, context.DeadlineExceeded):
		return backends.Transient
	}
	msg := err.Error()
	for _, m := range messages {
		if strings.Contains(msg, m.text) {
			return m.class
		}
	}
	if m := httpStatus.FindStringSubmatch(msg); m != nil {
		switch code := m[1]; {
		case code == "401" || code == "403":
			return backends.Auth
		case code == "408" || code == "429" || code[0] == '5':
			return backends.Transient
		}
	}
	return backends.Fatal
}

// fail classifies err, the error of a run (already redacted by
// internal/run), and names the remote and what was being done.
func (b *backend) fail(err error, what string) error {
	var be *backends.Error
	if errors.As(err, &be) {
		return err // ours, already classified and worded
	}
	return &backends.Error{Class: classify(err), Err: fmt.Errorf("remote %s: %s: %w", b.remote.Name, what, err)}
}
