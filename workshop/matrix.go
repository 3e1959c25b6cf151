package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// matrix runs the examples and the lab under each Go in versions (GOTOOLCHAIN
// values), with the toolchain newToolchain gives for each, prints what
// each did, and checks that the table generated from the records says the
// same for those versions' columns, and only those.
func matrix(out io.Writer, versions []string, newToolchain func(gotoolchain string) toolchain) bool {
	var columns []string
	table := map[string]map[string]string{} // row label -> column -> cell
	var labels []string
	ok := true
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		fmt.Fprintln(out, err)
		return false
	}
	for _, v := range versions {
		tc := newToolchain(v)
		version, err := tc.goVersion()
		if err != nil {
			fmt.Fprintf(out, "GOTOOLCHAIN=%s: %v\n", v, err)
			ok = false
			continue
		}
		minor := minorVersion(version)
		columns = append(columns, minor)
		rows := checkExamples(tc, examples)
		rows = append(rows, labRows(out, tc, cases, minor)...)
		passed := 0
		for _, r := range rows {
			if table[r.label] == nil {
				table[r.label] = map[string]string{}
				labels = append(labels, r.label)
			}
			table[r.label][minor] = r.cell()
			if r.problem == "" {
				passed++
			} else {
				fmt.Fprintf(out, "FAIL  %s on %s: %s\n", r.label, version, r.problem)
			}
		}
		fmt.Fprintf(out, "GOTOOLCHAIN=%s (%s): %d passed, %d failed\n", v, version, passed, len(rows)-passed)
		ok = ok && passed == len(rows)
	}
	if len(columns) == 0 {
		return false
	}
	observed := formatMatrix(labels, columns, table)
	fmt.Fprint(out, "\n"+observed)
	recorded, err := recordedMatrix(columns)
	if err != nil || recorded != observed {
		fmt.Fprintf(out, "\nThe table generated from the records says otherwise for %s:\n%s", strings.Join(columns, ", "), recorded)
		return false
	}
	return ok
}

// goVersions are the GOTOOLCHAIN values in $GO_VERSIONS, by default the
// toolchains on record, which the go command fetches through the module
// proxy when they are not installed.
func goVersions() []string {
	if versions := strings.Fields(os.Getenv("GO_VERSIONS")); len(versions) > 0 {
		return versions
	}
	return recordedGo
}

// labRows runs the lab with the given toolchain.
func labRows(out io.Writer, tc toolchain, cases []*labCase, minor string) []checkRow {
	var rows []checkRow
	for _, r := range runLabChecks(tc, cases, minor) {
		row := checkRow{label: r.label(), want: labCell(r.want, r.unverified != "")}
		if !r.ok {
			row.problem = "see above"
			fmt.Fprintf(out, "FAIL  %s on %s\n%s", r.label(), minor, indent(r.detail))
		}
		rows = append(rows, row)
	}
	return rows
}

// recordedMatrix is the table the matrix prints when each Go behaves as
// recorded: examples run (or fail to link without their flag), and each
// lab check does what its //lab:want line says. columns are the minor
// versions to show (nil: those on record); a version not on record
// expects what the nearest one did, flagged "unverified".
func recordedMatrix(columns []string) (string, error) {
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		return "", err
	}
	if columns == nil {
		columns = recordedMinors()
	}
	table := map[string]map[string]string{}
	var labels []string
	add := func(label string, cell func(v string) string) {
		labels = append(labels, label)
		table[label] = map[string]string{}
		for _, v := range columns {
			table[label][v] = cell(v)
		}
	}
	for _, e := range examples {
		add(exampleTitle(e), func(string) string { return "runs" })
		if e.plainFailure != "" {
			add(plainTitle(e), func(string) string { return "fails" })
		}
	}
	for _, c := range cases {
		for _, check := range c.checks {
			r := labResult{c: c, check: check}
			r.want, _ = check.expectation(columns[0])
			add(r.label(), func(v string) string {
				want, unverified := check.expectation(v)
				return labCell(want, unverified != "")
			})
		}
	}
	return formatMatrix(labels, columns, table), nil
}

func labCell(v verdict, unverified bool) string {
	cell := v.kind
	if v.kind == "vet-silent" {
		cell = "vet silent"
	}
	if unverified {
		cell += " (unverified)"
	}
	return cell
}

// formatMatrix lays the table out in Markdown.
func formatMatrix(labels, columns []string, table map[string]map[string]string) string {
	var b strings.Builder
	b.WriteString("| Example or lab case | " + strings.Join(columns, " | ") + " |\n|---|")
	b.WriteString(strings.Repeat("---|", len(columns)) + "\n")
	for _, label := range labels {
		fmt.Fprintf(&b, "| `%s` |", label)
		for _, c := range columns {
			fmt.Fprintf(&b, " %s |", table[label][c])
		}
		b.WriteString("\n")
	}
	return b.String()
}
