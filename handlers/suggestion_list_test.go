package handlers

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"motando/models"
	"motando/models/modelstest"
)

var suggestionOption = regexp.MustCompile(`<a role="option" tabindex="-1" href="([^"]*)"><span class="suggest-name">([^<]*)</span> <span class="suggest-count">— ([^<]*)</span></a>`)

// suggestionsOf reads the options of a suggestions answer as
// "name — count → link".
func suggestionsOf(body string) []string {
	var out []string
	for _, m := range suggestionOption.FindAllStringSubmatch(body, -1) {
		out = append(out, m[2]+" — "+m[3]+" → "+strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	return out
}

func TestSuggestionList(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		app := newTestApp(t, db)
		c := catalogIDs{t, db}
		owner := modelstest.CreateUser(t, db, "Loja")
		sp, campinas := c.city("SP", "Campinas")
		cg160, cg150 := c.model("Honda", "CG 160"), c.model("Honda", "CG 150")
		for range 2 {
			listed(t, db, owner, cg160, sp, campinas, nil)
		}
		listed(t, db, owner, cg150, sp, campinas, nil)
		var version models.Version
		db.Where("model_id = ?", cg160.ID).Order("id").First(&version)
		b, m, v := cg160.BrandID, cg160.ID, version.ID

		status, body := get(t, app, "/sugestoes?q=cg+16", "HX-Request", "true")
		if status != 200 {
			t.Fatalf("status %d", status)
		}
		want := []string{
			fmt.Sprintf("Honda CG 160 — 2 anúncios → /motos?marca=%d&modelo=%d", b, m),
			fmt.Sprintf("Honda CG 160 %s — 2 anúncios → /motos?marca=%d&modelo=%d&versao=%d", version.Name, b, m, v),
		}
		if got := suggestionsOf(body); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("cg 16: %q, want %q\n%s", got, want, body)
		}

		_, body = get(t, app, "/sugestoes?q=Hônda%20CG", "HX-Request", "true")
		if got := suggestionsOf(body); len(got) != 4 || got[2] != fmt.Sprintf("Honda CG 150 — 1 anúncio → /motos?marca=%d&modelo=%d", b, cg150.ID) {
			t.Errorf("Hônda CG: %q", got)
		}

		// The link leads to the search of the model, with its ads.
		_, page := get(t, app, fmt.Sprintf("/motos?marca=%d&modelo=%d", b, m))
		if n := len(found(page)); n != 2 {
			t.Errorf("the CG 160's search shows %d ads, want 2", n)
		}

		// Too short, empty, unknown or overlong: an empty answer.
		for _, q := range []string{"", "c", "%20%20", "kawasaki", strings.Repeat("x", 5000)} {
			status, body := get(t, app, "/sugestoes?q="+q, "HX-Request", "true")
			if status != 200 || strings.TrimSpace(body) != "" {
				t.Errorf("q=%.20s: status %d, %q", q, status, body)
			}
		}
	})
}
