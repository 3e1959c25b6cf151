package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// matrix runs the examples and the lab under each Go in goVersions,
// prints what each version did, and checks that the README's table,
// generated from the records, says the same.
func matrix() bool {
	var columns []string
	table := map[string]map[string]string{} // row label -> column -> cell
	var labels []string
	ok := true
	for _, v := range goVersions() {
		os.Setenv("GOTOOLCHAIN", v)
		minor, err := goMinorVersion()
		if err != nil {
			fmt.Printf("GOTOOLCHAIN=%s: %v\n", v, err)
			ok = false
			continue
		}
		columns = append(columns, minor)
		binDir = filepath.Join("bin", v)
		stdout = io.Discard
		rows := checkExamples(examples)
		stdout = os.Stdout
		rows = append(rows, labRows(minor)...)
		passed := 0
		for _, r := range rows {
			if table[r.label] == nil {
				table[r.label] = map[string]string{}
				labels = append(labels, r.label)
			}
			table[r.label][minor] = r.cell
			if r.ok {
				passed++
			}
		}
		fmt.Printf("GOTOOLCHAIN=%s (%s): %d passed, %d failed\n", v, minor, passed, len(rows)-passed)
		ok = ok && passed == len(rows)
	}
	observed := formatMatrix(labels, columns, table)
	fmt.Print("\n" + observed)
	if recorded, err := recordedMatrix(); err != nil || recorded != observed {
		fmt.Println("\nThe README's verified-on table, generated from the records, does not match this run.")
		return false
	}
	return ok
}

// goVersions are the GOTOOLCHAIN values in $GO_VERSIONS: by default the
// local go, and go1.27.3, which the go command fetches through the module
// proxy.
func goVersions() []string {
	if versions := strings.Fields(os.Getenv("GO_VERSIONS")); len(versions) > 0 {
		return versions
	}
	return []string{"local", "go1.27.3"}
}

// labRows runs the lab with the go that GOTOOLCHAIN selects.
func labRows(minor string) []checkRow {
	cases, err := loadLab()
	if err != nil {
		fatalf("%v", err)
	}
	var rows []checkRow
	for _, r := range runLabChecks(cases, minor) {
		cell := labCell(r.want)
		if r.unverified != "" {
			cell += " (unverified)"
		}
		if !r.ok {
			cell = "FAIL (want: " + cell + ")"
			fmt.Printf("FAIL  %s on %s\n%s", r.label(), minor, indent(r.detail))
		}
		rows = append(rows, checkRow{r.label(), r.ok, cell})
	}
	return rows
}

// recordedMatrix is the table the matrix prints when every version on
// record behaves as recorded: examples run (or fail to link without their
// flag), and each lab check does what its //lab:want line says.
func recordedMatrix() (string, error) {
	cases, err := loadLab()
	if err != nil {
		return "", err
	}
	var columns []string
	for _, c := range cases {
		for _, check := range c.checks {
			for v := range check.want {
				if !slices.Contains(columns, v) {
					columns = append(columns, v)
				}
			}
		}
	}
	slices.SortFunc(columns, compareGoVersions)
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
			add(e.name+" (without the flag)", func(string) string { return "fails" })
		}
	}
	for _, c := range cases {
		for _, check := range c.checks {
			r := labResult{c: c, check: check}
			r.want, _ = check.expectation(columns[0])
			add(r.label(), func(v string) string { return labCell(check.want[v]) })
		}
	}
	return formatMatrix(labels, columns, table), nil
}

func labCell(v verdict) string {
	if v.kind == "vet-clean" {
		return "vet silent"
	}
	return v.kind
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
