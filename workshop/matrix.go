package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"
)

// matrixRecord holds what make matrix observed under each Go: its columns
// are written there when every check of them passed. The table make docs
// writes marks a cell that the record lacks, or holds otherwise,
// "unobserved": a Go added to recordedGo, or a //lab:want line changed,
// stays marked until make matrix has run that Go.
const matrixRecord = "workshop/records/matrix.txt"

// matrix runs the examples and the lab under each Go in versions (GOTOOLCHAIN
// values), with the tools toolsFor gives for each, prints what
// each did, and checks that the table generated from the lab says the
// same for those versions' columns, and only those. When they do, it
// keeps those columns in the record file.
func matrix(out io.Writer, versions []string, toolsFor func(gotoolchain string) tools, record string) bool {
	var columns []string
	table := map[string]map[string]string{} // row label -> column -> cell
	var labels []string
	ok := true
	observed, err := readObservations(record)
	if err != nil {
		fmt.Fprintln(out, err)
		return false
	}
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		fmt.Fprintln(out, err)
		return false
	}
	for _, v := range versions {
		tc := toolsFor(v)
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
		observed[minor] = observedColumn(rows)
	}
	if len(columns) == 0 {
		return false
	}
	seen := formatMatrix(labels, columns, table)
	fmt.Fprint(out, "\n"+seen)
	expected, err := expectedMatrix(columns, nil)
	if err != nil || expected != seen {
		fmt.Fprintf(out, "\nThe table generated from the records says otherwise for %s:\n%s", strings.Join(columns, ", "), expected)
		return false
	}
	// Every column that ran is as its records say: keep them.
	if changed, err := keepRecord(record, formatObservations(observed), true, "make matrix"); err != nil {
		fmt.Fprintln(out, err)
		return false
	} else if changed {
		fmt.Fprintf(out, "\nkept what %s did in %s (make docs shows it)\n", strings.Join(columns, ", "), record)
	}
	return ok
}

// observations are what make matrix saw: by Go minor version, each row's
// label and cell, in the matrix's order.
type observations map[string][][2]string

// observedColumn is one passing column, its cells as the docs table
// writes them for a Go on record.
func observedColumn(rows []checkRow) [][2]string {
	var column [][2]string
	for _, r := range rows {
		column = append(column, [2]string{r.label, strings.TrimSuffix(r.cell(), unverifiedMark)})
	}
	return column
}

func (o observations) cell(minor, label string) string {
	for _, c := range o[minor] {
		if c[0] == label {
			return c[1]
		}
	}
	return ""
}

const recordHeader = "# What make matrix observed under each Go, one line per cell: Go, row, cell.\n" +
	"# make matrix rewrites a Go's lines when all of its checks passed; do not edit.\n"

func formatObservations(o observations) string {
	var b strings.Builder
	b.WriteString(recordHeader)
	for _, minor := range slices.SortedFunc(maps.Keys(o), compareGoVersions) {
		for _, c := range o[minor] {
			fmt.Fprintf(&b, "%s\t%s\t%s\n", minor, c[0], c[1])
		}
	}
	return b.String()
}

// readObservations reads the record; a missing one has observed nothing.
func readObservations(file string) (observations, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return observations{}, nil
	}
	if err != nil {
		return nil, err
	}
	o := observations{}
	for n, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || minorVersion(f[0]) != f[0] {
			return nil, fmt.Errorf("%s:%d: not a line make matrix writes (Go, row, cell, tab-separated): %q", file, n+1, line)
		}
		o[f[0]] = append(o[f[0]], [2]string{f[1], f[2]})
	}
	return o, nil
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

// labRows runs the lab with the given tools.
func labRows(out io.Writer, tc tools, cases []*labCase, minor string) []checkRow {
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

// recordedMatrix is the table make docs writes: the expected one, each
// cell that make matrix has not observed marked so. columns are the minor
// versions to show (nil: those on record).
func recordedMatrix(columns []string) (string, error) {
	observed, err := readObservations(matrixRecord)
	if err != nil {
		return "", err
	}
	return expectedMatrix(columns, observed)
}

// expectedMatrix is the table the matrix prints when each Go behaves as
// recorded: examples run (or fail to link without their flag), and each
// lab check does what its //lab:want line says. A version not on record
// expects what a go1.N+ line or else the nearest record says, flagged
// "unverified". With observed, a cell it does not hold is marked
// "unobserved".
func expectedMatrix(columns []string, observed observations) (string, error) {
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
			c := cell(v)
			if observed != nil && !strings.HasSuffix(c, unverifiedMark) && observed.cell(v, label) != c {
				c += unobservedMark
			}
			table[label][v] = c
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
		cell += unverifiedMark
	}
	return cell
}

const (
	unverifiedMark = " (unverified)" // a Go not on record
	unobservedMark = " (unobserved)" // a Go on record that make matrix has not run for this cell
)

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
