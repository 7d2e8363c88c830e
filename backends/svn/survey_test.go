package svn

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/vcsync/vcsync/backends"
)

// survey asks a new backend for r what a push of to would do.
func (w *world) survey(t *testing.T, r backends.Remote, to string) backends.Survey {
	t.Helper()
	b, err := New(r)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	s, err := b.(backends.Surveyor).Survey(ctx, backends.Local{Root: w.git, Branch: "main"}, backends.Range{To: to})
	if err != nil {
		t.Fatalf("Survey(%s): %v", short(to), err)
	}
	return s
}

// Survey's Missing is the number of revisions the next Push makes, and
// Foreign counts others' revisions above vcsync's last, from the
// repository alone (no Range.From).
func TestSurvey(t *testing.T) {
	w := newWorld(t)
	r := remote(w.trunk)
	w.write(t, map[string]string{"a": "a\n"})
	head := w.commit(t, "one")
	if s := w.survey(t, r, head); s.Missing != 1 || s.Foreign != 0 {
		t.Fatalf("empty trunk: %+v, want 1 missing", s)
	}
	w.mustPush(t, r, head, backends.StatusOK)
	if s := w.survey(t, r, head); s.Missing != 0 || s.Foreign != 0 || s.Tip != "r2" {
		t.Fatalf("pushed: %+v, want up to date at r2", s)
	}
	for i := range 3 {
		w.write(t, map[string]string{"a": "a" + strconv.Itoa(i) + "\n"})
		head = w.commit(t, "c"+strconv.Itoa(i))
	}
	s := w.survey(t, r, head)
	if s.Missing != 3 || s.Foreign != 0 {
		t.Fatalf("3 ahead: %+v", s)
	}
	before := count(t, w.trunk)
	w.mustPush(t, r, head, backends.StatusOK)
	if sent := count(t, w.trunk) - before; sent != s.Missing {
		t.Fatalf("Survey said %d missing, Push made %d revisions", s.Missing, sent)
	}
	diverge(t, w.trunk)
	if s := w.survey(t, r, head); s.Missing != 0 || s.Foreign != 1 || s.Tip != "r6" {
		t.Fatalf("after their revision: %+v, want 1 foreign at r6", s)
	}
	w.write(t, map[string]string{"b": "b\n"})
	head = w.commit(t, "mine")
	if s := w.survey(t, r, head); s.Missing != 1 || s.Foreign != 1 {
		t.Fatalf("diverged: %+v, want 1 missing, 1 foreign", s)
	}
	if _, err := w.push(t, r, backends.Range{To: head}); backends.ClassOf(err) != backends.Rejected {
		t.Fatalf("Push after their revision: %v, want rejected", err)
	}
}
