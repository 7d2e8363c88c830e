package changelog

import (
	"errors"
	"testing"
)

func TestMerge(t *testing.T) {
	const old = "2026-01-01  Old Timer  <old@example.org>\n\n\t* a.c: Old.\n"
	const up = "2026-11-26  Colleague  <col@example.org>\n\n\t* b.c: Theirs.\n\n"
	const loc = "2026-11-27  Jane Doe  <jane@example.org>\n\n\t* a.c: Mine.\n\n"
	for _, tc := range []struct {
		name                  string
		base, upstream, local string
		want                  string
		conflict              bool
	}{
		{"both add at the top", old, up + old, loc + old, loc + up + old, false},
		{"only upstream", old, up + old, old, up + old, false},
		{"only local", old, old, loc + old, loc + old, false},
		{"no blank line after the local entry", old, up + old, "2026-11-27  Jane Doe  <jane@example.org>\n\n\t* a.c: Mine.\n" + old,
			loc + up + old, false},
		{"the same entry on both sides", old, up + old, up + old, up + up + old, false},
		{"a new file on both sides", "", up, loc, loc + up, false},
		{"upstream fixes an old entry", old, up + "2026-01-01  Old Timer  <old@example.org>\n\n\t* a.c: Older.\n", loc + old,
			loc + up + "2026-01-01  Old Timer  <old@example.org>\n\n\t* a.c: Older.\n", false},
		{"both edit an old entry", old, "2026-01-01  Old Timer  <old@example.org>\n\n\t* a.c: X.\n",
			"2026-01-01  Old Timer  <old@example.org>\n\n\t* a.c: Y.\n", "", true},
		{"local removes an old entry", loc + old, up + loc + old, old, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Merge([]byte(tc.base), []byte(tc.upstream), []byte(tc.local))
			if tc.conflict {
				if !errors.Is(err, ErrMergeConflict) {
					t.Fatalf("Merge = %q, %v; want a conflict", got, err)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Errorf("Merge =\n%s(err %v)\nwant\n%s", got, err, tc.want)
			}
		})
	}
}

func TestSplitEntries(t *testing.T) {
	s := "Preamble line\n\n2026-01-02  A  <a@x>\n\n\t* a: x.\n\n\tMore.\n\n2026-01-01  B  <b@x>\n\n\t* b: y."
	got := splitEntries(s)
	want := []string{"Preamble line\n\n", "2026-01-02  A  <a@x>\n\n\t* a: x.\n\n\tMore.\n\n", "2026-01-01  B  <b@x>\n\n\t* b: y."}
	if len(got) != len(want) {
		t.Fatalf("splitEntries = %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d = %q, want %q", i, got[i], want[i])
		}
	}
}
