package changelog

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadItems(t *testing.T) {
	entry := SplitLines([]byte(`2014-05-01  Jane Doe  <jane@example.org>

	obstack: summary (not an item)
	* lib/obstack.c (CALL_CHUNKFUN, CALL_FREEFUN):
	(call_chunkfun) [!__GNUC__]: New static function.
	Text that goes on (with parentheses).
	* lib/string.in.h (mbslen, mbsnlen, mbschr,
	mbsrchr): Declare pure.
	* lib/a.c, lib/b.c: New files.
	* lib/f.c (f), lib/g.c (g): Likewise.
	* lib/ftoastr.h (_GL_FLT_PREC_BOUND)
	(_GL_LDBL_PREC_BOUND): Make these macros.
	* Version 2.0.
`))
	want := []Item{
		{Files: []string{"lib/obstack.c"}, Names: []string{"CALL_CHUNKFUN", "CALL_FREEFUN", "call_chunkfun"}},
		{Files: []string{"lib/string.in.h"}, Names: []string{"mbslen", "mbsnlen", "mbschr", "mbsrchr"}},
		{Files: []string{"lib/a.c", "lib/b.c"}},
		{Files: []string{"lib/f.c"}, Names: []string{"f"}},
		{Files: []string{"lib/g.c"}, Names: []string{"g"}},
		{Files: []string{"lib/ftoastr.h"}, Names: []string{"_GL_FLT_PREC_BOUND", "_GL_LDBL_PREC_BOUND"}},
	}
	if d := cmp.Diff(want, ReadItems(entry)); d != "" {
		t.Errorf("ReadItems (-want +got):\n%s", d)
	}
}
