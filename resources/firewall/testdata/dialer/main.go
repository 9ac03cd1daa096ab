// Command dialer is the firewall tests' traffic tool, built static
// (CGO_ENABLED=0) into a busybox image and into test-host namespaces:
//
//	dialer serve ADDR                         accept TCP on ADDR and close
//	dialer probe TIMEOUT NAME=ADDR...          dial each once, print NAME=ok|blocked
//	dialer loop ADDR MAX WORKERS TIMEOUT [stdin]
//	                                          dial in a tight loop for MAX (or, with
//	                                          "stdin", until stdin closes), print counts
//	dialer check ADDR...                      dial each once (timeout: $CLAWPLAN_DIAL_TIMEOUT
//	                                          seconds), print "ADDR connected|refused|timeout|unreachable"
//	                                          lines: the verify block's dial_command protocol
package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fail("usage: dialer serve|probe|loop ...")
	}
	switch os.Args[1] {
	case "serve":
		serve(os.Args[2])
	case "probe":
		probe(duration(os.Args[2]), os.Args[3:])
	case "check":
		check(os.Args[2:])
	case "loop":
		if len(os.Args) != 6 && len(os.Args) != 7 {
			fail("usage: dialer loop ADDR MAX WORKERS TIMEOUT [stdin]")
		}
		n, _ := strconv.Atoi(os.Args[4])
		stop := make(chan struct{})
		if len(os.Args) == 7 && os.Args[6] == "stdin" {
			go func() { io.Copy(io.Discard, os.Stdin); close(stop) }()
		}
		loop(os.Args[2], duration(os.Args[3]), n, duration(os.Args[5]), stop)
	default:
		fail("unknown mode " + os.Args[1])
	}
}

func serve(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fail(err.Error())
	}
	fmt.Println("listening", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			fail(err.Error())
		}
		c.Close()
	}
}

// probe dials every target at once and prints one line per target.
func probe(timeout time.Duration, targets []string) {
	var wg sync.WaitGroup
	out := make([]string, len(targets))
	for i, t := range targets {
		name, addr, _ := strings.Cut(t, "=")
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = name + "=blocked"
			if c, err := net.DialTimeout("tcp", addr, timeout); err == nil {
				c.Close()
				out[i] = name + "=ok"
			}
		}()
	}
	wg.Wait()
	fmt.Println(strings.Join(out, " "))
}

// check dials every target at once and classifies each outcome.
func check(targets []string) {
	secs, err := strconv.Atoi(os.Getenv("CLAWPLAN_DIAL_TIMEOUT"))
	if err != nil || secs < 1 {
		secs = 3
	}
	var wg sync.WaitGroup
	out := make([]string, len(targets))
	for i, addr := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", addr, time.Duration(secs)*time.Second)
			out[i] = addr + " " + outcome(err)
			if err == nil {
				c.Close()
			}
		}()
	}
	wg.Wait()
	fmt.Println(strings.Join(out, "\n"))
}

func outcome(err error) string {
	switch {
	case err == nil:
		return "connected"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "unreachable"
	case os.IsTimeout(err):
		return "timeout"
	}
	return "error " + err.Error()
}

// loop dials addr from several workers until the time is up. It prints
// when it started and stopped (unix nanoseconds; containers share the
// host's clock) and how many attempts connected; each connection that got
// through is reported on stderr with its time.
func loop(addr string, d time.Duration, workers int, timeout time.Duration, stop <-chan struct{}) {
	var attempts, successes atomic.Int64
	var stopped atomic.Bool
	go func() { <-stop; stopped.Store(true) }()
	start := time.Now()
	fmt.Printf("start=%d\n", start.UnixNano())
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Since(start) < d && !stopped.Load() {
				attempts.Add(1)
				if c, err := net.DialTimeout("tcp", addr, timeout); err == nil {
					fmt.Fprintf(os.Stderr, "success_at=%d local=%s\n", time.Now().UnixNano(), c.LocalAddr())
					c.Close()
					successes.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	fmt.Printf("end=%d attempts=%d successes=%d\n", time.Now().UnixNano(), attempts.Load(), successes.Load())
}

func duration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		fail(err.Error())
	}
	return d
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "dialer:", msg)
	os.Exit(2)
}
