package changelog

import "testing"

func TestWrapsSubject(t *testing.T) {
	for _, c := range []struct {
		subject, next string
		want          bool
	}{
		{"Live lines on a terminal: one per remote, with its running time;", "coloured results", true},
		{"Fault tests for Bazaar and Mercurial: kill -9 around brz push, hg", "convert and hg push", true},
		{"frob: fix the frobnicator and", "the widget", true},
		{"frob: fix the frobnicator,", "Also the widget.", true},
		// gnulib's usual form: a summary, then its explanation.
		{"regex: avoid glibc deadlock during configure", "glibc has a known bug where certain corruptions of the heap can", false},
		{"assure: new module", "This works better than 'assert' when compiling with -DNDEBUG,", false},
		{"configmake: support new --runstatedir option", "http://lwn.net/Articles/436012/ documents that many distros", false},
		{"a very long summary line that goes on and on for more than sixty chars", "* lib/foo.c: Bar.", false},
		{"a very long summary line that goes on and on for more than sixty chars", "Capitalised, a paragraph.", false},
	} {
		if got := wrapsSubject(c.subject, c.next); got != c.want {
			t.Errorf("wrapsSubject(%q, %q) = %v, want %v", c.subject, c.next, got, c.want)
		}
	}
}
