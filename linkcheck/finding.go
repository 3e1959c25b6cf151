package main

import (
	"fmt"
	"go/token"
	"path/filepath"
	"strings"
)

// A finding is what linkcheck says about one directive, one bodyless
// function without a directive, or one reference that assembly makes to
// another package's symbol.
type finding struct {
	Pos    string `json:"pos"`
	Local  string `json:"local"`
	Target string `json:"target,omitempty"`
	Mode   string `json:"mode"`
	// Module is module@version, or "std"; Package the import path.
	Module  string `json:"module"`
	Package string `json:"package"`
	// Link is the predicted result for this line: "links", "fails", or
	// "excluded" when a build constraint leaves its file out.
	Link   string `json:"link"`
	Reason string `json:"reason"`
	// By is the package whose mark or push lets the pull through.
	By        string   `json:"by,omitempty"`
	Status    string   `json:"target_status,omitempty"`
	Signature string   `json:"signature,omitempty"`
	Risk      string   `json:"signature_risk,omitempty"`
	Diffs     []string `json:"signature_diffs,omitempty"`
	// Fails is what go build prints (part of a line, verbatim) when this
	// line stops the build.
	Fails    string   `json:"build_fails,omitempty"`
	Why      string   `json:"why,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	// Promised: on a pull of a standard-library symbol, "promised" when
	// a comment over its mark asks not to remove it or change its type
	// signature, else "incidental"; PromisedFor are the modules that
	// comment names (left out when it names none), PromiseAt where it is.
	Promised    string   `json:"promised,omitempty"`
	PromisedFor []string `json:"promised_for,omitempty"`
	PromiseAt   string   `json:"promise_at,omitempty"`
	// Allow: with -allow, what the line needs of -checklinkname=0.
	Allow *allowVerdict `json:"checklinkname,omitempty"`

	pkg *pkg
	// targetType is the target's declared type, parameter names left
	// out, when the target is found: -upgrade compares it across Go
	// versions.
	targetType string
}

// The modes.
const (
	modePull      = "pull"
	modePush      = "push"
	modeHandshake = "handshake"
	modeMarking   = "marking only"
	modeNone      = "no directive"
)

// The results of a finding.
const (
	linkOK       = "links"
	linkFails    = "fails"
	linkExcluded = "excluded"
)

// The reasons: why the compiler or the linker lets a line through or
// stops it. README.md lists them, and TestReadme checks that list.
const (
	reasonStdMarked     = "std_marked"        // the standard library marks the symbol for outside use
	reasonPushed        = "pushed"            // a package pushes a body into the symbol
	reasonBlockAllowed  = "blocklist_allowed" // the block-list names the referring package
	reasonBlocked       = "blocklisted"       // the block-list reserves it for other packages, or none
	reasonLinknameStd   = "linknamestd"       // //go:linknamestd reserves it for the standard library
	reasonStdReferrer   = "std_referrer"      // marked with //go:linknamestd, and the referrer is std
	reasonUnmarked      = "unmarked"          // a standard-library symbol that nothing marks
	reasonAsmUnmarked   = "assembly_unmarked" // an assembly function that nothing marks (Go 1.27)
	reasonAsmUnchecked  = "assembly"          // an assembly function: this linker does not check it
	reasonUnchecked     = "not_checked"       // this linker checks only the block-list for this kind
	reasonCheckOff      = "check_off"         // -checklinkname=0
	reasonNotStd        = "not_std"           // not a standard-library symbol: never checked
	reasonSamePackage   = "same_package"      // the target is in the referring package
	reasonUnused        = "unused"            // the declaring package never uses it: no reference to check
	reasonPush          = "push"              // a push: the linker never checks definitions
	reasonMarking       = "marking"           // a one-argument directive
	reasonUndefined     = "undefined"         // relocation target not defined
	reasonUnreachable   = "unreachable"       // undefined, but nothing the linker keeps refers to it
	reasonDuplicateDef  = "duplicate_definition"
	reasonNoUnsafe      = "no_unsafe_import"
	reasonUsage         = "usage"
	reasonMisplaced     = "misplaced"
	reasonNotDeclared   = "not_declared"
	reasonIgnored       = "ignored" // names nothing declared, in a module before Go 1.18
	reasonInstantiation = "instantiation"
	reasonDuplicate     = "duplicate_directive"
	reasonMissingBody   = "missing_body"
	reasonCompileError  = "compile_error" // the package does not compile: the compiler stops
	reasonDefined       = "defined"       // a bodyless function that assembly or a push defines
	reasonBuildExcluded = "build_constraint"
	// a variable takes the place of a function's ABI0 wrapper (Go 1.27)
	reasonVarOverWrapper = "variable_over_function"
)

type directive struct {
	pos    token.Pos
	File   string // its file's name, in the package's folder
	Line   int
	Local  string
	Target string // empty for the one-argument form
	// StdOnly: //go:linknamestd (Go 1.27), which opens the symbol to the
	// standard library only.
	StdOnly bool
	Args    int // the words after the verb
	// ImportsUnsafe: the file imports "unsafe", as the compiler requires.
	ImportsUnsafe bool
	// HasBody: Local is a function with a body, or a variable with an
	// initial value: a push when Target is set.
	HasBody bool
	// Misplaced: code comes before it on its line.
	Misplaced bool `json:",omitempty"`
}

// newFinding starts a finding at pos in p.
func (a *analysis) newFinding(p *pkg, pos token.Position, local, target string) finding {
	return finding{Pos: a.position(p, pos), Local: local, Target: target,
		Module: p.module(), Package: p.ImportPath, Link: linkOK, pkg: p}
}

// at returns where the directive is.
func (p *pkg) at(d directive) token.Position {
	return token.Position{Filename: filepath.Join(p.Dir, d.File), Line: d.Line}
}

// fail records that the line stops the build: text is what the
// toolchain prints, why says why.
func (fd *finding) fail(reason, text, why string) {
	fd.Link, fd.Reason, fd.Fails, fd.Why = linkFails, reason, text, why
}

// allow records why the line links.
func (fd *finding) allow(reason, by, why string) {
	fd.Link, fd.Reason, fd.By, fd.Why = linkOK, reason, by, why
}

// position makes pos relative to its module's folder, or the standard
// library's.
func (a *analysis) position(p *pkg, pos token.Position) string {
	root := a.dir
	switch {
	case p.Standard:
		root = filepath.Join(a.tc.goroot, "src")
	case p.Module != nil && p.Module.Dir != "":
		root = p.Module.Dir
	}
	if rel, err := filepath.Rel(root, pos.Filename); err == nil && !strings.HasPrefix(rel, "..") {
		pos.Filename = filepath.ToSlash(rel)
	}
	return fmt.Sprintf("%s:%d", pos.Filename, pos.Line)
}
