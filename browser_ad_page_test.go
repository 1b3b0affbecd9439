package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"motando/models"
)

// adPageFixture is the ad the page test opens and what it may show beside it.
type adPageFixture struct {
	ad      models.Ad
	similar map[uint64]bool
	phone   string
}

// seedAdPage fills the site in dir with published ads and picks one with
// three photos whose model has other ads near its price; its seller shows
// the phone and takes WhatsApp.
func seedAdPage(t *testing.T, dir string, env []string) adPageFixture {
	t.Helper()
	if err := <-startMotando(t, dir, env, "seed", "--bulk", "400", "--seed", "11").done; err != nil {
		t.Fatalf("seed: %v", err)
	}
	db, err := models.OpenSQLite(filepath.Join(dir, "data", "motando.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ads []models.Ad
	if err := db.Where("listed = ?", true).Order("id").Find(&ads).Error; err != nil {
		t.Fatal(err)
	}
	var photos []struct {
		AdID uint64 `gorm:"column:classifiedad_id"`
		N    int
	}
	if err := db.Model(&models.Image{}).Select("classifiedad_id, COUNT(*) AS n").Group("classifiedad_id").Scan(&photos).Error; err != nil {
		t.Fatal(err)
	}
	three := map[uint64]bool{}
	for _, p := range photos {
		three[p.AdID] = p.N == 3
	}
	near := func(a, b *models.Ad) bool {
		d := int64(a.Price) - int64(b.Price)
		return a.ID != b.ID && d*100 <= int64(b.Price)*40 && -d*100 <= int64(b.Price)*40
	}
	var f adPageFixture
	for i := range ads {
		ad := &ads[i]
		if !three[ad.ID] || !slices.ContainsFunc(ads, func(o models.Ad) bool { return o.ModelID == ad.ModelID && near(&o, ad) }) {
			continue
		}
		f.ad, f.similar = *ad, map[uint64]bool{}
		for _, o := range ads {
			if o.BrandID == ad.BrandID && near(&o, ad) {
				f.similar[o.ID] = true
			}
		}
		break
	}
	if f.ad.ID == 0 {
		t.Fatal("no ad with three photos and a like ad in the demo data")
	}
	f.phone = "11987654321"
	if err := db.Model(&models.Profile{}).Where("user_id = ?", f.ad.UserID).Updates(map[string]any{
		"telephone": f.phone, "show_telephone_classifiedad": true, "authz_whatsapp": true}).Error; err != nil {
		t.Fatal(err)
	}
	return f
}

// On a phone and on the desktop, a buyer opens an ad: the main photo opens
// the lightbox, a swipe and the right arrow move to the next photos, Escape
// closes it and gives the focus back to the photo; the phone keeps the
// contact bar (message, WhatsApp with a first message naming the ad, call)
// at the bottom without hiding the page's end; "Motos parecidas" lists
// other ads like it and never the ad itself; nothing scrolls sideways, and
// axe-core finds nothing wrong with the lightbox open. A photo opened on
// its own shows in Chromium's image viewer as it was meant to.
func TestBrowserAdPage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	addr := freeAddr(t)
	env := []string{"MOTANDO_ADDR=" + addr}
	f := seedAdPage(t, dir, env)
	site := startMotando(t, dir, env)
	defer site.stop()
	base := "http://" + addr
	waitForPage(t, base+"/")
	axeJS, axeErr := os.ReadFile(axePath)

	for _, size := range screenSizes {
		t.Run(size.name, func(t *testing.T) {
			tab := newBrowser(t)
			logs := &consoleLog{}
			logs.listen(tab)
			var title string
			browse(t, tab, "open the ad",
				size.emulate(),
				chromedp.Navigate(base+"/anuncio/"+strconv.FormatUint(f.ad.ID, 10)),
				chromedp.Poll(`document.readyState === "complete" && typeof PhotoSwipe === "function"`, nil),
				chromedp.Poll(`document.querySelector(".gallery-main img").complete`, nil),
				chromedp.Evaluate(`document.querySelector("h1").firstChild.textContent.trim()`, &title),
			)
			checkAdPageLayout(t, tab, size)
			screenshot(t, tab, "adpage-"+size.name+".png", true)

			checkLightbox(t, tab, size, axeJS, axeErr)
			checkSimilar(t, tab, f)
			if size.mobile {
				checkContactBar(t, tab, f, title)
			} else {
				var hidden bool
				browse(t, tab, "no contact bar on the desktop", chromedp.Evaluate(`getComputedStyle(document.querySelector(".contact-bar")).display === "none"`, &hidden))
				if !hidden {
					t.Error("the contact bar shows on the desktop")
				}
			}
			for _, line := range logs.take() {
				t.Errorf("console: %s", line)
			}
		})
	}

	t.Run("photo-alone", func(t *testing.T) {
		tab := newBrowser(t)
		logs := &consoleLog{}
		logs.listen(tab)
		var large string
		var centred bool
		browse(t, tab, "find the large photo",
			chromedp.Navigate(base+"/anuncio/"+strconv.FormatUint(f.ad.ID, 10)),
			chromedp.Evaluate(`document.querySelector(".gallery-main").getAttribute("href")`, &large),
		)
		if !strings.HasPrefix(large, "/media/") {
			t.Fatalf("the main photo links to %q", large)
		}
		browse(t, tab, "open the large photo by itself",
			emulation.SetDeviceMetricsOverride(1366, 600, 1, false),
			chromedp.Navigate(base+large),
			chromedp.Poll(`document.images.length === 1 && document.images[0].complete`, nil),
			// Chromium's viewer centres the photo, fitted to the window's
			// height, with inline styles of its own.
			chromedp.Evaluate(`getComputedStyle(document.images[0]).marginLeft !== "0px"`, &centred),
		)
		if !centred {
			t.Error("the photo opened by itself lost the image viewer's styles")
		}
		for _, line := range logs.take() {
			t.Errorf("console: %s", line)
		}
	})
}

// checkAdPageLayout: nothing reaches past the window's edge.
func checkAdPageLayout(t *testing.T, tab context.Context, size screenSize) {
	t.Helper()
	var r pageReport
	browse(t, tab, "measure", chromedp.Evaluate(overflowScript, &r))
	if r.ScrollWidth > r.InnerWidth {
		t.Errorf("at %s the page scrolls sideways (%d > %d): %s", size.name, r.ScrollWidth, r.InnerWidth, strings.Join(r.Wide, ", "))
	}
}

// counterIs holds when the lightbox shows photo n of 3.
func counterIs(n int) string {
	return `document.querySelector(".pswp__counter") && document.querySelector(".pswp__counter").textContent === "` + strconv.Itoa(n) + ` de 3"`
}

// checkLightbox opens the lightbox from the main photo, swipes to the
// second photo, goes to the third with the right arrow, zooms in and
// closes with Escape.
func checkLightbox(t *testing.T, tab context.Context, size screenSize, axeJS []byte, axeErr error) {
	t.Helper()
	var width, height float64
	browse(t, tab, "open the lightbox from the main photo",
		chromedp.Click(".gallery-main img", chromedp.ByQuery),
		chromedp.WaitVisible(".pswp--open", chromedp.ByQuery),
		chromedp.Poll(counterIs(1), nil),
		// The opening animation ends with the backdrop fully shown.
		chromedp.Poll(`getComputedStyle(document.querySelector(".pswp__bg")).opacity === "1"`, nil),
		chromedp.Evaluate(`innerWidth`, &width),
		chromedp.Evaluate(`innerHeight`, &height),
	)
	// A finger (or the mouse) drags the photo from right to left.
	from, to, y := width*0.8, width*0.15, height/2
	var swipe chromedp.Tasks
	if size.mobile {
		swipe = append(swipe, input.DispatchTouchEvent(input.TouchStart, []*input.TouchPoint{{X: from, Y: y}}))
		for i := 1; i <= 8; i++ {
			swipe = append(swipe, input.DispatchTouchEvent(input.TouchMove, []*input.TouchPoint{{X: from + (to-from)*float64(i)/8, Y: y}}))
		}
		swipe = append(swipe, input.DispatchTouchEvent(input.TouchEnd, []*input.TouchPoint{}))
	} else {
		swipe = append(swipe, input.DispatchMouseEvent(input.MouseMoved, from, y),
			input.DispatchMouseEvent(input.MousePressed, from, y).WithButton(input.Left).WithButtons(1).WithClickCount(1))
		for i := 1; i <= 8; i++ {
			swipe = append(swipe, input.DispatchMouseEvent(input.MouseMoved, from+(to-from)*float64(i)/8, y).WithButton(input.Left).WithButtons(1))
		}
		swipe = append(swipe, input.DispatchMouseEvent(input.MouseReleased, to, y).WithButton(input.Left).WithClickCount(1))
	}
	browse(t, tab, "swipe to the second photo", swipe, chromedp.Poll(counterIs(2), nil))
	browse(t, tab, "the right arrow shows the third photo",
		chromedp.KeyEvent(kb.ArrowRight),
		chromedp.Poll(counterIs(3), nil),
	)
	if axeErr == nil {
		var violations []axeViolation
		browse(t, tab, "axe-core with the lightbox open",
			chromedp.Evaluate(string(axeJS)+"\n;true", nil),
			chromedp.Evaluate(axeScript, &violations, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
		)
		for _, v := range violations {
			nodes, _ := json.Marshal(v.Nodes)
			t.Errorf("axe %s (%s): %s\n\t%s", v.ID, v.Impact, v.Help, nodes)
		}
	}
	screenshot(t, tab, "adpage-lightbox-"+size.name+".png", false)
	browse(t, tab, "the zoom button zooms in",
		chromedp.Click(".pswp__button--zoom", chromedp.ByQuery),
		chromedp.WaitVisible(".pswp--zoomed-in", chromedp.ByQuery),
	)

	var focusOnPhoto bool
	var shown string
	browse(t, tab, "Escape closes the lightbox",
		chromedp.KeyEvent(kb.Escape),
		chromedp.Poll(`document.querySelector(".pswp") === null`, nil),
		chromedp.Evaluate(`document.activeElement === document.querySelector(".gallery-main")`, &focusOnPhoto),
		chromedp.Evaluate(`document.querySelector(".gallery-thumbs a[aria-current=true]").dataset.index`, &shown),
	)
	if !focusOnPhoto {
		t.Error("after Escape the focus is not back on the main photo")
	}
	if shown != "2" {
		t.Errorf("after the lightbox the page shows photo %s, want the third (2)", shown)
	}
}

// checkSimilar: "Motos parecidas" lists other ads of the brand near the
// price, the same model first, never the ad itself.
func checkSimilar(t *testing.T, tab context.Context, f adPageFixture) {
	t.Helper()
	var hrefs []string
	browse(t, tab, "read the similar ads",
		chromedp.Evaluate(`[...document.querySelectorAll(".similar h2 + .cards .card a")].map(a => a.getAttribute("href"))`, &hrefs),
	)
	if len(hrefs) == 0 || len(hrefs) > 6 {
		t.Fatalf("%d similar ads, want 1 to 6", len(hrefs))
	}
	for _, h := range hrefs {
		id, _ := strconv.ParseUint(strings.Split(h, "/")[2], 10, 64)
		if id == f.ad.ID {
			t.Errorf("the ad itself is among the similar ones: %s", h)
		} else if !f.similar[id] {
			t.Errorf("%s is not of the same brand near the price", h)
		}
	}
}

// checkContactBar: on the phone the bar sits at the bottom with its three
// links, the page's end shows above it, and "Mensagem" reaches the form.
func checkContactBar(t *testing.T, tab context.Context, f adPageFixture, title string) {
	t.Helper()
	var bar struct {
		Fixed              bool
		Bottom, Height     float64
		Message, WA, Phone string
	}
	browse(t, tab, "read the contact bar",
		chromedp.Evaluate(`(() => { const b = document.querySelector(".contact-bar"), r = b.getBoundingClientRect();
			const href = t => { const a = [...b.querySelectorAll("a")].find(a => a.textContent.trim() === t); return a ? a.href : ""; };
			return {Fixed: getComputedStyle(b).position === "fixed", Bottom: innerHeight - r.bottom, Height: r.height,
				Message: href("Mensagem"), WA: href("WhatsApp"), Phone: href("Ligar")}; })()`, &bar),
	)
	if !bar.Fixed || bar.Bottom > 1 || bar.Height < 44 {
		t.Errorf("contact bar not fixed at the bottom: %+v", bar)
	}
	// The WhatsApp and phone buttons go through the site, which counts the
	// tap for the seller's statistics and sends the browser on.
	bar.Phone, bar.WA = tapTarget(t, bar.Phone), tapTarget(t, bar.WA)
	if !strings.HasSuffix(bar.Message, "#contato") || bar.Phone != "tel:+55"+f.phone {
		t.Errorf("contact bar links: %+v", bar)
	}
	wa, err := url.Parse(bar.WA)
	if err != nil || wa.Host != "wa.me" || wa.Path != "/55"+f.phone || !strings.Contains(wa.Query().Get("text"), title) {
		t.Errorf("WhatsApp link %q does not name the ad %q", bar.WA, title)
	}
	var endVisible bool
	browse(t, tab, "the page's end shows above the bar; Mensagem reaches the form",
		chromedp.Evaluate(`scrollTo(0, document.documentElement.scrollHeight); true`, nil),
		chromedp.Poll(`innerHeight + scrollY >= document.documentElement.scrollHeight - 1`, nil),
		chromedp.Evaluate(`document.querySelector(".site-footer").getBoundingClientRect().bottom <= document.querySelector(".contact-bar").getBoundingClientRect().top + 1`, &endVisible),
		chromedp.Click(`.contact-bar a[href="#contato"]`, chromedp.ByQuery),
		chromedp.Poll(`location.hash === "#contato"`, nil),
	)
	if !endVisible {
		t.Error("the contact bar hides the end of the page")
	}
	var formTop float64
	browse(t, tab, "where the form is", chromedp.Evaluate(`document.querySelector("#contato").getBoundingClientRect().top`, &formTop))
	if formTop < -1 || formTop > 844/2 {
		t.Errorf("Mensagem leaves the contact form at %.0f px from the top", formTop)
	}
}

// tapTarget is where a contact button's address sends the browser.
func tapTarget(t *testing.T, href string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, href, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Errorf("%s: %d, want 302", href, resp.StatusCode)
	}
	return resp.Header.Get("Location")
}
