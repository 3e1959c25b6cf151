package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// benchRecord is what go test -bench printed in the last make bench
// RECORD=1, after a line naming the Go that ran it. make docs renders it
// into workshop/README.md.
const benchRecord = "workshop/records/bench.txt"

// bench runs the benchmarks -count times and prints, for each pair, the
// min, median and max ns/op of both sides, their median ratio, and what
// the runs show. Each benchmark has two sub-benchmarks: the ordinary way
// first, the linkname way second. Only with -record does it write the
// record, the one tracked file it may change.
func bench(tc tools, record string, args []string) bool {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(tc.out)
	count := fs.Int("count", 10, "runs of each benchmark")
	keep := fs.Bool("record", false, "write the result to "+record)
	if fs.Parse(args) != nil || fs.NArg() > 0 || *count < 1 {
		fmt.Fprintln(tc.out, "usage: workshop bench [-count N] [-record]")
		return false
	}
	args = append([]string{"test", "-run", "^$", "-bench", ".", "-count", strconv.Itoa(*count)}, ldflagsArgs(examples)...)
	args = append(args, "./bar", "./stdlib")
	fmt.Fprint(tc.out, shellLine("go", args...))
	raw, err := tc.goCmd(args...)
	if err != nil {
		fmt.Fprintf(tc.out, "%s%v\n", raw, err)
		return false
	}
	version, err := tc.goVersion()
	if err != nil {
		fmt.Fprintln(tc.out, err)
		return false
	}
	text := "goversion: " + version + "\n" + string(raw)
	report, err := benchReport(text)
	if err != nil {
		fmt.Fprintf(tc.out, "%s%v\n", raw, err)
		return false
	}
	fmt.Fprint(tc.out, report)
	if !*keep {
		fmt.Fprintf(tc.out, "\nnot recorded: make bench RECORD=1 writes %s\n", record)
		return true
	}
	if _, err := keepRecord(record, text, true, "make bench RECORD=1"); err != nil {
		fmt.Fprintln(tc.out, err)
		return false
	}
	fmt.Fprintf(tc.out, "\nrecorded in %s; make docs puts it in workshop/README.md\n", record)
	return true
}

// benchReport renders a benchmark record: a table of min, median and max
// for each side, and for each pair one sentence that says only what every
// run agrees on.
func benchReport(record string) (string, error) {
	pairs, info := parseBench(record)
	if len(pairs) == 0 {
		return "", errors.New("no benchmark results")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Measured by `make bench` with %s on %s, %d runs of each (ns/op: min / median / max):\n\n",
		info["goversion"], info["cpu"], len(pairs[0].subs[0].nsPerOp))
	b.WriteString("| Pair | Ordinary way | ns/op | Through linkname | ns/op | linkname ÷ ordinary, medians |\n|---|---|---:|---|---:|---:|\n")
	var sentences []string
	for _, p := range pairs {
		if len(p.subs) != 2 {
			return "", fmt.Errorf("%s: want two sub-benchmarks, have %d", p.name, len(p.subs))
		}
		a, l := p.subs[0], p.subs[1]
		fmt.Fprintf(&b, "| %s | `%s` | %s | `%s` | %s | %.2f× |\n",
			p.name, a.name, spread(a.nsPerOp), l.name, spread(l.nsPerOp), statsOf(l.nsPerOp).median/statsOf(a.nsPerOp).median)
		sentences = append(sentences, "- "+p.name+": "+verdictOfRuns(a, l))
	}
	b.WriteString("\n" + strings.Join(sentences, "\n") + "\n")
	return b.String(), nil
}

// verdictOfRuns says which side was faster only when the ranges do not
// overlap: then every run agrees.
func verdictOfRuns(ordinary, linkname benchSide) string {
	o, l := statsOf(ordinary.nsPerOp), statsOf(linkname.nsPerOp)
	switch {
	case l.max < o.min:
		return fmt.Sprintf("`%s` was faster than `%s` in every run.", linkname.name, ordinary.name)
	case l.min > o.max:
		return fmt.Sprintf("`%s` was slower than `%s` in every run.", linkname.name, ordinary.name)
	}
	return fmt.Sprintf("the runs of `%s` and `%s` overlap: this record shows no consistent difference.", linkname.name, ordinary.name)
}

func spread(xs []float64) string {
	s := statsOf(xs)
	return fmt.Sprintf("%.2f / %.2f / %.2f", s.min, s.median, s.max)
}

type benchPair struct {
	name string
	subs []benchSide
}

type benchSide struct {
	name    string
	nsPerOp []float64
}

// parseBench reads go test -bench output: lines such as
// "BenchmarkAdd/direct-2   337562811   0.6398 ns/op", and "key: value"
// lines such as "cpu: ...".
func parseBench(out string) (pairs []benchPair, info map[string]string) {
	info = map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 1 && strings.HasSuffix(f[0], ":") {
			info[strings.TrimSuffix(f[0], ":")] = strings.Join(f[1:], " ")
		}
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || f[3] != "ns/op" {
			continue
		}
		name, sub, ok := strings.Cut(strings.TrimPrefix(f[0], "Benchmark"), "/")
		ns, err := strconv.ParseFloat(f[2], 64)
		if !ok || err != nil {
			continue
		}
		if i := strings.LastIndex(sub, "-"); i > 0 {
			sub = sub[:i] // the GOMAXPROCS suffix
		}
		i := slices.IndexFunc(pairs, func(p benchPair) bool { return p.name == name })
		if i < 0 {
			pairs, i = append(pairs, benchPair{name: name}), len(pairs)
		}
		p := &pairs[i]
		j := slices.IndexFunc(p.subs, func(s benchSide) bool { return s.name == sub })
		if j < 0 {
			p.subs, j = append(p.subs, benchSide{name: sub}), len(p.subs)
		}
		p.subs[j].nsPerOp = append(p.subs[j].nsPerOp, ns)
	}
	return pairs, info
}
