package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// motandoBinary builds the binary once for the package's tests.
func motandoBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "motando-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "motando")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// TestMain runs the tests logging warnings and errors only, in this process
// (the commands a test runs in it included) and in the motando processes
// the tests start; MOTANDO_TEST_LOG=debug shows every line.
//
// The tests that start motando processes run in parallel with each other
// (t.Parallel): each has its own data folder, addresses and browser. Those
// that change the environment (t.Setenv) run first, on their own.
func TestMain(m *testing.M) {
	modelstest.QuietLogs()
	if os.Getenv("MOTANDO_LOG_LEVEL") == "" {
		os.Setenv("MOTANDO_LOG_LEVEL", envValue(modelstest.ProcessEnv(), "MOTANDO_LOG_LEVEL"))
	}
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// process is a running motando.
type process struct {
	t    *testing.T
	cmd  *exec.Cmd
	done chan error
}

// startMotando runs the binary in dir with the environment (on top of a
// clean one) and arguments.
//
// The process logs at the tests' level (warnings and errors, unless
// MOTANDO_TEST_LOG says otherwise), to the test's output. A test that sets
// MOTANDO_LOG_LEVEL itself wants the lines for the process (its OCI
// Logging, say), not for the output: its log is dropped. What a command
// (seed, migrate…) prints — its progress — is shown when it fails, or
// always at the info level and below.
func startMotando(t *testing.T, dir string, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(motandoBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, modelstest.ProcessEnv()...)
	cmd.Env = append(cmd.Env, env...)
	if envValue(env, "MOTANDO_LOG_LEVEL") == "" {
		cmd.Stdout = os.Stderr
	}
	cmd.Stderr = os.Stderr
	var output *bytes.Buffer
	if len(args) > 0 && args[0] != "serve" && !strings.HasPrefix(args[0], "-") && modelstest.LogLevel() > slog.LevelInfo {
		output = &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = output, output
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{t: t, cmd: cmd, done: make(chan error, 1)}
	go func() {
		err := cmd.Wait()
		if err != nil && output != nil {
			fmt.Fprintf(os.Stderr, "motando %s: %v\n%s", strings.Join(args, " "), err, output)
		}
		p.done <- err
	}()
	t.Cleanup(func() { p.cmd.Process.Kill() })
	return p
}

// stop sends SIGTERM and waits for a clean exit.
func (p *process) stop() {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			p.t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(40 * time.Second):
		p.cmd.Process.Kill()
		p.t.Fatal("did not stop within 40s of SIGTERM")
	}
}

// kill sends SIGKILL, as an OOM killer or a node failure would.
func (p *process) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

// TestFreshStartServesAndKeepsData runs the binary as a newcomer would, with
// nothing configured: it must serve the home page, stop cleanly on SIGTERM
// and find its data again on the next start.
func TestFreshStartServesAndKeepsData(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	addr := freeAddr(t)
	env := []string{"MOTANDO_ADDR=" + addr}

	p := startMotando(t, dir, env)
	body := waitForPage(t, "http://"+addr+"/")
	if !strings.Contains(body, `lang="pt-BR"`) || !strings.Contains(body, "Encontre sua moto") {
		t.Fatalf("home page: %.300s", body)
	}
	p.stop()

	// Something written by the first run must be there for the second.
	db, err := models.OpenSQLite(filepath.Join(dir, "data", "motando.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Create(&models.Brand{Name: "Marca Persistida"}).Error; err != nil {
		t.Fatal(err)
	}
	db.Close()

	p = startMotando(t, dir, env)
	body = waitForPage(t, "http://"+addr+"/")
	if !strings.Contains(body, ">Marca Persistida</option>") {
		t.Error("the second start lost the data of the first")
	}
	p.stop()
}

// Addresses freeAddr has handed out: tests running in parallel must not
// get the same one.
var (
	addrsMu    sync.Mutex
	addrsTaken = map[string]bool{}
)

// freeAddr is a local address nothing listens on, for a process to come.
func freeAddr(t *testing.T) string {
	for {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		addrsMu.Lock()
		taken := addrsTaken[addr]
		addrsTaken[addr] = true
		addrsMu.Unlock()
		if !taken {
			return addr
		}
	}
}

func waitForPage(t *testing.T, url string) string {
	t.Helper()
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

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func envValue(env []string, name string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}

func TestHealthcheckCommand(t *testing.T) {
	addr := freeAddr(t)
	t.Setenv("MOTANDO_ADDR", addr)
	var out strings.Builder
	if code := healthcheck(nil, &out); code != 1 {
		t.Errorf("with nothing listening: exit %d", code)
	}
	site := startMotando(t, t.TempDir(), []string{"MOTANDO_ADDR=" + addr})
	defer site.stop()
	waitForPage(t, "http://"+addr+"/healthz")
	if code := healthcheck(nil, &out); code != 0 {
		t.Errorf("with the site up: exit %d (%s)", code, out.String())
	}
	if code := healthcheck([]string{"/nao-existe"}, &out); code != 1 {
		t.Errorf("a 404 path: exit %d", code)
	}
}
