package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"motando/fixtures/demo"
	"motando/models"
	"motando/models/modelstest"
	"motando/photo/phototest"
)

const chromiumPath = "/usr/bin/chromium"

// newBrowser starts a headless Chromium for the test, or skips (fails under
// CI) when there is none.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		modelstest.Require(t, chromiumPath)
		t.Skip("Chromium is not installed at " + chromiumPath)
	}
	// The profile is not a t.TempDir: Chromium's helper processes may still
	// write into it for a moment after the browser exits.
	profile, err := os.MkdirTemp("", "motando-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 1000),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithErrorf(chromedpErrorf))
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		chromedp.Cancel(ctx) // closes the browser and waits for it
		cancelTimeout()
		cancel()
		cancelAlloc()
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("Chromium profile %s left behind", profile)
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// chromedpErrorf logs chromedp's errors but for the events of this
// Chromium that its protocol package does not know ("unhandled node event
// *dom.EventTopLayerElem"): nothing the tests use.
func chromedpErrorf(format string, args ...any) {
	if strings.HasPrefix(format, "unhandled ") {
		return
	}
	log.Printf("ERROR: "+format, args...)
}

// browse runs chromedp actions, failing the test with the step's name.
func browse(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action) {
	t.Helper()
	stepCtx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	if err := chromedp.Run(stepCtx, actions...); err != nil {
		var html, errs string
		chromedp.Run(ctx, chromedp.OuterHTML("#photo-list, main", &html, chromedp.ByQuery),
			chromedp.Evaluate(`[...document.querySelectorAll(".field-error, .form-error")].map(e => e.textContent).join(" | ")`, &errs))
		t.Fatalf("%s: %v\nerrors on the page: %s\n%.2000s", step, err, errs, html)
	}
}

// scenePhoto draws a landscape photo with a red block in its top-left
// corner, as JPEG.
func scenePhoto(t *testing.T, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(60 + x*120/w), uint8(90 + y*100/h), 140, 255}
			if x < w/4 && y < h/4 {
				c = color.RGBA{230, 20, 20, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A newcomer signs up, posts an ad with three photos (one shot sideways on
// a phone, with GPS), watches the uploads, lands on "Meus anúncios" and
// sees "Publicando…" turn into "Publicado" without reloading; the public ad
// shows the photos in the chosen order, upright, with no EXIF.
func TestBrowserPostAnAd(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	site := startMotando(t, dir, []string{"MOTANDO_ADDR=" + addr, "MOTANDO_RECONCILE_INTERVAL=1s"})
	defer site.stop()
	base := "http://" + addr
	waitForPage(t, base+"/")

	files := []string{filepath.Join(dir, "lateral.jpg"), filepath.Join(dir, "celular.jpg"), filepath.Join(dir, "painel.jpg")}
	os.WriteFile(files[0], scenePhoto(t, 800, 600), 0o644)
	os.WriteFile(files[1], phototest.AddExif(scenePhoto(t, 800, 600), 6, &phototest.GPS{Lat: -23.5614, Lon: -46.6559}), 0o644)
	os.WriteFile(files[2], scenePhoto(t, 640, 480), 0o644)

	browse(t, ctx, "sign up",
		chromedp.Navigate(base+"/cadastro"),
		chromedp.SendKeys("#f-nome", "Carla Mendes", chromedp.ByQuery),
		chromedp.SendKeys("#f-email", "carla@exemplo.com.br", chromedp.ByQuery),
		chromedp.SendKeys("#f-senha", "vento sul amarelo", chromedp.ByQuery),
		chromedp.SendKeys("#f-senha_confirmacao", "vento sul amarelo", chromedp.ByQuery),
		chromedp.SendKeys("#f-telefone", "(41) 99876-5432", chromedp.ByQuery),
	)
	browse(t, ctx, "choose the state and see its cities",
		chromedp.Poll(`typeof htmx !== "undefined"`, nil),
		chromedp.Evaluate(`(() => { const s = document.querySelector("#f-estado"); s.value = "PR"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`, nil),
		chromedp.Poll(`[...document.querySelectorAll("#f-cidade option")].some(o => o.text === "Curitiba") && `+htmxIdle, nil),
		chromedp.Evaluate(`(() => { const s = document.querySelector("#f-cidade"); s.value = [...s.options].find(o => o.text === "Curitiba").value; })()`, nil),
		chromedp.Poll(`document.querySelector("#f-cidade").selectedOptions[0].text === "Curitiba"`, nil),
	)
	browse(t, ctx, "submit the sign-up",
		chromedp.Click(`form[action="/cadastro"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//a[contains(., "Olá, Carla")]`),
	)

	var uploaded int
	browse(t, ctx, "choose brand, model and version",
		chromedp.Navigate(base+"/anuncios/novo"),
		chromedp.WaitVisible("#f-marca", chromedp.ByQuery),
		chromedp.Evaluate(`(() => { const s = document.querySelector("#f-marca"); s.value = [...s.options].find(o => o.text === "Yamaha").value; s.dispatchEvent(new Event("change", {bubbles: true})); })()`, nil),
		chromedp.Poll(`[...document.querySelectorAll("#f-modelo option")].some(o => o.text === "MT-07")`, nil),
		chromedp.Evaluate(`(() => { const s = document.querySelector("#f-modelo"); s.value = [...s.options].find(o => o.text === "MT-07").value; s.dispatchEvent(new Event("change", {bubbles: true})); })()`, nil),
		chromedp.Poll(`document.querySelectorAll("#f-versao option").length > 1`, nil),
		chromedp.Evaluate(`document.querySelector("#f-versao").selectedIndex = 1`, nil),
	)
	browse(t, ctx, "fill the fields",
		chromedp.SendKeys("#f-ano_fabricacao", "2021", chromedp.ByQuery),
		chromedp.SendKeys("#f-ano_modelo", "2022", chromedp.ByQuery),
		chromedp.SendKeys("#f-km", "8.300", chromedp.ByQuery),
		chromedp.SendKeys("#f-placa", "BRA2E19", chromedp.ByQuery),
		chromedp.SendKeys("#f-preco", "44.900,00", chromedp.ByQuery),
		chromedp.SendKeys("#f-frase", "Revisões em dia", chromedp.ByQuery),
	)
	var sawProgress bool
	browse(t, ctx, "upload three photos",
		chromedp.Evaluate(`window.__bars = 0; new MutationObserver(() => { window.__bars = Math.max(window.__bars, document.querySelectorAll("#photo-list progress").length); }).observe(document.querySelector("#photo-list"), {childList: true, subtree: true}); true`, nil),
		chromedp.SetUploadFiles("#f-arquivos", files, chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll('#photo-list input[name="fotos"]').length === 3`, nil, chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Evaluate(`document.querySelectorAll('#photo-list img').length`, &uploaded),
		chromedp.Evaluate(`window.__bars === 3`, &sawProgress),
	)
	if !sawProgress {
		t.Error("the three uploads did not each show a progress bar")
	}
	if uploaded != 3 {
		t.Fatalf("%d previews after the uploads", uploaded)
	}
	// Make the third photo the cover, then submit.
	browse(t, ctx, "reorder and submit",
		chromedp.Click(`#photo-list li:nth-child(3) button[data-move="-1"]`, chromedp.ByQuery),
		chromedp.Click(`#photo-list li:nth-child(2) button[data-move="-1"]`, chromedp.ByQuery),
		chromedp.Click(`button[data-submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//h1[.="Meus anúncios"]`),
		chromedp.Evaluate(`window.__notReloaded = true`, nil),
	)
	var badge string
	browse(t, ctx, "the badge turns published without a reload",
		chromedp.Text(`.my-ad .badge`, &badge, chromedp.ByQuery),
		chromedp.WaitVisible(`//span[contains(@class,"badge") and .="Publicado"]`),
		chromedp.Poll(`window.__notReloaded === true`, nil, chromedp.WithPollingTimeout(time.Second)),
	)
	if badge != "Publicando…" && badge != "Publicado" {
		t.Errorf("first badge %q", badge)
	}

	var bigs []string
	var sizes [][]float64
	browse(t, ctx, "the public ad shows the photos in order",
		chromedp.Click(`.my-ad h3 a`, chromedp.ByQuery),
		chromedp.WaitVisible(`.gallery-main img`, chromedp.ByQuery),
		chromedp.Poll(`document.querySelector(".gallery-main img").complete`, nil),
		chromedp.Evaluate(`[...document.querySelectorAll(".gallery-thumbs a")].map(a => a.dataset.large)`, &bigs),
		chromedp.Evaluate(`Promise.all([...document.querySelectorAll(".gallery-thumbs a")].map(a => new Promise(r => { const i = new Image(); i.onload = () => r([i.naturalWidth, i.naturalHeight]); i.src = a.dataset.large; })))`, &sizes,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
	)
	if len(sizes) != 3 {
		t.Fatalf("gallery sizes: %v", sizes)
	}
	// Chosen order: painel (640×480), lateral (800×600), celular (upright: 600×800).
	want := [][]float64{{640, 480}, {800, 600}, {600, 800}}
	for i := range want {
		if sizes[i][0] != want[i][0] || sizes[i][1] != want[i][1] {
			t.Errorf("photo %d is %v, want %v", i+1, sizes[i], want[i])
		}
	}
	for _, u := range bigs {
		resp, err := http.Get(base + u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if bytes.Contains(body, []byte("Exif")) || bytes.Contains(body, []byte("GPS")) {
			t.Errorf("%s carries EXIF", u)
		}
	}
	var title string
	browse(t, ctx, "title", chromedp.Text("h1", &title, chromedp.ByQuery))
	if !strings.Contains(title, "Yamaha MT-07") {
		t.Errorf("ad title %q", title)
	}
}

// htmxIdle holds when no htmx request is in flight.
const htmxIdle = `document.querySelector(".htmx-request") === null`

// cardIDs reads the ad ids of the result cards, in order.
const cardIDs = `[...document.querySelectorAll("#resultados .card a")].map(a => a.getAttribute("href").split("/")[2]).join(",")`

// Typing in the search updates the results and the URL; Back shows the
// previous results again; without JavaScript the same search returns the
// same ads.
func TestBrowserSearch(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	env := []string{"MOTANDO_ADDR=" + addr}
	if err := <-startMotando(t, dir, env, "seed", "--bulk", "150", "--seed", "3").done; err != nil {
		t.Fatalf("seed: %v", err)
	}
	site := startMotando(t, dir, env)
	defer site.stop()
	base := "http://" + addr
	waitForPage(t, base+"/")

	var allCount, hondaCount, hondaIDs, url1, url2, restored string
	browse(t, ctx, "open the listing",
		chromedp.Navigate(base+"/motos"),
		chromedp.Poll(`typeof htmx !== "undefined"`, nil),
		chromedp.Text(".count strong", &allCount, chromedp.ByQuery),
	)
	browse(t, ctx, "type a brand in the search",
		chromedp.SendKeys("#f-q", "honda", chromedp.ByQuery),
		chromedp.Poll(`location.search.includes("q=honda") && `+htmxIdle, nil),
		chromedp.Poll(`document.querySelector(".count strong").textContent !== "`+allCount+`"`, nil),
		chromedp.Sleep(700*time.Millisecond),
		chromedp.Poll(htmxIdle, nil),
		chromedp.Text(".count strong", &hondaCount, chromedp.ByQuery),
		chromedp.Evaluate(cardIDs, &hondaIDs),
		chromedp.Evaluate(`location.href`, &url1),
	)
	if !strings.Contains(hondaIDs, ",") {
		t.Fatalf("no Honda results: %q", hondaIDs)
	}
	browse(t, ctx, "order by price",
		chromedp.Evaluate(`(() => { const s = document.querySelector("#f-ordem"); s.value = "menor_preco"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`, nil),
		chromedp.Poll(`location.search.includes("ordem=menor_preco") && `+htmxIdle, nil),
		chromedp.Evaluate(`location.href`, &url2),
	)
	browse(t, ctx, "Back restores the previous results",
		chromedp.NavigateBack(),
		chromedp.Poll(`location.href === "`+url1+`"`, nil),
		chromedp.Poll(`document.querySelector(".count strong") && `+cardIDs+` === "`+hondaIDs+`"`, nil),
		chromedp.Evaluate(cardIDs, &restored),
	)
	if restored != hondaIDs || url1 == url2 {
		t.Errorf("after Back: %s (%s), want %s", restored, url1, hondaIDs)
	}

	// The same search without JavaScript, through the form.
	noJS, cancel := chromedp.NewContext(ctx)
	defer cancel()
	var plainIDs, plainURL string
	browse(t, noJS, "search without JavaScript",
		emulation.SetScriptExecutionDisabled(true),
		chromedp.Navigate(base+"/motos"),
		chromedp.SendKeys("#f-q", "honda", chromedp.ByQuery),
		chromedp.Click(`.search-filters button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.chips`, chromedp.ByQuery), // only the results of a search have chips
		chromedp.WaitVisible(`#contagem`, chromedp.ByQuery),
		chromedp.Evaluate(`location.href`, &plainURL),
		chromedp.Evaluate(cardIDs, &plainIDs),
	)
	if plainIDs != hondaIDs || !strings.Contains(plainURL, "q=honda") {
		t.Errorf("without JavaScript: %s at %s, want %s", plainIDs, plainURL, hondaIDs)
	}
}

// An anonymous buyer writes about an ad; the seller sees the unread badge,
// opens the conversation and replies in place; the buyer's e-mail carries
// the reply and the private link.
func TestBrowserSellerReplies(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	env := []string{"MOTANDO_ADDR=" + addr}
	if err := <-startMotando(t, dir, env, "seed", "--ads", "1", "--seed", "5").done; err != nil {
		t.Fatalf("seed: %v", err)
	}
	db, err := models.OpenSQLite(filepath.Join(dir, "data", "motando.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ad models.Ad
	if err := db.Where("listed = ?", true).First(&ad).Error; err != nil {
		t.Fatal(err)
	}
	seller, _ := db.UserByID(context.Background(), ad.UserID)
	accounts, _ := demo.Accounts()
	password := ""
	for _, a := range accounts {
		if a.Email == seller.Email {
			password = a.Password
		}
	}
	site := startMotando(t, dir, env)
	defer site.stop()
	base := "http://" + addr
	waitForPage(t, base+"/")

	adPage := base + "/anuncio/" + strconv.FormatUint(ad.ID, 10)
	buyer, cancelBuyer := chromedp.NewContext(ctx)
	defer cancelBuyer()
	var sent string
	browse(t, buyer, "an anonymous buyer writes",
		chromedp.Navigate(adPage),
		chromedp.WaitVisible("#contato", chromedp.ByQuery),
		chromedp.SendKeys("#contato #f-nome", "Rafael Souza", chromedp.ByQuery),
		chromedp.SendKeys("#contato #f-email", "rafael.souza@exemplo.com", chromedp.ByQuery),
		chromedp.Click(`#contato button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//p[contains(., "Mensagem enviada")]`),
		chromedp.Text(`p.notice`, &sent, chromedp.ByQuery),
	)

	var thread string
	browse(t, ctx, "the seller signs in and sees the unread badge",
		chromedp.Navigate(base+"/entrar"),
		chromedp.SendKeys("#f-email", seller.Email, chromedp.ByQuery),
		chromedp.SendKeys("#f-senha", password, chromedp.ByQuery),
		chromedp.Click(`form[action="/entrar"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`//a[@href="/mensagens"]/span/span[contains(@class, "badge") and .="1"]`),
	)
	browse(t, ctx, "open the conversation and reply in place",
		chromedp.Click(`a[href="/mensagens"]`, chromedp.ByQuery),
		chromedp.Click(`.conversations a`, chromedp.ByQuery),
		chromedp.WaitVisible(`//li[contains(@class,"message")]//p[contains(., "Tenho interesse")]`),
		chromedp.Evaluate(`window.__notReloaded = true`, nil),
		chromedp.SendKeys("#f-resposta", "Está sim! Pode vir ver no sábado.", chromedp.ByQuery),
		chromedp.Click(`#thread button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//li[contains(@class,"mine")]//p[contains(., "Pode vir ver no sábado.")]`),
		chromedp.Poll(`window.__notReloaded === true`, nil, chromedp.WithPollingTimeout(time.Second)),
		chromedp.Text("#thread", &thread, chromedp.ByQuery),
	)
	var mail models.Email
	if err := db.Where("to_addr = ?", "rafael.souza@exemplo.com").First(&mail).Error; err != nil {
		t.Fatalf("no e-mail to the buyer: %v", err)
	}
	if !strings.Contains(mail.Body, "Pode vir ver no sábado.") || !strings.Contains(mail.Body, "/conversa/") {
		t.Errorf("buyer e-mail: %s", mail.Body)
	}
}
