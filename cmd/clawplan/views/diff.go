package views

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffLine is one line of a line-level diff.
type diffLine struct {
	op   byte // ' ', '-', '+'
	text string
}

// lineDiff diffs a and b line by line with go-diff's line mode.
func lineDiff(a, b string) []diffLine {
	dmp := diffmatchpatch.New()
	ca, cb, lines := dmp.DiffLinesToChars(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines)
	var out []diffLine
	for _, d := range diffs {
		op := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = '-'
		case diffmatchpatch.DiffInsert:
			op = '+'
		}
		text := strings.TrimSuffix(d.Text, "\n")
		for _, l := range strings.Split(text, "\n") {
			out = append(out, diffLine{op, l})
		}
	}
	return out
}

// Unified renders the unified diff of a file's old and new contents with
// three lines of context, or "" when they are equal.
func Unified(path, a, b string) string {
	if a == b {
		return ""
	}
	lines := lineDiff(a, b)
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", path, path)
	const ctx = 3
	for i := 0; i < len(lines); {
		if lines[i].op == ' ' {
			i++
			continue
		}
		start := max(0, i-ctx)
		end := i
		for end < len(lines) {
			if lines[end].op != ' ' {
				end++
				continue
			}
			run := end
			for run < len(lines) && lines[run].op == ' ' {
				run++
			}
			if run-end > 2*ctx || run == len(lines) {
				end = min(len(lines), end+ctx)
				break
			}
			end = run
		}
		writeHunk(&sb, lines, start, end)
		i = end
	}
	return sb.String()
}

func writeHunk(sb *strings.Builder, lines []diffLine, start, end int) {
	oldStart, newStart := 1, 1
	for _, l := range lines[:start] {
		if l.op != '+' {
			oldStart++
		}
		if l.op != '-' {
			newStart++
		}
	}
	var oldN, newN int
	for _, l := range lines[start:end] {
		if l.op != '+' {
			oldN++
		}
		if l.op != '-' {
			newN++
		}
	}
	if oldN == 0 {
		oldStart--
	}
	if newN == 0 {
		newStart--
	}
	fmt.Fprintf(sb, "@@ -%d,%d +%d,%d @@\n", oldStart, oldN, newStart, newN)
	for _, l := range lines[start:end] {
		sb.WriteByte(l.op)
		sb.WriteString(l.text)
		sb.WriteByte('\n')
	}
}
