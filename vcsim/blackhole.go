package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"syscall"
	"time"
)

// quietLog drops net/http's per-connection noise (handshake errors of refused certificates).
var quietLog = log.New(io.Discard, "", 0)

// blackHole makes ip:port behave like a firewall that drops packets: a listening socket with
// an accept backlog of 0 that is never accepted from, filled by our own connection, so the
// kernel drops every further SYN and a client's connect times out (no refusal, no answer).
type blackHole struct {
	fd    int
	fills []net.Conn
}

func newBlackHole(ip string, port int) (*blackHole, error) {
	addr := net.ParseIP(ip).To4()
	if addr == nil {
		return nil, fmt.Errorf("black hole needs an IPv4 address, got %q", ip)
	}
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	b := &blackHole{fd: fd}
	sa := &syscall.SockaddrInet4{Port: port}
	copy(sa.Addr[:], addr)
	if err = syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err == nil {
		if err = syscall.Bind(fd, sa); err == nil {
			err = syscall.Listen(fd, 0)
		}
	}
	if err != nil {
		b.close()
		return nil, err
	}
	// Fill the accept queue: once a connect attempt times out, the queue is full.
	target := net.JoinHostPort(ip, fmt.Sprint(port))
	for i := 0; i < 4; i++ {
		c, err := net.DialTimeout("tcp", target, 300*time.Millisecond)
		if err != nil {
			return b, nil
		}
		b.fills = append(b.fills, c)
	}
	b.close()
	return nil, fmt.Errorf("black hole on %s: the accept queue does not fill", target)
}

func (b *blackHole) close() {
	for _, c := range b.fills {
		_ = c.Close()
	}
	_ = syscall.Close(b.fd)
}
