// Package attack probes a running Motando as a hostile client would, on
// the loopback only and bounded in count and time, and reports what the
// site did and what it cost:
//
//   - large bodies: many concurrent anonymous 60 MB uploads to the site's
//     form routes, while ordinary page requests go on; the server's peak
//     RSS and the pages' latency are measured;
//   - sign-in guessing: many concurrent wrong passwords for one e-mail
//     from one address; how many were checked (422) and how many refused
//     (429), and the peak RSS;
//   - account probing: the anonymous contact form sent with e-mails that
//     have an account and e-mails that do not; the answers must not tell
//     them apart.
//
// The site is the binary given, started on a fresh embedded database
// (SQLite, local buckets, in-process queue) with a few demo ads.
package attack

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"motando/fixtures/demo"
	"motando/handlers"
)

// Options say what to run and how hard.
type Options struct {
	Binary   string        // the motando binary
	Dir      string        // a scratch directory: the site's data and its log
	Bodies   int           // concurrent attackers sending large bodies
	BodySize int64         // bytes in each large body
	BodyFor  time.Duration // how long the attackers go on sending them
	Signins  int           // concurrent wrong sign-ins
	Probes   int           // contact-form probes of each kind (registered, unknown)
	Log      io.Writer     // progress; nil: none
}

// Report is what a run measured.
type Report struct {
	BaselineRSS int64 // bytes, once the site is ready

	BodyStatus  map[int]int // answers to the large bodies, by status (0: no answer)
	BodyPeakRSS int64
	PagesServed int           // ordinary requests made while the bodies went in
	PagesFailed int           // of them, errors and statuses other than 200
	PageP50     time.Duration // their latency
	PageP99     time.Duration

	SigninStatus  map[int]int // answers to the wrong sign-ins, by status
	SigninChecked int         // passwords the site checked (its motando_password_hashes_total)
	SigninPeakRSS int64
	SigninLimit   int // the site's per-e-mail limit

	ProbeAnswers   int      // contact-form answers compared
	ProbeDiffering []string // how answers for registered and unknown e-mails differed
}

// Problems lists what breaks the site's promises: RSS over 200 MB under
// large bodies or over 250 MB under sign-ins, more checks than the limit,
// sign-ins answered with anything but 422 or 429, a large body that was
// accepted, and contact answers that differ.
func (r *Report) Problems() []string {
	var p []string
	if r.BodyPeakRSS > 200<<20 {
		p = append(p, fmt.Sprintf("large bodies: peak RSS %s, over 200 MB", mb(r.BodyPeakRSS)))
	}
	for status, n := range r.BodyStatus {
		if status < 400 {
			p = append(p, fmt.Sprintf("large bodies: %d answered %d", n, status))
		}
	}
	if r.PagesFailed > 0 {
		p = append(p, fmt.Sprintf("%d of %d ordinary requests failed while the large bodies went in", r.PagesFailed, r.PagesServed))
	}
	if r.SigninPeakRSS > 250<<20 {
		p = append(p, fmt.Sprintf("sign-ins: peak RSS %s, over 250 MB", mb(r.SigninPeakRSS)))
	}
	if r.SigninChecked > r.SigninLimit {
		p = append(p, fmt.Sprintf("sign-ins: %d passwords checked, the limit is %d", r.SigninChecked, r.SigninLimit))
	}
	for status, n := range r.SigninStatus {
		if status != http.StatusUnprocessableEntity && status != http.StatusTooManyRequests {
			p = append(p, fmt.Sprintf("sign-ins: %d answered %d", n, status))
		}
	}
	p = append(p, r.ProbeDiffering...)
	return p
}

// Table is the report in Markdown, as BENCHMARKS.md shows it.
func (r *Report) Table(o Options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| RSS once ready | %s |\n", mb(r.BaselineRSS))
	fmt.Fprintf(&b, "| %d attackers sending %s bodies for %s: answers | %s |\n", o.Bodies, mb(o.BodySize), o.BodyFor, statuses(r.BodyStatus))
	fmt.Fprintf(&b, "| … peak RSS | %s |\n", mb(r.BodyPeakRSS))
	fmt.Fprintf(&b, "| … ordinary pages meanwhile | %d, %d failed, p50 %s, p99 %s |\n", r.PagesServed, r.PagesFailed,
		r.PageP50.Round(100*time.Microsecond), r.PageP99.Round(100*time.Microsecond))
	fmt.Fprintf(&b, "| %d concurrent wrong sign-ins, one e-mail: answers | %s |\n", o.Signins, statuses(r.SigninStatus))
	fmt.Fprintf(&b, "| … passwords checked (limit) | %d (%d) |\n", r.SigninChecked, r.SigninLimit)
	fmt.Fprintf(&b, "| … peak RSS | %s |\n", mb(r.SigninPeakRSS))
	fmt.Fprintf(&b, "| contact form, registered vs unknown e-mails | %d answers, %d differing |\n", r.ProbeAnswers, len(r.ProbeDiffering))
	return b.String()
}

func mb(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/1e6) }

func statuses(m map[int]int) string {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d× %d", m[k], k)
	}
	return strings.Join(parts, ", ")
}

// Run starts the site, attacks it and stops it.
func Run(ctx context.Context, o Options) (*Report, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	s, err := startSite(ctx, o)
	if err != nil {
		return nil, err
	}
	defer s.stop()
	r := &Report{SigninLimit: handlers.MaxFailedSigninsPerEmail}
	if r.BaselineRSS, err = s.rss(); err != nil {
		return nil, err
	}
	adURL, err := s.anAd()
	if err != nil {
		return nil, err
	}
	o.logf("site ready at %s, RSS %s; ad %s", s.base, mb(r.BaselineRSS), adURL)

	if err := s.largeBodies(ctx, o, r, adURL); err != nil {
		return nil, fmt.Errorf("large bodies: %w", err)
	}
	o.logf("large bodies: %s, peak RSS %s", statuses(r.BodyStatus), mb(r.BodyPeakRSS))
	if err := s.signins(ctx, o, r); err != nil {
		return nil, fmt.Errorf("sign-ins: %w", err)
	}
	o.logf("sign-ins: %s, peak RSS %s", statuses(r.SigninStatus), mb(r.SigninPeakRSS))
	if err := s.probes(ctx, o, r, adURL); err != nil {
		return nil, fmt.Errorf("contact form: %w", err)
	}
	return r, nil
}

func (o Options) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, "attack: "+format+"\n", args...)
	}
}

// site is the motando process under attack.
type site struct {
	cmd  *exec.Cmd
	done chan error
	base string
	addr string
	ops  string // the operations listener's address
}

// freeAddr is a loopback address with a port nobody listens on.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startSite seeds a fresh embedded site and serves it on free loopback
// ports.
func startSite(ctx context.Context, o Options) (*site, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	ops, err := freeAddr()
	if err != nil {
		return nil, err
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"MOTANDO_DATA_DIR=" + filepath.Join(o.Dir, "data"), "MOTANDO_ADDR=" + addr, "MOTANDO_OPS_ADDR=" + ops,
		"MOTANDO_LOG_LEVEL=warn"}
	logFile, err := os.Create(filepath.Join(o.Dir, "motando.log"))
	if err != nil {
		return nil, err
	}
	seed := exec.CommandContext(ctx, o.Binary, "seed", "--bulk", "50")
	seed.Env, seed.Stdout, seed.Stderr = env, logFile, logFile
	if err := seed.Run(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("seed: %w (see %s)", err, logFile.Name())
	}
	cmd := exec.Command(o.Binary, "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start the site: %w", err)
	}
	s := &site{cmd: cmd, done: make(chan error, 1), base: "http://" + addr, addr: addr, ops: ops}
	go func() { s.done <- cmd.Wait(); logFile.Close() }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("the site stopped: %v (see %s)", err, logFile.Name())
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, errors.New("the site did not become ready in 60 s")
		}
	}
}

func (s *site) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// rss is the process's resident memory now, in bytes.
func (s *site) rss() (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("read the site's memory: %w", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS in /proc/<pid>/status")
}

// peakRSS samples the site's RSS every 20 ms until stop is closed, and
// returns the highest.
func (s *site) peakRSS(stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			if n, err := s.rss(); err == nil {
				peak = max(peak, n)
			}
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

var adLink = regexp.MustCompile(`href="(/anuncio/[0-9]+[^"]*)"`)

// anAd is the address of one listed ad.
func (s *site) anAd() (string, error) {
	_, body, err := newVisitor(s.base).get("/motos")
	if err != nil {
		return "", err
	}
	m := adLink.FindStringSubmatch(body)
	if m == nil {
		return "", errors.New("no ad listed on /motos")
	}
	return m[1], nil
}

// adID is the id in an ad's address.
func adID(adURL string) string {
	return strings.SplitN(strings.TrimPrefix(adURL, "/anuncio/"), "/", 2)[0]
}

// largeBodies has o.Bodies attackers send anonymous bodies of o.BodySize to
// the form routes, one after another for o.BodyFor, half of them
// announcing their length and half chunked, while a visitor browses.
func (s *site) largeBodies(ctx context.Context, o Options, r *Report, adURL string) error {
	targets := []string{"/", "/entrar", "/anuncios/fotos", "/anuncio/" + adID(adURL) + "/mensagens"}
	stop := make(chan struct{})
	peak := s.peakRSS(stop)
	browsing := make(chan []pageResult, 1)
	go func() { browsing <- s.browse(stop, adURL) }()

	start := time.Now()
	results := make([][]int, o.Bodies)
	var wg sync.WaitGroup
	for i := range o.Bodies {
		wg.Go(func() {
			for k := 0; k == 0 || time.Since(start) < o.BodyFor; k++ {
				if ctx.Err() != nil {
					return
				}
				results[i] = append(results[i], s.sendBody(ctx, targets[(i+k)%len(targets)], o.BodySize, (i+k)%2 == 1))
			}
		})
	}
	wg.Wait()
	close(stop)
	r.BodyPeakRSS = <-peak
	r.BodyStatus = map[int]int{}
	for _, statuses := range results {
		for _, status := range statuses {
			r.BodyStatus[status]++
		}
	}
	pages := <-browsing
	lat := make([]time.Duration, 0, len(pages))
	for _, p := range pages {
		if !p.ok {
			r.PagesFailed++
		}
		lat = append(lat, p.took)
	}
	r.PagesServed = len(pages)
	if n := len(lat); n > 0 {
		slices.Sort(lat)
		r.PageP50, r.PageP99 = lat[n/2], lat[min(n-1, n*99/100)]
	}
	return ctx.Err()
}

// sendBody POSTs a body of size bytes to path on a connection of its own,
// announcing its length or chunked, writing as fast as the server reads,
// and returns the status of the answer (0 if there was none). The answer
// is read while the body is still being written: a server that refuses
// early answers early.
func (s *site) sendBody(ctx context.Context, path string, size int64, chunked bool) int {
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return 0
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Minute))
	go func() {
		head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n", path, s.addr)
		body := io.LimitReader(filler{}, size)
		if !chunked {
			fmt.Fprintf(conn, "%sContent-Length: %d\r\n\r\n", head, size)
			io.Copy(conn, body) // ends early when the server hangs up
			return
		}
		fmt.Fprintf(conn, "%sTransfer-Encoding: chunked\r\n\r\n", head)
		w := httputil.NewChunkedWriter(conn)
		if _, err := io.Copy(w, body); err == nil {
			w.Close()
			io.WriteString(conn, "\r\n")
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// filler is an endless form body: "aaaa…".
type filler struct{}

var as = bytes.Repeat([]byte("a"), 64<<10)

func (filler) Read(p []byte) (int, error) {
	n := copy(p, as)
	return n, nil
}

type pageResult struct {
	took time.Duration
	ok   bool
}

// browse requests ordinary pages (searches, the home page, an ad) one
// after another until stop is closed.
func (s *site) browse(stop <-chan struct{}, adURL string) []pageResult {
	v := newVisitor(s.base)
	paths := []string{"/motos", "/", adURL, "/motos?ordem=preco", "/motos?q=honda", "/motos?preco_max=20000"}
	var out []pageResult
	for i := 0; ; i++ {
		select {
		case <-stop:
			return out
		default:
		}
		start := time.Now()
		status, _, err := v.get(paths[i%len(paths)])
		out = append(out, pageResult{took: time.Since(start), ok: err == nil && status == http.StatusOK})
	}
}

// signins sends o.Signins concurrent sign-ins with a wrong password for
// one demo account, from one visitor.
func (s *site) signins(ctx context.Context, o Options, r *Report) error {
	accounts, err := demo.Accounts()
	if err != nil {
		return err
	}
	v := newVisitor(s.base)
	if _, _, err := v.get("/entrar"); err != nil {
		return err
	}
	form := url.Values{"email": {accounts[0].Email}, "senha": {"not-the-password"}, "csrf_token": {v.csrf}}
	hashesBefore, err := s.metric("motando_password_hashes_total")
	if err != nil {
		return err
	}
	stop := make(chan struct{})
	peak := s.peakRSS(stop)
	results := make([]int, o.Signins)
	var wg sync.WaitGroup
	for i := range o.Signins {
		wg.Go(func() {
			status, _, err := v.post(ctx, "/entrar", form, false)
			if err != nil {
				status = 0
			}
			results[i] = status
		})
	}
	wg.Wait()
	close(stop)
	r.SigninPeakRSS = <-peak
	r.SigninStatus = map[int]int{}
	for _, status := range results {
		r.SigninStatus[status]++
	}
	hashesAfter, err := s.metric("motando_password_hashes_total")
	if err != nil {
		return err
	}
	r.SigninChecked = int(hashesAfter - hashesBefore)
	return ctx.Err()
}

// metric reads one series' value from the site's /metrics.
func (s *site) metric(series string) (float64, error) {
	status, body, err := newVisitor("http://" + s.ops).get("/metrics")
	if err != nil {
		return 0, err
	}
	if status != http.StatusOK {
		return 0, fmt.Errorf("/metrics answered %d", status)
	}
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return strconv.ParseFloat(v, 64)
		}
	}
	return 0, fmt.Errorf("no series %s in /metrics", series)
}

// probes sends the contact form of an ad with e-mails of demo accounts and
// with e-mails nobody has, as htmx does and as a plain form, and compares
// the answers with the e-mail itself taken out.
func (s *site) probes(ctx context.Context, o Options, r *Report, adURL string) error {
	accounts, err := demo.Accounts()
	if err != nil {
		return err
	}
	path := "/anuncio/" + adID(adURL) + "/mensagens"
	for i := range o.Probes {
		registered := accounts[i%len(accounts)].Email
		unknown := fmt.Sprintf("ninguem.%d.%d@example.net", time.Now().UnixNano(), i)
		for _, partial := range []bool{true, false} {
			var answers [2]string
			for k, email := range []string{registered, unknown} {
				v := newVisitor(s.base)
				if _, _, err := v.get(adURL); err != nil {
					return err
				}
				form := url.Values{"nome": {"Visitante"}, "email": {email}, "mensagem": {"Ainda está à venda?"}, "csrf_token": {v.csrf}}
				status, body, err := v.post(ctx, path, form, partial)
				if err != nil {
					return err
				}
				answers[k] = fmt.Sprintf("%d %s %s", status, v.location, strings.ReplaceAll(body, email, "<e-mail>"))
			}
			r.ProbeAnswers += 2
			if answers[0] != answers[1] {
				r.ProbeDiffering = append(r.ProbeDiffering, fmt.Sprintf("contact form (htmx %v): a registered e-mail got %.120q, an unknown one %.120q", partial, answers[0], answers[1]))
			}
		}
	}
	return nil
}

// visitor is a browser: cookies and the CSRF token of the last page read.
type visitor struct {
	base     string
	http     *http.Client
	mu       sync.Mutex
	csrf     string
	location string
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

func newVisitor(base string) *visitor {
	jar, _ := cookiejar.New(nil)
	return &visitor{base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 64},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (v *visitor) get(path string) (int, string, error) {
	req, err := http.NewRequest(http.MethodGet, v.base+path, nil)
	if err != nil {
		return 0, "", err
	}
	return v.do(req)
}

func (v *visitor) post(ctx context.Context, path string, form url.Values, partial bool) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, v.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if partial {
		req.Header.Set("HX-Request", "true")
	}
	return v.do(req)
}

func (v *visitor) do(req *http.Request) (int, string, error) {
	resp, err := v.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	v.mu.Lock()
	defer v.mu.Unlock()
	v.location = resp.Header.Get("Location")
	if m := csrfMeta.FindSubmatch(body); m != nil {
		v.csrf = string(m[1])
	}
	return resp.StatusCode, string(body), err
}
