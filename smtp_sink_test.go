package main

import (
	"bufio"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"
)

// sentMail is a message the site handed to its SMTP server.
type sentMail struct {
	To, Subject, Body string
}

// smtpSink is an SMTP server for tests: it accepts every message, without
// TLS or authentication, and keeps what it got.
type smtpSink struct {
	Addr string

	mu   sync.Mutex
	mail []sentMail
}

// startSMTPSink serves SMTP on a free local port until the test ends.
func startSMTPSink(t *testing.T) *smtpSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &smtpSink{Addr: ln.Addr().String()}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

// serve speaks the server's side of one SMTP session.
func (s *smtpSink) serve(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute))
	r, w := bufio.NewReader(conn), bufio.NewWriter(conn)
	reply := func(line string) { w.WriteString(line + "\r\n"); w.Flush() }
	reply("220 sink ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch verb := strings.ToUpper(strings.Fields(line + " x")[0]); verb {
		case "EHLO", "HELO":
			reply("250 sink")
		case "DATA":
			reply("354 go on")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, "."))
			}
			s.keep(data.String())
			reply("250 kept")
		case "QUIT":
			reply("221 bye")
			return
		default: // MAIL, RCPT, RSET, NOOP
			reply("250 ok")
		}
	}
}

// keep parses a message and keeps it.
func (s *smtpSink) keep(raw string) {
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		return
	}
	body, _ := io.ReadAll(m.Body)
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		subject = m.Header.Get("Subject")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mail = append(s.mail, sentMail{To: m.Header.Get("To"), Subject: subject, Body: strings.ReplaceAll(string(body), "\r\n", "\n")})
}

// waitFor returns the first message to the address whose subject has the
// text, waiting up to a minute for it.
func (s *smtpSink) waitFor(t *testing.T, to, subject string) sentMail {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		for _, m := range s.mail {
			if m.To == to && strings.Contains(m.Subject, subject) {
				s.mu.Unlock()
				return m
			}
		}
		s.mu.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t.Fatalf("no e-mail to %s about %q within a minute; got %+v", to, subject, s.mail)
	return sentMail{}
}
