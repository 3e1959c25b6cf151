package main

import (
	"os"
	"testing"
)

// TestPartialTypes holds the type-checking on demand to a check of every
// declaration: on the workspace's programs, on every case of testdata and
// on the whole standard library with its own lines (every directive of
// runtime, reflect, time...), the findings are the same, word for word.
func TestPartialTypes(t *testing.T) {
	type target struct {
		tc       *toolchain
		dir      string
		patterns []string
		opts     options
	}
	ws, err := workspaceToolchain()
	if err != nil {
		t.Fatal(err)
	}
	root, _ := os.Getwd()
	targets := map[string]target{
		"workspace": {ws, root, []string{"../bar/...", "../foo/...", "../pull/...", "../push/...", "../handshake/...", "../stdlib/..."}, options{}},
		"std":       {toolchainOrFail(t), t.TempDir(), []string{"std"}, options{std: true}},
	}
	for _, c := range readRealCases(t) {
		if len(c.modules) > 0 {
			continue // their module caches are TestRealBuilds' to fill
		}
		dir, tc := writeCase(t, c)
		targets[c.name] = target{tc, dir, []string{"."}, options{}}
	}
	for name, tg := range targets {
		t.Run(name, func(t *testing.T) {
			prog, err := load(tg.tc, tg.dir, tg.patterns, "")
			if err != nil {
				t.Fatal(err)
			}
			all := tg.opts
			all.allTypes = true
			want := report(tg.tc, analyze(prog, all), prog.isProgram())
			if got := report(tg.tc, analyze(prog, tg.opts), prog.isProgram()); got != want {
				t.Errorf("checked on demand:\n%s\nevery declaration checked:\n%s", got, want)
			}
		})
	}
}
