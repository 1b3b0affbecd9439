package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// screenshot saves the tab's view (the whole page when full) as name in
// the folder MOTANDO_SCREENSHOTS names, for a person to look at and for the
// README's pictures; without it, it does nothing.
func screenshot(t *testing.T, ctx context.Context, name string, full bool) {
	t.Helper()
	dir := os.Getenv("MOTANDO_SCREENSHOTS")
	if dir == "" {
		return
	}
	var png []byte
	shot := chromedp.CaptureScreenshot(&png)
	if full {
		shot = chromedp.FullScreenshot(&png, 100)
	}
	browse(t, ctx, "screenshot "+name, shot)
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// searchSettled holds when no search is in flight and the results say the
// address bar's search.
const searchSettled = htmxIdle + ` && document.querySelector(".htmx-swapping, .htmx-settling") === null &&
	document.querySelector("#contagem") !== null &&
	new URL(document.querySelector("#contagem").dataset.url, location.href).href === location.href`

// pick chooses an option of a select in the search form as a person does:
// the value changes and the select says so.
func pick(selector, value string) chromedp.Action {
	return chromedp.Evaluate(fmt.Sprintf(`(() => { const s = document.querySelector(%q); s.value = %q;
		s.dispatchEvent(new Event("change", {bubbles: true})); })()`, selector, value), nil)
}

// The search page on a phone and on a desktop: the address is the search's
// one source of truth, whatever changed it, and the cascading selects never
// touch it; the form, heading, title and count follow the results; paging
// brings the results into view; on a phone the results come first and the
// filters open in a drawer with a live count.
func TestBrowserSearchFollowsTheAddress(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	addr := freeAddr(t)
	env := []string{"MOTANDO_ADDR=" + addr}
	if err := <-startMotando(t, dir, env, "seed", "--bulk", "400", "--seed", "5").done; err != nil {
		t.Fatalf("seed: %v", err)
	}
	site := startMotando(t, dir, env)
	defer site.stop()
	base := "http://" + addr
	waitForPage(t, base+"/")

	for _, sc := range screenSizes {
		t.Run(sc.name, func(t *testing.T) {
			ctx := newBrowser(t)
			browse(t, ctx, "open the search", sc.emulate(), chromedp.Navigate(base+"/motos"), chromedp.Poll(`typeof htmx !== "undefined"`, nil))
			openFilters := chromedp.ActionFunc(func(ctx context.Context) error {
				if !sc.mobile {
					return nil
				}
				return chromedp.Run(ctx, chromedp.Click(`[data-filters-open]`, chromedp.ByQuery), chromedp.WaitVisible(`#f-estado`, chromedp.ByQuery))
			})

			// 50 choices of a state or a brand, each with the search it
			// starts: every address written to history is a search.
			var states, brands []string
			browse(t, ctx, "read the choices", openFilters,
				chromedp.Evaluate(`[...document.querySelectorAll("#f-estado option")].map(o => o.value).filter(v => v)`, &states),
				chromedp.Evaluate(`[...document.querySelectorAll("#f-marca option")].map(o => o.value).filter(v => v)`, &brands),
				chromedp.Evaluate(`window.pushed = []; for (const m of ["pushState", "replaceState"]) { const orig = history[m].bind(history);
					history[m] = (s, t, u) => { window.pushed.push(String(u)); return orig(s, t, u); }; }`, nil),
			)
			if len(states) < 5 || len(brands) < 5 {
				t.Fatalf("%d states and %d brands to choose from", len(states), len(brands))
			}
			for i := range 50 {
				sel, value := "#f-estado", states[(i*7)%len(states)]
				if i%2 == 1 {
					sel, value = "#f-marca", brands[(i*5)%len(brands)]
				}
				browse(t, ctx, fmt.Sprintf("choice %d: %s=%s", i, sel, value), pick(sel, value), chromedp.Poll(searchSettled, nil))
			}
			var pushed []string
			var path, seeLabel, count string
			browse(t, ctx, "read the history",
				chromedp.Evaluate(`window.pushed`, &pushed), chromedp.Evaluate(`location.pathname`, &path),
				chromedp.Text(`#contagem strong`, &count, chromedp.ByQuery),
			)
			if sc.mobile {
				screenshot(t, ctx, "search-filters-phone.png", false)
				browse(t, ctx, "the drawer's button", chromedp.Text(`#ver-motos`, &seeLabel, chromedp.ByQuery))
				if want := "Ver " + count + " moto"; !strings.HasPrefix(seeLabel, want) {
					t.Errorf("the drawer says %q, the results %s", seeLabel, count)
				}
				browse(t, ctx, "close the drawer", chromedp.Click(`#ver-motos`, chromedp.ByQuery), chromedp.WaitNotVisible(`#f-estado`, chromedp.ByQuery))
			}
			for _, u := range append(pushed, path) {
				if !strings.HasPrefix(u, "/motos") && !strings.HasPrefix(u, base+"/motos") {
					t.Errorf("the address became %s", u)
				}
			}
			if len(pushed) < 50 {
				t.Errorf("%d addresses written for 50 searches", len(pushed))
			}

			// A facet, then another order: the facet stays.
			var uf, formUF, heading, title, afterOrder string
			browse(t, ctx, "choose a state among the facets",
				chromedp.Navigate(base+"/motos"), chromedp.Poll(`typeof htmx !== "undefined"`, nil),
				chromedp.Click(`//section[h3="Estado"]//a`, chromedp.BySearch),
				chromedp.Poll(`location.search.includes("estado=") && `+searchSettled, nil),
				chromedp.Evaluate(`new URLSearchParams(location.search).get("estado")`, &uf),
				chromedp.Evaluate(`document.querySelector("#f-estado").value`, &formUF),
				chromedp.Text(`#titulo-busca`, &heading, chromedp.ByQuery),
				chromedp.Title(&title),
			)
			browse(t, ctx, "back to the top", chromedp.Evaluate(`scrollTo(0, 0)`, nil))
			screenshot(t, ctx, "search-state-"+sc.name+".png", false)
			if formUF != uf {
				t.Errorf("after the facet %s the form's state is %q", uf, formUF)
			}
			if !strings.Contains(heading, " em ") || !strings.HasPrefix(title, heading) {
				t.Errorf("after choosing a state: heading %q, title %q", heading, title)
			}
			browse(t, ctx, "order by price", pick("#f-ordem", "menor_preco"),
				chromedp.Poll(`location.search.includes("ordem=menor_preco") && `+searchSettled, nil),
				chromedp.Evaluate(`location.search`, &afterOrder))
			if !strings.Contains(afterOrder, "estado="+uf) {
				t.Errorf("changing the order dropped the facet's state: %s", afterOrder)
			}

			// A chip removed, then another order: it stays removed.
			browse(t, ctx, "remove the state's chip",
				chromedp.Click(`.chips a[href*="ordem=menor_preco"]:not([href*="estado="])`, chromedp.ByQuery),
				chromedp.Poll(`!location.search.includes("estado=") && `+searchSettled, nil),
				chromedp.Evaluate(`document.querySelector("#f-estado").value`, &formUF),
				chromedp.Text(`#titulo-busca`, &heading, chromedp.ByQuery), chromedp.Title(&title),
			)
			if formUF != "" || strings.Contains(heading, " em ") || !strings.HasPrefix(title, heading) {
				t.Errorf("after removing the state's chip: form %q, heading %q, title %q", formUF, heading, title)
			}
			browse(t, ctx, "order by km", pick("#f-ordem", "menor_km"),
				chromedp.Poll(`location.search.includes("ordem=menor_km") && `+searchSettled, nil),
				chromedp.Evaluate(`location.search`, &afterOrder))
			if strings.Contains(afterOrder, "estado=") {
				t.Errorf("changing the order brought the removed state back: %s", afterOrder)
			}

			// The next page: its first result in view, the focus on the count.
			var top, innerHeight float64
			var focused string
			browse(t, ctx, "the next page",
				chromedp.Click(`a[rel=next]`, chromedp.ByQuery),
				chromedp.Poll(`location.search.includes("pagina=2") && `+searchSettled, nil),
				chromedp.Evaluate(`document.querySelector("#resultados .card").getBoundingClientRect().top`, &top),
				chromedp.Evaluate(`innerHeight`, &innerHeight),
				chromedp.Evaluate(`document.activeElement.id`, &focused),
			)
			screenshot(t, ctx, "search-"+sc.name+".png", false)
			if top < 0 || top >= innerHeight || focused != "contagem" {
				t.Errorf("page 2: its first result at %.0f px of %.0f, the focus on %q", top, innerHeight, focused)
			}

			if sc.mobile {
				browse(t, ctx, "a state's results on a phone",
					chromedp.Navigate(base+"/motos?estado=SP"), chromedp.WaitVisible(`#resultados .card`, chromedp.ByQuery),
					chromedp.Evaluate(`document.querySelector("#resultados .card").getBoundingClientRect().top`, &top))
				if top > 600 {
					t.Errorf("on a phone the first result starts at %.0f px", top)
				}
			}
		})
	}
}

// The home page on a phone costs little before the person scrolls: at most
// 150 KB over the wire, compressed, everything it loads counted.
func TestBrowserHomeIsLightOnAPhone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	addr := freeAddr(t)
	env := []string{"MOTANDO_ADDR=" + addr}
	if err := <-startMotando(t, dir, env, "seed", "--bulk", "100", "--seed", "7").done; err != nil {
		t.Fatalf("seed: %v", err)
	}
	site := startMotando(t, dir, env)
	defer site.stop()
	base := "http://" + addr
	waitForPage(t, base+"/")

	ctx := newBrowser(t)
	var total float64
	var resources []string
	browse(t, ctx, "open the home page on a phone", screenSizes[0].emulate(),
		chromedp.Navigate(base+"/"), chromedp.Poll(`document.readyState === "complete"`, nil),
		chromedp.Sleep(time.Second), // lazy images near the fold start loading after the load event
		chromedp.Evaluate(`performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
			.reduce((n, e) => n + e.transferSize, 0)`, &total),
		chromedp.Evaluate(`performance.getEntriesByType("resource").map(e => e.name.replace(location.origin, "") + " " + e.transferSize + " " + (e.encodedBodySize < e.decodedBodySize ? "compressed" : "as is"))`, &resources),
	)
	if total > 150_000 {
		t.Errorf("the home page on a phone loads %.0f bytes before scrolling, want at most 150,000:\n%s", total, strings.Join(resources, "\n"))
	}
	t.Logf("%.0f bytes:\n%s", total, strings.Join(resources, "\n"))
}
