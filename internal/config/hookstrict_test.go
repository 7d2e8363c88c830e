package config

import "testing"

// hookStrict has three settings: unset (the hook still guards a primary
// that is not git), true, and an explicit false that turns the guard off;
// .git/config wins over .vcsync as for every key.
func TestHookStrictSet(t *testing.T) {
	for _, tc := range []struct {
		name, shared, local string
		strict, set         bool
	}{
		{"unset", "", "", false, false},
		{"true", "", "[vcsync]\n\thookStrict = true\n", true, true},
		{"false", "", "[vcsync]\n\thookStrict = false\n", false, true},
		{"shared false", "[vcsync]\n\thookStrict = false\n", "", false, true},
		{"local true over shared false", "[vcsync]\n\thookStrict = false\n", "[vcsync]\n\thookStrict = true\n", true, true},
	} {
		c, err := Load(files(t, tc.shared, tc.local)...)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.HookStrict != tc.strict || c.HookStrictSet != tc.set {
			t.Errorf("%s: HookStrict, HookStrictSet = %v, %v; want %v, %v", tc.name, c.HookStrict, c.HookStrictSet, tc.strict, tc.set)
		}
	}
}
