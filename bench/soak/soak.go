// Package soak runs the site under load and faults for a while and checks
// that nothing was lost: a web and a worker process on MariaDB and a Redis
// of its own, visitors browsing and searching, sellers posting, editing and
// deleting ads with photos, the worker killed and restarted, Redis
// restarted once. At the end every ad must be in the state its last action
// asked for, every published photo in the public bucket, no temporary
// object left behind, and no answer a 5xx.
package soak

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
)

// Options configure a run.
type Options struct {
	Binary      string          // the motando binary
	MySQL       *gomysql.Config // a server where a fresh database is created and dropped
	RedisServer string          // path of redis-server
	Dir         string          // working folder (data, logs)
	Duration    time.Duration
	KillEvery   time.Duration // the worker is killed with SIGKILL this often
	Sellers     int
	Browsers    int
	Log         io.Writer // progress
}

// Summary is what a run did and found.
type Summary struct {
	Duration      time.Duration
	Requests      int
	NoAnswer      int
	Server5xx     int
	P50, P99      time.Duration
	AdsPosted     int
	Edits         int
	Deletes       int
	WorkerKills   int
	RedisRestarts int
	Checked       int // ads whose final state was checked
	Lost          int // ads not in the state their last action asked for
	Problems      []string
}

// Table writes the summary as a Markdown table.
func (s *Summary) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "| duration | requests | no answer | 5xx | p50 | p99 | ads posted | edits | deletes | worker kills | Redis restarts | ads checked | lost |\n")
	fmt.Fprintf(&b, "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %s | %d | %d | %d | %d | %d | %d | %d |\n",
		s.Duration.Round(time.Second), s.Requests, s.NoAnswer, s.Server5xx, s.P50.Round(time.Millisecond), s.P99.Round(time.Millisecond),
		s.AdsPosted, s.Edits, s.Deletes, s.WorkerKills, s.RedisRestarts, s.Checked, s.Lost)
	return b.String()
}

// OK holds when nothing was lost and no answer failed.
func (s *Summary) OK() bool {
	return s.Lost == 0 && s.Server5xx == 0 && s.NoAnswer == 0 && len(s.Problems) == 0
}

// run is the state of one soak run.
type run struct {
	o         Options
	env       []string
	base      string
	data      string
	db        *sql.DB
	redis     *proc
	redisPort string
	worker    *proc
	web       *proc
	tally     tally
	ready     atomic.Bool // the load balancer's view: /readyz answered 200
	drain     atomic.Bool // the load balancer took the web out while Redis restarts
	mu        sync.Mutex
	ads       map[uint64]*expected
	summary   Summary
	photo     []byte
}

// expected is the state an ad's last action asked for.
type expected struct {
	deleted bool
	price   int64 // centavos
	photos  int
}

// Run runs the soak and returns its summary.
func Run(ctx context.Context, o Options) (*Summary, error) {
	r := &run{o: o, ads: map[uint64]*expected{}, data: filepath.Join(o.Dir, "data")}
	r.photo = testPhoto()
	if err := r.start(ctx); err != nil {
		r.stopAll()
		return nil, err
	}
	defer r.stopAll()
	start := time.Now()

	loadCtx, stopLoad := context.WithTimeout(ctx, o.Duration)
	defer stopLoad()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); r.monitor(loadCtx) }()
	for i := range o.Browsers {
		wg.Add(1)
		go func() { defer wg.Done(); r.browse(loadCtx, i) }()
	}
	for i := range o.Sellers {
		wg.Add(1)
		go func() { defer wg.Done(); r.sell(loadCtx, i) }()
	}
	wg.Add(1)
	go func() { defer wg.Done(); r.chaos(loadCtx) }()
	wg.Wait()
	r.summary.Duration = time.Since(start)

	if err := r.settle(ctx); err != nil {
		r.summary.Problems = append(r.summary.Problems, err.Error())
	}
	r.check()
	r.tally.mu.Lock()
	r.summary.Requests, r.summary.NoAnswer, r.summary.Server5xx = r.tally.requests, r.tally.failures, r.tally.server5xx
	lat := slices.Clone(r.tally.latencies)
	r.tally.mu.Unlock()
	slices.Sort(lat)
	if n := len(lat); n > 0 {
		r.summary.P50, r.summary.P99 = lat[n/2], lat[min(n-1, n*99/100)]
	}
	return &r.summary, nil
}

func (r *run) logf(format string, args ...any) {
	if r.o.Log != nil {
		fmt.Fprintf(r.o.Log, "soak: "+format+"\n", args...)
	}
}

// proc is a child process.
type proc struct {
	cmd  *exec.Cmd
	done chan error
}

func (r *run) spawn(name string, args ...string) (*proc, error) {
	return r.spawnWith(nil, name, args...)
}

// spawnWith starts a child with the run's environment plus extra.
func (r *run) spawnWith(extra []string, name string, args ...string) (*proc, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(slices.Clone(r.env), extra...)
	logf, err := os.OpenFile(filepath.Join(r.o.Dir, filepath.Base(name)+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{cmd: cmd, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait(); logf.Close() }()
	return p, nil
}

func (p *proc) kill() {
	if p != nil {
		p.cmd.Process.Kill()
		<-p.done
	}
}

func (p *proc) stop() {
	if p == nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(40 * time.Second):
		p.kill()
	}
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port, nil
}

// start creates the database, starts Redis, migrates, and starts the web
// and a worker.
func (r *run) start(ctx context.Context) error {
	admin := r.o.MySQL.Clone()
	admin.DBName = ""
	adb, err := sql.Open("mysql", admin.FormatDSN())
	if err != nil {
		return err
	}
	defer adb.Close()
	dbName := fmt.Sprintf("motando_soak_%d", time.Now().UnixNano())
	if _, err := adb.ExecContext(ctx, "CREATE DATABASE "+dbName+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	mc := r.o.MySQL.Clone()
	mc.DBName = dbName
	mc.ParseTime = true
	if r.db, err = sql.Open("mysql", mc.FormatDSN()); err != nil {
		return err
	}
	redisPort, err := freePort()
	if err != nil {
		return err
	}
	webPort, err := freePort()
	if err != nil {
		return err
	}
	r.base = "http://127.0.0.1:" + webPort
	r.env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"MYSQL_HOST=" + mc.Addr, "MYSQL_USER=" + mc.User, "MYSQL_PASSWD=" + mc.Passwd, "MYSQL_DBNAME=" + dbName,
		"REDIS_HOST=127.0.0.1", "REDIS_PORT=" + redisPort, "MOTANDO_DATA_DIR=" + r.data, "MOTANDO_LOG_LEVEL=warn",
		"MOTANDO_JOB_VISIBILITY=3s", "MOTANDO_JOB_RETRY_BASE=1s", "MOTANDO_RECONCILE_INTERVAL=1s", "MOTANDO_RECONCILE_AFTER=4s",
		"MOTANDO_SHUTDOWN_TIMEOUT=10s", "MOTANDO_WORKERS=2"}
	r.redisPort = redisPort
	if r.redis, err = r.startRedis(redisPort); err != nil {
		return err
	}
	migrate, err := r.spawn(r.o.Binary, "migrate")
	if err != nil {
		return err
	}
	if err := <-migrate.done; err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if r.web, err = r.spawnWith([]string{"MOTANDO_ADDR=127.0.0.1:" + webPort}, r.o.Binary, "-role=web"); err != nil {
		return err
	}
	if err := r.startWorker(); err != nil {
		return err
	}
	return r.waitReady(ctx, 60*time.Second)
}

func (r *run) startRedis(port string) (*proc, error) {
	p, err := r.spawn(r.o.RedisServer, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err != nil {
		return nil, err
	}
	for range 100 {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			return p, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil, errors.New("redis-server did not start")
}

func (r *run) startWorker() error {
	workerPort, err := freePort()
	if err != nil {
		return err
	}
	r.worker, err = r.spawnWith([]string{"MOTANDO_ADDR=127.0.0.1:" + workerPort}, r.o.Binary, "-role=worker")
	return err
}

func (r *run) stopAll() {
	r.worker.stop()
	r.web.stop()
	r.redis.kill()
	if r.db != nil {
		var name string
		r.db.QueryRow("SELECT DATABASE()").Scan(&name)
		if strings.HasPrefix(name, "motando_soak_") {
			r.db.Exec("DROP DATABASE " + name)
		}
		r.db.Close()
	}
}

func (r *run) waitReady(ctx context.Context, within time.Duration) error {
	c := newClient(r.base, &tally{})
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if status, _, err := c.get("/readyz"); err == nil && status == 200 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errors.New("the web did not become ready")
}

// monitor is the load balancer's health check: /readyz every 100 ms.
func (r *run) monitor(ctx context.Context) {
	c := newClient(r.base, &tally{})
	for ctx.Err() == nil {
		status, _, err := c.get("/readyz")
		r.ready.Store(err == nil && status == 200)
		sleepCtx(ctx, 100*time.Millisecond)
	}
}

// inRotation tells whether the load balancer sends traffic to the web now.
func (r *run) inRotation() bool { return r.ready.Load() && !r.drain.Load() }

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// browse is a visitor reading the home, searches and ads.
func (r *run) browse(ctx context.Context, seed int) {
	rng := rand.New(rand.NewPCG(uint64(seed), 99))
	c := newClient(r.base, &r.tally)
	paths := []string{"/", "/motos", "/motos?marca=7", "/motos?estado=SP&ordem=menor_preco", "/motos?preco_min=10000&preco_max=60000",
		"/motos?q=honda", "/motos?pagina=2", "/sitemap.xml"}
	for ctx.Err() == nil {
		if !r.inRotation() {
			sleepCtx(ctx, 50*time.Millisecond)
			continue
		}
		c.get(paths[rng.IntN(len(paths))])
		r.mu.Lock()
		var id uint64
		for k, e := range r.ads {
			if !e.deleted && rng.IntN(4) == 0 {
				id = k
				break
			}
		}
		r.mu.Unlock()
		if id != 0 {
			c.get("/anuncio/" + strconv.FormatUint(id, 10))
		}
		sleepCtx(ctx, time.Duration(5+rng.IntN(20))*time.Millisecond)
	}
}

var (
	adCard   = regexp.MustCompile(`id="ad-(\d+)"`)
	tokenIn  = regexp.MustCompile(`name="fotos" value="([0-9a-f]{32})"`)
	imageRef = regexp.MustCompile(`name="fotos" value="(i\d+)"`)
)

// actionsPerAccount is how many ads a seller posts, edits or deletes before
// another person takes over: at most 2 photos an action stays below the
// site's limit of photos per account in a window, which a soak seller would
// otherwise reach within minutes.
const actionsPerAccount = 40

// sell is a succession of sellers, each signing up, then posting, editing
// and deleting ads.
func (r *run) sell(ctx context.Context, n int) {
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	var (
		email    string
		c        *client
		signedIn bool
		mine     []uint64
		actions  int
	)
	for ctx.Err() == nil {
		if !r.inRotation() {
			sleepCtx(ctx, 50*time.Millisecond)
			continue
		}
		if c == nil || actions == actionsPerAccount {
			// A new person arrives; the previous one's ads stay as they are.
			email = fmt.Sprintf("vendedor%d.%d@soak.example", n, time.Now().UnixNano())
			c, signedIn, mine, actions = newClient(r.base, &r.tally), false, nil, 0
		}
		if !signedIn {
			signedIn = r.signIn(c, email)
			continue
		}
		var ok bool
		switch k := rng.IntN(10); {
		case k < 5 || len(mine) == 0:
			var id uint64
			if id, ok = r.post(c, rng); ok {
				mine = append(mine, id)
			}
		case k < 8:
			ok = r.edit(c, rng, mine[rng.IntN(len(mine))])
		default:
			i := rng.IntN(len(mine))
			if ok = r.remove(c, mine[i]); ok {
				mine = slices.Delete(mine, i, i+1)
			}
		}
		if ok {
			actions++
		} else {
			// Most likely the session is gone (Redis restarted without its
			// data): sign in again.
			signedIn = false
		}
		sleepCtx(ctx, time.Duration(100+rng.IntN(300))*time.Millisecond)
	}
}

func (r *run) signIn(c *client, email string) bool {
	c.get("/cadastro")
	form := url.Values{"nome": {"Vendedor Soak"}, "email": {email}, "senha": {"soak cavalo bateria"},
		"senha_confirmacao": {"soak cavalo bateria"}, "telefone": {"11987654321"}, "estado": {"SP"}, "cidade": {"5136"}}
	if status, _, _ := c.post("/cadastro", form); c.redirectedTo(status, "/") {
		return true
	}
	c.get("/entrar")
	status, _, _ := c.post("/entrar", url.Values{"email": {email}, "senha": {"soak cavalo bateria"}})
	return c.redirectedTo(status, "/")
}

// adForm is a valid ad for brand 7 (Honda), model 77 (CB 300).
func adForm(price int64, refs []string) url.Values {
	return url.Values{"marca": {"7"}, "modelo": {"77"}, "ano_fabricacao": {"2020"}, "ano_modelo": {"2021"}, "km": {"12.000"},
		"placa": {"ABC1D23"}, "preco": {strconv.FormatInt(price/100, 10)}, "estado": {"SP"}, "cidade": {"5136"},
		"descricao": {"Moto do soak."}, "fotos": refs}
}

func (r *run) uploadPhotos(c *client, n int) ([]string, bool) {
	var tokens []string
	for range n {
		status, body, _ := c.upload("/anuncios/fotos", "foto", r.photo)
		m := tokenIn.FindStringSubmatch(body)
		if status != 200 || m == nil {
			return nil, false
		}
		tokens = append(tokens, m[1])
	}
	return tokens, true
}

func (r *run) post(c *client, rng *rand.Rand) (uint64, bool) {
	c.get("/anuncios/novo")
	tokens, ok := r.uploadPhotos(c, 1+rng.IntN(2))
	if !ok {
		return 0, false
	}
	price := int64(8_000+rng.IntN(40_000)) * 100
	if status, _, _ := c.post("/anuncios/novo", adForm(price, tokens)); !c.redirectedTo(status, "/meus-anuncios") {
		return 0, false
	}
	status, body, _ := c.get("/meus-anuncios")
	m := adCard.FindStringSubmatch(body)
	if status != 200 || m == nil {
		return 0, false
	}
	id, _ := strconv.ParseUint(m[1], 10, 64)
	r.mu.Lock()
	r.ads[id] = &expected{price: price, photos: len(tokens)}
	r.summary.AdsPosted++
	r.mu.Unlock()
	return id, true
}

func (r *run) edit(c *client, rng *rand.Rand, id uint64) bool {
	path := "/anuncios/" + strconv.FormatUint(id, 10) + "/editar"
	status, body, _ := c.get(path)
	if status != 200 {
		return false
	}
	var refs []string
	for _, m := range imageRef.FindAllStringSubmatch(body, -1) {
		refs = append(refs, m[1])
	}
	if rng.IntN(3) == 0 && len(refs) < 4 {
		tokens, ok := r.uploadPhotos(c, 1)
		if !ok {
			return false
		}
		refs = append(refs, tokens...)
	} else if len(refs) > 1 && rng.IntN(3) == 0 {
		refs = refs[1:]
	}
	price := int64(8_000+rng.IntN(40_000)) * 100
	if status, _, _ := c.post(path, adForm(price, refs)); !c.redirectedTo(status, "/meus-anuncios") {
		return false
	}
	r.mu.Lock()
	r.ads[id].price, r.ads[id].photos = price, len(refs)
	r.summary.Edits++
	r.mu.Unlock()
	return true
}

func (r *run) remove(c *client, id uint64) bool {
	path := "/anuncios/" + strconv.FormatUint(id, 10) + "/excluir"
	c.get(path)
	if status, _, _ := c.post(path, url.Values{}); !c.redirectedTo(status, "/meus-anuncios") {
		return false
	}
	r.mu.Lock()
	r.ads[id].deleted = true
	r.summary.Deletes++
	r.mu.Unlock()
	return true
}

// chaos kills the worker every KillEvery (starting a new one) and restarts
// Redis once, halfway.
func (r *run) chaos(ctx context.Context) {
	tick := time.NewTicker(r.o.KillEvery)
	defer tick.Stop()
	redisAt := time.After(r.o.Duration / 2)
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			r.worker.kill()
			err := r.startWorker()
			r.mu.Lock()
			r.summary.WorkerKills++
			if err != nil {
				r.summary.Problems = append(r.summary.Problems, "restart worker: "+err.Error())
			}
			r.mu.Unlock()
			r.logf("worker killed and restarted")
		case <-redisAt:
			// The load balancer drains the web while its /readyz fails.
			r.drain.Store(true)
			r.redis.kill()
			sleepCtx(ctx, time.Second)
			p, err := r.startRedis(r.redisPort)
			r.mu.Lock()
			if err != nil {
				r.summary.Problems = append(r.summary.Problems, "restart Redis: "+err.Error())
			} else {
				r.redis = p
				r.summary.RedisRestarts++
			}
			r.mu.Unlock()
			r.waitReady(ctx, 30*time.Second)
			r.drain.Store(false)
			r.logf("Redis restarted")
		}
	}
}

// settle waits, with a worker running, until no ad waits for the worker.
func (r *run) settle(ctx context.Context) error {
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		var pending int
		err := r.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM classifiedad WHERE status IN ('new', 'update', 'delete')").Scan(&pending)
		if err == nil && pending == 0 {
			return nil
		}
		sleepCtx(ctx, 500*time.Millisecond)
	}
	return errors.New("ads still waiting for the worker 3 minutes after the load stopped")
}

// check compares every ad with what its last action asked for, and the
// buckets with the rows.
func (r *run) check() {
	for id, want := range r.ads {
		r.summary.Checked++
		r.checkAd(id, want)
	}
	r.checkTemporary()
}

// problem counts a lost ad or object, and keeps the first 20
// descriptions.
func (r *run) problem(format string, args ...any) {
	r.summary.Lost++
	if len(r.summary.Problems) < 20 {
		r.summary.Problems = append(r.summary.Problems, fmt.Sprintf(format, args...))
	}
}

// checkAd compares an ad's row and photos with what its last action asked
// for: gone, or published at the price with its photos.
func (r *run) checkAd(id uint64, want *expected) {
	var status, price string
	var listed bool
	err := r.db.QueryRow("SELECT status, price, listed FROM classifiedad WHERE id = ?", id).Scan(&status, &price, &listed)
	if want.deleted {
		if !errors.Is(err, sql.ErrNoRows) {
			r.problem("ad %d: deleted, but its row is still there (%s)", id, status)
		}
		return
	}
	if err != nil {
		r.problem("ad %d: %v", id, err)
		return
	}
	cents := parseDecimal(price)
	if status != "published" || !listed || cents != want.price {
		r.problem("ad %d: %s, listed %v, price %d; want published at %d", id, status, listed, cents, want.price)
		return
	}
	r.checkPhotos(id, want.photos)
}

// checkPhotos checks that an ad has as many ready photos as wanted, each
// variant in the public bucket.
func (r *run) checkPhotos(id uint64, want int) {
	rows, err := r.db.Query("SELECT thumb_key, large_key FROM classifiedad_images WHERE classifiedad_id = ? AND status = 'ready'", id)
	if err != nil {
		r.problem("ad %d: images: %v", id, err)
		return
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var thumb, large string
		rows.Scan(&thumb, &large)
		n++
		for _, k := range []string{thumb, large} {
			if _, err := os.Stat(filepath.Join(r.data, "buckets", "img", filepath.FromSlash(k))); err != nil {
				r.problem("ad %d: photo %s missing from the public bucket", id, k)
			}
		}
	}
	if n != want {
		r.problem("ad %d: %d photos ready, want %d", id, n, want)
	}
}

// checkTemporary checks that no temporary object outlives its upload:
// each left is an upload never attached to an ad, or a kept form.
func (r *run) checkTemporary() {
	unused := r.unusedUploads()
	tmp := filepath.Join(r.data, "buckets", "tmp")
	filepath.WalkDir(tmp, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(tmp, p)
		// A form sent after its session ended (Redis restarted) is kept
		// under drafts/ for its author to come back to; the sweep of the
		// temporary bucket collects those nobody came back for.
		if strings.HasPrefix(filepath.ToSlash(rel), "drafts/") {
			return nil
		}
		if !unused[filepath.ToSlash(rel)] {
			r.problem("temporary object %s left behind", rel)
		}
		return nil
	})
}

// unusedUploads returns the temporary keys of the uploads never attached
// to an ad.
func (r *run) unusedUploads() map[string]bool {
	unused := map[string]bool{}
	rows, err := r.db.Query("SELECT tmp_key FROM photo_uploads WHERE used_at IS NULL")
	if err != nil {
		return unused
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		rows.Scan(&k)
		unused[k] = true
	}
	return unused
}

func parseDecimal(s string) int64 {
	whole, frac, _ := strings.Cut(s, ".")
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	return w*100 + f
}

// testPhoto is a small photo-like JPEG.
func testPhoto() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := range 480 {
		for x := range 640 {
			img.SetRGBA(x, y, color.RGBA{uint8(x / 3), uint8(y / 2), 120, 255})
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	return buf.Bytes()
}
