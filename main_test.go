package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"motando/models"
)

// TestFreshStartServesAndKeepsData runs the binary as a newcomer would, with
// nothing configured: it must serve the home page, stop cleanly on SIGTERM
// and find its data again on the next start.
func TestFreshStartServesAndKeepsData(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "motando")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	addr := freeAddr(t)
	start := func() *exec.Cmd {
		cmd := exec.Command(bin)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "MOTANDO_ADDR="+addr, "MYSQL_HOST=", "REDIS_HOST=")
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	stop := func(cmd *exec.Cmd) {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("exit after SIGTERM: %v", err)
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatal("did not stop within 30s of SIGTERM")
		}
	}

	cmd := start()
	body := waitForPage(t, "http://"+addr+"/")
	if !strings.Contains(body, `lang="pt-BR"`) || !strings.Contains(body, "Encontre sua moto") {
		t.Fatalf("home page: %.300s", body)
	}
	stop(cmd)

	// Something written by the first run must be there for the second.
	db, err := models.OpenSQLite(filepath.Join(dir, "data", "motando.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Create(&models.Brand{Name: "Marca Persistida"}).Error; err != nil {
		t.Fatal(err)
	}
	db.Close()

	cmd = start()
	body = waitForPage(t, "http://"+addr+"/")
	if !strings.Contains(body, ">Marca Persistida</option>") {
		t.Error("the second start lost the data of the first")
	}
	stop(cmd)
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitForPage(t *testing.T, url string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		resp, err := http.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return string(body)
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s never answered 200: %v", url, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
