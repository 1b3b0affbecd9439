package handlers

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
)

// tcpProxy forwards connections to a backend and can be cut and restored,
// standing in for a database server that stops and comes back.
type tcpProxy struct {
	t       *testing.T
	addr    string
	backend string
	mu      sync.Mutex
	ln      net.Listener
	conns   []net.Conn
}

func newTCPProxy(t *testing.T, backend string) *tcpProxy {
	p := &tcpProxy{t: t, backend: backend}
	p.listen("127.0.0.1:0")
	t.Cleanup(p.cut)
	return p
}

func (p *tcpProxy) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b, err := net.Dial("tcp", p.backend)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, b)
			p.mu.Unlock()
			go func() { io.Copy(b, c); b.Close() }()
			go func() { io.Copy(c, b); c.Close() }()
		}
	}()
}

// cut closes the listener and every forwarded connection.
func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *tcpProxy) restore() { p.listen(p.addr) }

func TestReadinessFollowsTheDatabase(t *testing.T) {
	cfg := modelstest.FreshMySQL(t)
	proxy := newTCPProxy(t, cfg.Addr)
	cfg.Addr = proxy.addr
	db, err := models.OpenMySQL(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	app := newTestApp(t, db, Check{Name: "database", Check: db.Ping})

	if status, _ := get(t, app, "/readyz"); status != 200 {
		t.Fatalf("readyz with the database up: %d", status)
	}
	proxy.cut()
	start := time.Now()
	status, body := get(t, app, "/readyz")
	if status != 503 {
		t.Errorf("readyz with the database down: %d, want 503", status)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("readyz took %v with the database down; it must answer within 2s", took)
	}
	mustContain(t, body, "database: unavailable")
	if status, _ := get(t, app, "/healthz"); status != 200 {
		t.Errorf("healthz with the database down: %d, want 200", status)
	}
	proxy.restore()
	if status, _ := get(t, app, "/readyz"); status != 200 {
		t.Errorf("readyz after the database returned: %d, want 200", status)
	}
}
