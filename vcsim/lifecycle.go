package main

import (
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// watchExit reports on stop when the simulator should shut down: SIGTERM/SIGINT,
// standard input closing (the JVM that started us died) or the parent process vanishing.
func watchExit(stop chan<- string, stdinEOF bool, parentPID int) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	go func() { stop <- "signal " + (<-sigs).String() }()

	if stdinEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop <- "stdin closed"
		}()
	}
	if parentPID > 0 {
		startPPID := os.Getppid()
		go func() {
			for range time.Tick(500 * time.Millisecond) {
				gone := syscall.Kill(parentPID, 0) == syscall.ESRCH
				if parentPID == startPPID && os.Getppid() != startPPID {
					gone = true // we were re-parented: our parent died
				}
				if gone {
					stop <- "parent process gone"
					return
				}
			}
		}()
	}
}
