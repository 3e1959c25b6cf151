package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// benchRecord is the table of the last make bench, which make docs copies
// into the README.
const benchRecord = "workshop/records/bench.md"

// bench runs the benchmarks -count times and prints, for each pair, the
// median ns/op of both sides and their ratio. Each benchmark has two
// sub-benchmarks: the ordinary way first, the linkname way second.
func bench(args []string) bool {
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	count := fs.Int("count", 10, "runs of each benchmark")
	fs.Parse(args)
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", ".", "-count", strconv.Itoa(*count),
		"-ldflags=./stdlib=-checklinkname=0", "./bar", "./stdlib")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		fmt.Printf("%s%v\n", out, err)
		return false
	}
	pairs, cpu := parseBench(string(out))
	if len(pairs) == 0 {
		fmt.Printf("%sno benchmark results\n", out)
		return false
	}
	version, _ := exec.Command("go", "env", "GOVERSION").Output()
	var b strings.Builder
	fmt.Fprintf(&b, "Measured by `make bench` with %s on %s (median of %d runs, ns/op):\n\n",
		strings.TrimSpace(string(version)), cpu, *count)
	b.WriteString("| Pair | Ordinary way | ns/op | Through linkname | ns/op | linkname ÷ ordinary |\n|---|---|---:|---|---:|---:|\n")
	for _, p := range pairs {
		if len(p.subs) != 2 {
			fmt.Printf("%s: want two sub-benchmarks, have %d\n", p.name, len(p.subs))
			return false
		}
		a, l := p.subs[0], p.subs[1]
		fmt.Fprintf(&b, "| %s | `%s` | %.2f | `%s` | %.2f | %.2f× |\n",
			p.name, a.name, median(a.nsPerOp), l.name, median(l.nsPerOp), median(l.nsPerOp)/median(a.nsPerOp))
	}
	fmt.Print(b.String())
	if err := os.WriteFile(benchRecord, []byte(b.String()), 0o666); err != nil {
		fatalf("%v", err)
	}
	fmt.Printf("\nrecorded in %s; make docs puts it in the README\n", benchRecord)
	return true
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
// "BenchmarkAdd/direct-2   337562811   0.6398 ns/op".
func parseBench(out string) (pairs []benchPair, cpu string) {
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 1 && f[0] == "cpu:" {
			cpu = strings.Join(f[1:], " ")
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
	return pairs, cpu
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}
