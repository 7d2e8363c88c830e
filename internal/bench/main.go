// Command bench runs the benchmarks of DESIGN.md ("Benchmarks"), each side by
// side with its peers in the same run, and prints one line per benchmark: the
// median wall time of each side, the ratio vcsync/peer against its goal for
// each peer (P3 has two: a loop and xargs), and the peak RSS of vcsync.
// `make bench` runs it from the repository root.
//
// Machines here are shared and noisy, so the commands alternate and only the
// ratios of medians are meant to be quoted. Each benchmark is one bench value
// in benches; a new one needs only its setup function.
//
// It measures the built binary, as users run it, so it imports none of
// vcsync's code paths; the one exception is internal/testserver, for the
// delaying TCP proxy of P5.
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"
)

// A bench is one row of the table in DESIGN.md.
type bench struct {
	id    string    // "P1"
	name  string    // what is measured, for the report
	goals []float64 // the highest acceptable ratio vcsync/peer, one per peer of its trial
	rssMB int64     // the highest acceptable peak RSS of vcsync; 0: no goal
	runs  int       // timed runs of each side unless -runs says; 0: defaultRuns
	// warmup is the untimed runs of each side first unless -warmup says;
	// 0: defaultWarmup, -1: none. A long benchmark sets fewer to keep make
	// bench short.
	warmup int
	setup  func(e *env) (trial, error)

	// rssRatio is the highest acceptable ratio of vcsync's peak RSS to
	// the first peer's; 0: no goal.
	rssRatio float64
	// long is a benchmark that takes minutes (P6): it runs when -only
	// names it or with -full, not in a plain make bench.
	long bool
}

// A trial is what a bench's setup returns: the sides to time, vcsync and
// its peers (as many as the bench has goals).
type trial struct {
	ours  side
	peers []side
	// round, if not nil, runs untimed once at the start of each round,
	// before every side: work that all the sides then do alike (P3's new
	// commit, which each side pushes to remotes of its own).
	round func() error
	// name, if set, is the bench's name in the report with the sizes
	// the setup chose (-full or not).
	name string
}

// A side is one of the commands compared.
type side struct {
	name    string
	prepare func() error           // untimed, before each run (reset state); may be nil
	run     func() (sample, error) // one timed run
}

// A sample is one timed run.
type sample struct {
	wall   time.Duration
	maxRSS int64 // KB, as getrusage reports it on Linux
}

// benches lists every benchmark, in report order.
var benches = []bench{
	p1,
	p2,
	p3,
	p4,
	p5,
	p6,
	p11,
	p10,
	p2g,
	p7,
	p9,
}

// defaultRuns is the number of timed runs of a bench that sets none.
const defaultRuns = 15

// defaultWarmup is the number of untimed runs of a bench that sets none.
const defaultWarmup = 2

func main() {
	own := ""
	for _, b := range benches {
		if b.runs != 0 {
			own += fmt.Sprintf(", %s %d", b.id, b.runs)
		}
	}
	runs := flag.Int("runs", 0, fmt.Sprintf("timed runs of each side (default %d%s)", defaultRuns, own))
	warmup := flag.Int("warmup", -1, fmt.Sprintf("untimed runs of each side first (default %d, fewer for the long benchmarks)", defaultWarmup))
	only := flag.String("only", "", "comma-separated benchmark ids to run (default all), e.g. P1")
	keep := flag.Bool("keep", false, "keep the scratch directory and print its path")
	full := flag.Bool("full", false, "the sizes of DESIGN.md where the default ones are smaller (P10's 1,000 revisions, P7's 2,000 remotes, P2g's 100,000 files)")
	flag.Parse()
	if *runs < 0 || *warmup < -1 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	selected, err := selectBenches(*only)
	if err == nil {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		err = run(ctx, selected, *runs, *warmup, *keep, *full, *only != "")
		stop()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func selectBenches(only string) ([]bench, error) {
	if only == "" {
		return benches, nil
	}
	var out []bench
	for _, id := range strings.Split(only, ",") {
		i := slices.IndexFunc(benches, func(b bench) bool { return strings.EqualFold(b.id, strings.TrimSpace(id)) })
		if i < 0 {
			var known []string
			for _, b := range benches {
				known = append(known, b.id)
			}
			return nil, fmt.Errorf("unknown benchmark %q (known: %s)", id, strings.Join(known, ", "))
		}
		out = append(out, benches[i])
	}
	return out, nil
}

func run(ctx context.Context, selected []bench, runs, warmup int, keep, full, named bool) error {
	e, err := newEnv(ctx)
	if err != nil {
		return err
	}
	e.full = full
	if keep {
		defer fmt.Fprintln(os.Stderr, "bench: kept", e.root)
	} else {
		defer os.RemoveAll(e.root)
	}
	fmt.Fprintln(os.Stderr, "bench: medians of alternating runs after warm-ups; quote the ratios")
	var failed []string
	start := time.Now()
	for _, b := range selected {
		if b.long && !full && !named {
			fmt.Printf("%-3s skipped: it takes minutes; run it with -only %s or -full\n", b.id, b.id)
			continue
		}
		t := time.Now()
		line, ok, err := runBench(e, b, runs, warmup)
		if err != nil {
			return fmt.Errorf("%s: %w", b.id, err)
		}
		fmt.Println(line)
		fmt.Fprintf(os.Stderr, "bench: %s took %.0f s (%.0f s so far)\n", b.id, time.Since(t).Seconds(), time.Since(start).Seconds())
		if !ok {
			failed = append(failed, b.id)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(os.Stderr, "bench: over goal: %s\n", strings.Join(failed, ", "))
	}
	return nil
}

// runBench sets b up in its own directory, times the sides alternately,
// runs times each (0: b's own default; the order rotates each round, so none
// always runs on a warm cache another left) and reports the line and whether
// b met its goals.
func runBench(parent *env, b bench, runs, warmup int) (line string, ok bool, err error) {
	e, err := parent.sub(b.id)
	if err != nil {
		return "", false, err
	}
	fmt.Fprintf(os.Stderr, "bench: %s: setting up\n", b.id)
	t, err := b.setup(e)
	if skipped(err) { // a setup that cannot run here says why
		return fmt.Sprintf("%-3s %s", b.id, err), true, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("setup: %w", err)
	}
	if len(t.peers) != len(b.goals) {
		return "", false, fmt.Errorf("setup: %d peers for %d goals", len(t.peers), len(b.goals))
	}
	if runs == 0 {
		runs = cmp.Or(b.runs, defaultRuns)
	}
	if warmup < 0 {
		warmup = max(cmp.Or(b.warmup, defaultWarmup), 0)
	}
	fmt.Fprintf(os.Stderr, "bench: %s: %d runs of each side after %d warm-ups\n", b.id, runs, warmup)
	sides := append([]*side{&t.ours}, pointers(t.peers)...)
	samples := make([][]sample, len(sides)) // samples[k]: those of sides[k]
	for i := range warmup + runs {
		if err := e.ctx.Err(); err != nil {
			return "", false, err
		}
		if t.round != nil {
			if err := t.round(); err != nil {
				return "", false, fmt.Errorf("round: %w", err)
			}
		}
		for j := range sides {
			k := (i + j) % len(sides) // round i starts with side i mod n
			if err := e.ctx.Err(); err != nil {
				return "", false, err
			}
			smp, err := once(sides[k])
			if err != nil {
				return "", false, fmt.Errorf("%s: %w", sides[k].name, err)
			}
			if i >= warmup {
				samples[k] = append(samples[k], smp)
			}
		}
	}
	line, ok = report(b, t, samples[0], samples[1:])
	return line, ok, nil
}

// pointers returns a pointer to each element of s.
func pointers(s []side) []*side {
	out := make([]*side, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

func once(s *side) (sample, error) {
	if s.prepare != nil {
		if err := s.prepare(); err != nil {
			return sample{}, fmt.Errorf("prepare: %w", err)
		}
	}
	return s.run()
}

// report is b's line: vcsync's median, then each peer's with its ratio and
// goal, then vcsync's peak RSS.
func report(b bench, t trial, ours []sample, peers [][]sample) (string, bool) {
	mo := median(ours)
	var rssKB int64
	for _, s := range ours {
		rssKB = max(rssKB, s.maxRSS)
	}
	rss := (rssKB + 512) / 1024
	ok := b.rssMB == 0 || rss <= b.rssMB
	line := fmt.Sprintf("%-3s %-32s %s %-8s", b.id, cmp.Or(t.name, b.name), t.ours.name, ms(mo))
	for i, p := range peers {
		mp := median(p)
		ratio := float64(mo) / float64(mp)
		ok = ok && ratio <= b.goals[i]
		line += fmt.Sprintf("  %s %-8s  ratio %.2f (goal ≤ %.1f)", t.peers[i].name, ms(mp), ratio, b.goals[i])
	}
	line += fmt.Sprintf("  peak RSS %d MB", rss)
	if b.rssMB > 0 {
		line += fmt.Sprintf(" (goal ≤ %d MB)", b.rssMB)
	}
	if b.rssRatio > 0 {
		var peerKB int64
		for _, s := range peers[0] {
			peerKB = max(peerKB, s.maxRSS)
		}
		ratio := float64(rssKB) / float64(max(peerKB, 1))
		ok = ok && ratio <= b.rssRatio
		line += fmt.Sprintf(", %s %d MB, ratio %.2f (goal ≤ %.1f)", t.peers[0].name, (peerKB+512)/1024, ratio, b.rssRatio)
	}
	if !ok {
		line += "  OVER GOAL"
	}
	return line, ok
}

func median(s []sample) time.Duration {
	d := make([]time.Duration, len(s))
	for i, x := range s {
		d[i] = x.wall
	}
	slices.Sort(d)
	if n := len(d); n%2 == 0 {
		return (d[n/2-1] + d[n/2]) / 2
	}
	return d[len(d)/2]
}

func ms(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
}
