package main

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestPortsRecord checks, without building anything, that TestPorts's
// record still says what make linkcheck-ports proves: a row for every
// port it builds for, a column for every recorded Go, counts that add up,
// every check agreeing but the known disagreements, and those listed
// exactly. The proof itself is too slow for every run; this keeps its
// record honest between runs.
func TestPortsRecord(t *testing.T) {
	data, err := os.ReadFile(portsRecord)
	if err != nil {
		t.Fatal(err)
	}
	problems := portsRecordProblems(string(data), provenPorts(), recordedGo(t), knownPortDisagreements)
	for _, p := range problems {
		t.Errorf("%s: %s (make linkcheck-ports rewrites it)", portsRecord, p)
	}
}

// cellCounts is one port's cell for one Go: "67 (23, 12, 15, 17) | 31, 36 | 66".
var cellCounts = regexp.MustCompile(`^(\d+) \((\d+), (\d+), (\d+), (\d+)\) \| (\d+), (\d+) \| (\d+)$`)

// portsRecordProblems says what is wrong with the record text for these
// ports, Go versions and known disagreements; nothing when it is whole.
func portsRecordProblems(record string, ports, versions []string, known map[string]string) []string {
	var problems []string
	var header string
	rows := map[string]string{}
	var order []string
	for _, line := range strings.Split(record, "\n") {
		switch {
		case strings.HasPrefix(line, "| Port |"):
			header = line
		case strings.HasPrefix(line, "| ") && strings.Contains(line, "/") && !strings.HasPrefix(line, "|---"):
			port, rest, _ := strings.Cut(strings.TrimPrefix(line, "| "), " | ")
			rows[port] = strings.TrimSuffix(rest, " |")
			order = append(order, port)
		}
	}
	var heads []string
	for _, v := range versions {
		heads = append(heads, fmt.Sprintf(" %s: checks (lab, linker, marks, corpus) | links, fails | agree |", v))
	}
	if want := "| Port |" + strings.Join(heads, ""); header != want {
		problems = append(problems, fmt.Sprintf("the header is %q, want %q", header, want))
	}
	if !slices.Equal(order, ports) {
		problems = append(problems, fmt.Sprintf("rows for %v, want %v", order, ports))
	}
	knownLines := map[string]bool{}
	for _, line := range strings.Split(record, "\n") {
		if strings.HasPrefix(line, "- ") {
			knownLines[strings.TrimPrefix(line, "- ")] = true
		}
	}
	if strings.Contains(record, "\nDisagreements:") {
		problems = append(problems, "it lists disagreements that are not known")
	}
	wantKnown := map[string]bool{}
	for _, port := range ports {
		cells := strings.Split(rows[port], " | ")
		if len(cells) != 3*len(versions) {
			if _, ok := rows[port]; ok {
				problems = append(problems, fmt.Sprintf("%s: %d cells, want %d", port, len(cells), 3*len(versions)))
			}
			continue
		}
		for i, v := range versions {
			cell := strings.Join(cells[3*i:3*i+3], " | ")
			m := cellCounts.FindStringSubmatch(cell)
			if m == nil {
				problems = append(problems, fmt.Sprintf("%s %s: %q is not checks (lab, linker, marks, corpus) | links, fails | agree", v, port, cell))
				continue
			}
			n := make([]int, len(m)-1)
			for j, s := range m[1:] {
				n[j], _ = strconv.Atoi(s)
			}
			checks, lab, linker, marks, corpus, links, fails, agree := n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]
			if lab+linker+marks+corpus != checks || links+fails != checks {
				problems = append(problems, fmt.Sprintf("%s %s: the counts of %q do not add up", v, port, cell))
			}
			if lab == 0 || linker == 0 || marks == 0 || corpus == 0 {
				problems = append(problems, fmt.Sprintf("%s %s: a subject has no checks: %q", v, port, cell))
			}
			disagree := 0
			for key, why := range known {
				if f := strings.Fields(key); len(f) == 4 && f[0] == v && f[1] == port {
					subject, name := f[2], f[3]
					wantKnown[fmt.Sprintf("%s %s, %s %s: %s", v, port, subject, name, why)] = true
					disagree++
				}
			}
			if agree != checks-disagree {
				problems = append(problems, fmt.Sprintf("%s %s: %d of %d agree, want all but the %d known", v, port, agree, checks, disagree))
			}
		}
	}
	for line := range wantKnown {
		if !knownLines[line] {
			problems = append(problems, fmt.Sprintf("the known disagreement %q is not listed", line))
		}
	}
	for line := range knownLines {
		if !wantKnown[line] {
			problems = append(problems, fmt.Sprintf("it lists %q, which knownPortDisagreements does not know", line))
		}
	}
	slices.Sort(problems)
	return problems
}

// TestPortsRecordProblems holds the record's check to small records, each
// broken one way.
func TestPortsRecordProblems(t *testing.T) {
	ports, versions := []string{"linux/386", "linux/amd64"}, []string{"go1.26.8"}
	known := map[string]string{"go1.26.8 linux/386 corpus m@v1": "why"}
	header := "| Port | go1.26.8: checks (lab, linker, marks, corpus) | links, fails | agree |\n|---|---|---|---|\n"
	good := header + "| linux/386 | 10 (4, 3, 2, 1) | 6, 4 | 9 |\n| linux/amd64 | 10 (4, 3, 2, 1) | 5, 5 | 10 |\n" +
		"\nKnown disagreements (the build is right):\n\n- go1.26.8 linux/386, corpus m@v1: why\n"
	if p := portsRecordProblems(good, ports, versions, known); len(p) > 0 {
		t.Fatalf("a whole record: %q", p)
	}
	for name, record := range map[string]string{
		"a port missing":         strings.Replace(good, "| linux/amd64 | 10 (4, 3, 2, 1) | 5, 5 | 10 |\n", "", 1),
		"counts that differ":     strings.Replace(good, "| 5, 5 | 10 |", "| 5, 4 | 10 |", 1),
		"a subject with none":    strings.Replace(good, "10 (4, 3, 2, 1) | 5, 5", "10 (4, 3, 3, 0) | 5, 5", 1),
		"one more disagreeing":   strings.Replace(good, "| 5, 5 | 10 |", "| 5, 5 | 9 |", 1),
		"a known one unlisted":   strings.Replace(good, "- go1.26.8 linux/386, corpus m@v1: why\n", "", 1),
		"an unknown one listed":  good + "- go1.26.8 linux/amd64, lab x: why\n",
		"an unknown Go's column": strings.Replace(good, "go1.26.8: checks", "go1.27.3: checks", 1),
		"disagreements":          good + "\nDisagreements:\n\n- go1.26.8 linux/amd64, lab x: differs\n",
	} {
		if p := portsRecordProblems(record, ports, versions, known); len(p) == 0 {
			t.Errorf("%s: no problem found", name)
		}
	}
}
