package main

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"motando/storage/ocitest"
)

// siteClient is a cookie-keeping HTTP client that sends the CSRF token of
// the last page it read.
type siteClient struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

func newSiteClient(t *testing.T, base string) *siteClient {
	jar, _ := cookiejar.New(nil)
	return &siteClient{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

func (s *siteClient) read(resp *http.Response, err error) (int, string) {
	s.t.Helper()
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfMeta.FindSubmatch(body); m != nil {
		s.csrf = string(m[1])
	}
	return resp.StatusCode, string(body)
}

func (s *siteClient) get(path string) (int, string) { return s.read(s.c.Get(s.base + path)) }

func (s *siteClient) post(path string, form url.Values) (int, string) {
	form.Set("csrf_token", s.csrf)
	return s.read(s.c.PostForm(s.base+path, form))
}

func (s *siteClient) upload(path, field string, data []byte) (int, string) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile(field, "foto.jpg")
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, s.base+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("X-CSRF-Token", s.csrf)
	return s.read(s.c.Do(req))
}

// metricValue reads one series' value from /metrics.
func metricValue(t *testing.T, metrics, series string) float64 {
	t.Helper()
	for _, line := range strings.Split(metrics, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("no series %s in /metrics", series)
	return 0
}

// With OCI Logging stalled, the site answers every request while not one
// log line has been accepted, and the dropped lines are counted.
func TestStalledOCILoggingKeepsRequestsMoving(t *testing.T) {
	t.Parallel()
	srv := ocitest.New(t)
	srv.Delay(time.Hour)
	addr, opsAddr := freeAddr(t), freeAddr(t)
	site := startMotando(t, t.TempDir(), []string{
		"MOTANDO_ADDR=" + addr, "MOTANDO_OPS_ADDR=" + opsAddr, "WEBAPP_OCI_LOG_ID=ocid1.log.oc1.test.webapp", "OCI_CONFIG_FILE=" + srv.ConfigFile(t, "DEFAULT"),
		"OCI_REGION_ID=" + srv.Region, "MOTANDO_OCI_LOGGING_ENDPOINT=" + srv.URL, "MOTANDO_OCI_LOG_BUFFER=20",
		"MOTANDO_LOG_LEVEL=info", // each request is a line for the stalled service
	})
	defer site.stop()
	base := "http://" + addr
	waitForPage(t, base+"/")
	c := newSiteClient(t, base)
	// More lines than a batch (100) and the buffer (20) hold, so that the
	// shipper is stuck on its first batch while the buffer overflows.
	for i := range 300 {
		if status, _ := c.get("/motos?pagina=" + strconv.Itoa(i%5+1)); status != 200 {
			t.Fatalf("request %d: %d", i, status)
		}
	}
	_, m := newSiteClient(t, "http://"+opsAddr).get("/metrics")
	if sent := metricValue(t, m, "motando_log_lines_sent_total"); sent != 0 {
		t.Fatalf("%v lines accepted by a stalled log service", sent)
	}
	if dropped := metricValue(t, m, "motando_log_lines_dropped_total"); dropped < 50 {
		t.Errorf("dropped %v lines, want the overflow of a buffer of 20 counted", dropped)
	}
}

// /metrics, on the operations listener, shows the request, job, queue,
// publish latency, pool, Go runtime and process series after a few requests
// and a published ad; the public listener does not serve it.
func TestMetricsAfterTrafficAndAPublishedAd(t *testing.T) {
	t.Parallel()
	addr, opsAddr := freeAddr(t), freeAddr(t)
	site := startMotando(t, t.TempDir(), []string{"MOTANDO_ADDR=" + addr, "MOTANDO_OPS_ADDR=" + opsAddr})
	defer site.stop()
	base := "http://" + addr
	waitForPage(t, base+"/")
	c := newSiteClient(t, base)
	ops := newSiteClient(t, "http://"+opsAddr)
	if status, body := c.get("/metrics"); status != 404 || strings.Contains(body, "motando_") {
		t.Errorf("public /metrics: %d, want 404", status)
	}
	c.get("/motos")
	c.get("/cadastro")
	if status, _ := c.post("/cadastro", url.Values{"nome": {"Métrica"}, "email": {"metrica@exemplo.com"},
		"senha": {"cavalo bateria grampo"}, "senha_confirmacao": {"cavalo bateria grampo"}, "telefone": {"11987654321"},
		"estado": {"SP"}, "cidade": {"5136"}}); status != 200 {
		t.Fatalf("sign-up: %d", status)
	}
	c.get("/anuncios/novo")
	status, body := c.upload("/anuncios/fotos", "foto", photoJPEG(t, 640, 480))
	token := regexp.MustCompile(`name="fotos" value="([0-9a-f]{32})"`).FindStringSubmatch(body)
	if status != 200 || token == nil {
		t.Fatalf("upload: %d", status)
	}
	_, form := c.get("/anuncios/novo")
	brand := regexp.MustCompile(`<option value="(\d+)">Honda</option>`).FindStringSubmatch(form)[1]
	_, models := c.get("/catalogo/modelos?marca=" + brand)
	model := regexp.MustCompile(`<option value="(\d+)">CB 300</option>`).FindStringSubmatch(models)[1]
	status, _ = c.post("/anuncios/novo", url.Values{"marca": {brand}, "modelo": {model}, "ano_fabricacao": {"2020"},
		"ano_modelo": {"2020"}, "km": {"1000"}, "placa": {"ABC1D23"}, "preco": {"15.000"}, "estado": {"SP"},
		"cidade": {"5136"}, "fotos": {token[1]}})
	if status != 200 {
		t.Fatalf("post ad: %d", status)
	}
	waitFor(t, "the ad published", 30*time.Second, func() bool {
		_, m := ops.get("/metrics")
		return strings.Contains(m, "motando_publish_latency_seconds_count 1")
	})
	_, m := ops.get("/metrics")
	for _, series := range []string{
		`motando_http_requests_total{method="POST",route="/anuncios/novo",status="303"}`,
		`motando_http_requests_total{method="GET",route="/motos",status="200"}`,
		`motando_http_request_duration_seconds_count{route="/anuncios/fotos"}`,
		"motando_jobs_done_total",
		"motando_jobs_failed_total",
		"motando_jobs_dead_total",
		`motando_queue_jobs{state="ready"}`,
		`motando_queue_jobs{state="dead"}`,
		"motando_db_open_connections",
		"motando_db_wait_total",
		"go_goroutines",
		"go_gc_duration_seconds",
		"process_resident_memory_bytes",
		"process_open_fds",
	} {
		if !strings.Contains(m, series) {
			t.Errorf("/metrics lacks %s", series)
		}
	}
	if metricValue(t, m, "motando_jobs_done_total") < 1 {
		t.Error("no job counted")
	}
	if strings.Contains(m, `route="/metrics"`) {
		t.Error("scrapes of the operations listener are counted as site requests")
	}

	// Readiness: short on the public listener, detailed on the operations one.
	if status, body := c.get("/readyz"); status != 200 || body != "ok" {
		t.Errorf("public /readyz: %d %q", status, body)
	}
	status, body = ops.get("/readyz")
	if status != 200 || body != "database: ok\nstorage: ok\nsearch: ok\n" {
		t.Errorf("operations /readyz: %d %q, want each dependency named", status, body)
	}
	if status, _ := ops.get("/healthz"); status != 200 {
		t.Errorf("operations /healthz: %d", status)
	}
}

// With MOTANDO_OPS_ADDR=off nothing listens for /metrics; an address that
// was set and is taken stops the program.
func TestOpsListenerOffAndTaken(t *testing.T) {
	t.Parallel()
	addr, opsAddr := freeAddr(t), freeAddr(t)
	site := startMotando(t, t.TempDir(), []string{"MOTANDO_ADDR=" + addr, "MOTANDO_OPS_ADDR=off"})
	waitForPage(t, "http://"+addr+"/healthz")
	if status, _ := newSiteClient(t, "http://"+addr).get("/metrics"); status != 404 {
		t.Errorf("public /metrics with the operations listener off: %d", status)
	}
	site.stop()

	taken, err := net.Listen("tcp", opsAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	p := startMotando(t, t.TempDir(), []string{"MOTANDO_ADDR=" + addr, "MOTANDO_OPS_ADDR=" + opsAddr})
	select {
	case err := <-p.done:
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Errorf("with MOTANDO_OPS_ADDR taken: %v, want exit status 1", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("still running with MOTANDO_OPS_ADDR taken")
	}
}

// A worker-only process serves /healthz and /readyz on MOTANDO_ADDR, and
// /metrics and the detailed /readyz (its queue included) on
// MOTANDO_OPS_ADDR.
func TestWorkerOpsListener(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	opsAddr := freeAddr(t)
	w := startMotando(t, s.dir, s.env(s.redis, "MOTANDO_OPS_ADDR="+opsAddr), "-role=worker")
	defer w.stop()
	public := newSiteClient(t, "http://"+envValue(w.cmd.Env, "MOTANDO_ADDR"))
	ops := newSiteClient(t, "http://"+opsAddr)
	waitForPage(t, "http://"+envValue(w.cmd.Env, "MOTANDO_ADDR")+"/readyz")
	if status, body := public.get("/readyz"); status != 200 || body != "ok" {
		t.Errorf("public /readyz: %d %q", status, body)
	}
	if status, _ := public.get("/healthz"); status != 200 {
		t.Errorf("public /healthz: %d", status)
	}
	if status, _ := public.get("/metrics"); status != 404 {
		t.Errorf("public /metrics: %d, want 404", status)
	}
	status, body := ops.get("/readyz")
	if status != 200 || body != "database: ok\nstorage: ok\nredis: ok\nqueue: ok\n" {
		t.Errorf("operations /readyz: %d %q", status, body)
	}
	_, m := ops.get("/metrics")
	for _, series := range []string{"motando_jobs_done_total", `motando_queue_jobs{state="ready"}`, "go_goroutines", "process_cpu_seconds_total"} {
		if !strings.Contains(m, series) {
			t.Errorf("worker /metrics lacks %s", series)
		}
	}
}
