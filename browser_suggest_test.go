package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"motando/models"
)

// makeListedAs turns n listed ads of the site in dir, from the offset-th,
// into ads of the brand's model (and its first version), and returns how
// many listed ads that model has.
func makeListedAs(t *testing.T, dir, brand, model string, offset, n int) (models.Model, int64) {
	t.Helper()
	db, err := models.OpenSQLite(filepath.Join(dir, "data", "motando.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b models.Brand
	var m models.Model
	var v models.Version
	if err := db.Where("brand = ?", brand).First(&b).Error; err != nil {
		t.Fatalf("brand %s: %v", brand, err)
	}
	if err := db.Where("brand_id = ? AND model = ?", b.ID, model).First(&m).Error; err != nil {
		t.Fatalf("model %s %s: %v", brand, model, err)
	}
	db.Where("model_id = ?", m.ID).Order("id").First(&v)
	var ids []uint64
	db.Model(&models.Ad{}).Where("listed = ?", true).Order("id").Offset(offset).Limit(n).Pluck("id", &ids)
	if len(ids) != n {
		t.Fatalf("%d listed ads to change, want %d", len(ids), n)
	}
	if err := db.Model(&models.Ad{}).Where("id IN ?", ids).Updates(map[string]any{
		"brand_id": b.ID, "model_id": m.ID, "model_version_id": v.ID,
		"search_text": models.SearchText(b.Name, m.Name, v.Name, "", ""),
	}).Error; err != nil {
		t.Fatal(err)
	}
	var count int64
	db.Model(&models.Ad{}).Where("listed = ? AND model_id = ?", true, m.ID).Count(&count)
	return m, count
}

// pressEnter presses Enter without releasing it: the key's press leaves
// the page here, and a release would reach no page.
var pressEnter = input.DispatchKeyEvent(input.KeyDown).WithKey("Enter").WithCode("Enter").
	WithWindowsVirtualKeyCode(13).WithText("\r")

// navigating runs an action that leaves the page and waits for the next
// page to load.
func navigating(a chromedp.Action) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := chromedp.RunResponse(ctx, a)
		return err
	})
}

// Typing in the header's search box at 390 px and at 1366 px opens
// suggestions of brands, models and versions with their ad counts, within
// the screen and without an axe-core violation; the arrows move through
// them, Enter opens the highlighted one (the model's search, with its
// ads), Escape closes them and Enter then searches the text; a tap opens
// one too.
func TestBrowserSuggestions(t *testing.T) {
	t.Parallel()
	axeJS := loadAxe(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	env := []string{"MOTANDO_ADDR=" + addr}
	if err := <-startMotando(t, dir, env, "seed", "--bulk", "40", "--seed", "11").done; err != nil {
		t.Fatalf("seed: %v", err)
	}
	// The CG 150s first: each count is taken after the last change of a
	// model (the demo ads changed to CG 150 may have been CG 160s).
	cg150, n150 := makeListedAs(t, dir, "Honda", "CG 150", 5, 2)
	cg160, n160 := makeListedAs(t, dir, "Honda", "CG 160", 0, 5)
	site := startMotando(t, dir, env)
	defer site.stop()
	base := "http://" + addr
	waitForPage(t, base+"/")

	const list = `document.querySelector("#busca-topo-sugestoes")`
	const optionTexts = `[...document.querySelectorAll("#busca-topo-sugestoes [role=option]")].map(o => o.textContent)`
	anuncios := func(n int64) string {
		if n == 1 {
			return "1 anúncio"
		}
		return fmt.Sprintf("%d anúncios", n)
	}
	for _, size := range screenSizes {
		t.Run(size.name, func(t *testing.T) {
			tab := newBrowser(t) // a browser per size: each has its own time budget
			var texts []string
			var expanded, active, selected string
			var fits bool
			browse(t, tab, "open the home page",
				size.emulate(),
				chromedp.Navigate(base+"/"),
				chromedp.Poll(`document.querySelector("#busca-topo").getAttribute("role") === "combobox"`, nil),
			)
			browse(t, tab, "type in the header's box",
				chromedp.Click("#busca-topo", chromedp.ByQuery),
				chromedp.SendKeys("#busca-topo", "cg 16", chromedp.ByQuery),
				// Typed slowly, "cg 1" may be answered first: the list must
				// answer the whole text before the arrows are tried.
				chromedp.Poll(`!`+list+`.hidden && `+list+`.dataset.text === "cg 16"`, nil),
				chromedp.Evaluate(optionTexts, &texts),
				chromedp.AttributeValue("#busca-topo", "aria-expanded", &expanded, nil, chromedp.ByQuery),
				chromedp.Evaluate(`(() => { const r = `+list+`.getBoundingClientRect();
					return r.left >= 0 && r.right <= innerWidth && r.bottom <= innerHeight &&
						document.documentElement.scrollWidth <= innerWidth; })()`, &fits),
			)
			if len(texts) == 0 || texts[0] != "Honda CG 160 — "+anuncios(n160) || expanded != "true" {
				t.Errorf("suggestions for cg 16: %q (aria-expanded %s), want Honda CG 160 — %s first", texts, expanded, anuncios(n160))
			}
			if !fits {
				t.Error("the suggestions do not fit the screen")
			}
			screenshot(t, tab, "suggest-"+size.name+".png", false)
			checkAxe(t, tab, axeJS)

			browse(t, tab, "move with the arrows",
				chromedp.KeyEvent(kb.ArrowDown),
				chromedp.KeyEvent(kb.ArrowDown),
				chromedp.KeyEvent(kb.ArrowUp),
				chromedp.AttributeValue("#busca-topo", "aria-activedescendant", &active, nil, chromedp.ByQuery),
				chromedp.Evaluate(`document.querySelector("#busca-topo-sugestoes [aria-selected=true]").textContent`, &selected),
			)
			if active != "busca-topo-sugestoes-0" || !strings.HasPrefix(selected, "Honda CG 160 — ") {
				t.Errorf("after ↓↓↑: active %q, selected %q, want the first, Honda CG 160", active, selected)
			}
			var path, count string
			browse(t, tab, "Enter opens the highlighted suggestion",
				navigating(pressEnter),
				chromedp.Poll(`location.pathname === "/motos" && document.querySelector(".count strong") !== null`, nil),
				chromedp.Evaluate(`location.pathname + location.search`, &path),
				chromedp.Text(".count strong", &count, chromedp.ByQuery),
			)
			if want := fmt.Sprintf("/motos?marca=%d&modelo=%d", cg160.BrandID, cg160.ID); path != want || count != fmt.Sprint(n160) {
				t.Errorf("landed on %s with %s results, want %s with %d", path, count, want, n160)
			}

			browse(t, tab, "Escape closes, then Enter searches the text",
				chromedp.Navigate(base+"/"),
				chromedp.Poll(`document.querySelector("#busca-topo").getAttribute("role") === "combobox"`, nil),
				chromedp.Click("#busca-topo", chromedp.ByQuery),
				chromedp.SendKeys("#busca-topo", "cg 16", chromedp.ByQuery),
				// Typed slowly, "cg 1" may be answered first: the list must
				// answer the whole text before the arrows are tried.
				chromedp.Poll(`!`+list+`.hidden && `+list+`.dataset.text === "cg 16"`, nil),
				chromedp.KeyEvent(kb.Escape),
				chromedp.AttributeValue("#busca-topo", "aria-expanded", &expanded, nil, chromedp.ByQuery),
				navigating(pressEnter),
				chromedp.Poll(`location.pathname === "/motos"`, nil),
				chromedp.Evaluate(`location.pathname + location.search`, &path),
			)
			if expanded != "false" || path != "/motos?q=cg+16" {
				t.Errorf("after Escape: aria-expanded %s; Enter went to %s, want /motos?q=cg+16", expanded, path)
			}

			browse(t, tab, "a tap or click opens a suggestion",
				chromedp.Navigate(base+"/"),
				chromedp.Poll(`document.querySelector("#busca-topo").getAttribute("role") === "combobox"`, nil),
				chromedp.Click("#busca-topo", chromedp.ByQuery),
				chromedp.SendKeys("#busca-topo", "honda cg", chromedp.ByQuery),
				chromedp.Poll(optionTexts+`.includes("Honda CG 150 — `+anuncios(n150)+`")`, nil),
				navigating(chromedp.Click(`//div[@id="busca-topo-sugestoes"]/a[starts-with(., "Honda CG 150 ")]`, chromedp.BySearch)),
				chromedp.Poll(`location.pathname === "/motos"`, nil),
				chromedp.Evaluate(`location.pathname + location.search`, &path),
			)
			if want := fmt.Sprintf("/motos?marca=%d&modelo=%d", cg150.BrandID, cg150.ID); path != want {
				t.Errorf("the tap went to %s, want %s", path, want)
			}
		})
	}
}
