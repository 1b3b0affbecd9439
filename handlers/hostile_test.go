package handlers

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"motando/models"
	"motando/models/modelstest"
)

// hostileValues are what the sweep puts in every field and parameter.
var hostileValues = map[string]string{
	"overlong":  strings.Repeat("A", 20_000),
	"html":      `"><script>alert(1)</script><img src=x onerror=alert(2)>`,
	"sql":       `' OR '1'='1'; DROP TABLE users; --`,
	"utf8":      "\xff\xfe\xfd moto \xc3\x28",
	"nul":       "moto\x00nula",
	"traversal": "../../../etc/passwd",
	"numeric":   "99999999999999999999999999",
}

// checkAnswer fails an answer that is a server error, that reflects the
// script unescaped, or, for a page, that is not the site's pt-BR page.
func checkAnswer(t *testing.T, what string, status int, body string, partial bool) {
	t.Helper()
	if status >= 500 {
		t.Errorf("%s: status %d", what, status)
		return
	}
	if strings.Contains(body, "<script>alert(1)") || strings.Contains(body, "<img src=x onerror") {
		t.Errorf("%s: the input is reflected unescaped", what)
	}
	if !partial && status >= 200 && status < 300 && strings.Contains(body, "<html") && !strings.Contains(body, `<html lang="pt-BR">`) {
		t.Errorf("%s: not a pt-BR page", what)
	}
}

// The sweep sends hostile values in every form field and query parameter of
// every route of the route contract, as an anonymous visitor and as a
// signed-in owner: every answer is a 2xx, 3xx or 4xx with the input escaped.
func TestHostileInputSweep(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	s := newSite(t, db)
	owner := s.seller("dona.sweep@exemplo.com")
	ad, page := s.publishedAd(owner)
	id := strconv.FormatUint(ad.ID, 10)
	token := s.upload(owner, testJPEG(t, 100, 80))
	anon := newBrowser(t, s.app)
	anon.get("/")

	gets := map[string][]string{
		"/":                    nil,
		"/motos":               searchParams,
		"/catalogo/modelos":    {"marca"},
		"/catalogo/versoes":    {"modelo"},
		"/localidades/cidades": {"estado"},
		"/cadastro":            {"next"},
		"/entrar":              {"next"},
		"/senha/esqueci":       nil,
		page:                   {"foto"},
		"/sitemap.xml":         {"pagina"},
		"/robots.txt":          nil,
		"/healthz":             nil,
		"/readyz":              nil,
		"/metrics":             nil,
	}
	signedGets := map[string][]string{
		"/conta": nil, "/conta/senha": nil, "/meus-anuncios": nil, "/anuncios/novo": nil, "/mensagens": nil,
		"/anuncios/" + id + "/editar": nil, "/anuncios/" + id + "/status": nil, "/anuncios/" + id + "/excluir": nil,
		"/favoritos": nil, "/buscas-salvas": nil, "/anuncio/" + id + "/favorito": nil,
	}
	for name, v := range hostileValues {
		if len(v) > 6000 {
			v = v[:6000] // a URL of more than 16 KB is refused by the HTTP server itself (431)
		}
		for path, params := range gets {
			for _, p := range append(params, "x") {
				u := path + "?" + url.Values{p: {v}}.Encode()
				for _, partial := range []bool{false, true} {
					req := httptest.NewRequest(http.MethodGet, u, nil)
					if partial {
						req.Header.Set("HX-Request", "true")
					}
					status, body := anon.do(req)
					checkAnswer(t, "GET "+path+" "+p+"="+name, status, body, partial || strings.HasPrefix(path, "/catalogo") || strings.HasPrefix(path, "/localidades"))
				}
			}
		}
		for path := range signedGets {
			status, body := owner.get(path + "?x=" + url.QueryEscape(v))
			checkAnswer(t, "GET "+path+" "+name, status, body, false)
		}
		// Hostile path segments: ids, slugs, tokens, media keys.
		for _, path := range []string{"/anuncio/", "/anuncio/" + id + "/", "/anuncios/", "/mensagens/", "/conversa/", "/senha/redefinir/", "/media/", "/static/", "/admin/", "/buscas-salvas/"} {
			status, body := owner.get(path + url.PathEscape(v))
			checkAnswer(t, "GET "+path+"{"+name+"}", status, body, false)
		}
	}

	// Forms: each field in turn gets each hostile value, the others valid.
	valid := s.adValues(token)
	forms := []struct {
		path   string
		b      *browser
		fields url.Values
	}{
		{"/cadastro", newBrowser(t, s.app), signupValues(t, db, "hostil@exemplo.com")},
		{"/entrar", newBrowser(t, s.app), url.Values{"email": {"dona.sweep@exemplo.com"}, "senha": {"x"}, "next": {"/"}}},
		{"/senha/esqueci", newBrowser(t, s.app), url.Values{"email": {"alguem@exemplo.com"}}},
		{"/anuncio/" + id + "/mensagens", newBrowser(t, s.app), url.Values{"nome": {"Ana"}, "email": {"ana.h@exemplo.com"}, "telefone": {""}, "mensagem": {"Oi"}}},
		{"/anuncio/" + id + "/denuncia", newBrowser(t, s.app), url.Values{"motivo": {"fraude"}, "observacao": {"x"}}},
		{"/conta", owner, url.Values{"nome": {"Dona"}, "telefone": {"11987654321"}, "estado": {"SP"}, "cidade": signupValues(t, db, "")["cidade"],
			"cep": {""}, "nascimento": {""}, "genero": {""}, "possui_moto": {""}, "marca_desejada": {""}, "modelo_desejado": {""}, "ano_desejado": {""}}},
		{"/conta/senha", owner, url.Values{"senha_atual": {"x"}, "senha": {"y"}, "senha_confirmacao": {"y"}}},
		{"/anuncios/novo", owner, valid},
		{"/anuncios/" + id + "/editar", owner, valid},
		{"/anuncio/" + id + "/favorito", owner, url.Values{"salvar": {"1"}, "titulo": {"Honda"}, "volta": {"/favoritos"}}},
		{"/buscas-salvas", owner, url.Values{"q": {"cg 160"}, "marca": {"7"}, "estado": {"SP"}, "preco_max": {"15000"}, "alerta": {"diario"}}},
	}
	for _, form := range forms {
		form.b.get("/")
		for field := range form.fields {
			for name, v := range hostileValues {
				vals := url.Values{}
				for k, vs := range form.fields {
					vals[k] = append([]string(nil), vs...)
				}
				vals.Set(field, v)
				if form.path == "/conta/senha" || form.path == "/entrar" {
					vals.Set("senha_atual", "errada") // never change the owner's password
				}
				status, body := form.b.post(form.path, vals)
				checkAnswer(t, "POST "+form.path+" "+field+"="+name, status, body, false)
			}
		}
	}
	// The owner's ad survived the sweep of its edit form with hostile values
	// only where the rules let them through, never as HTML.
	var got models.Ad
	db.First(&got, ad.ID)
	if strings.Contains(got.Description, "\x00") || strings.Contains(got.SalesPhrase, "\x00") {
		t.Error("a NUL byte was stored")
	}
	// The upload takes any bytes under any name.
	for name, v := range hostileValues {
		status, body := owner.postMultipart("/anuncios/fotos", url.Values{}, map[string][][]byte{"foto": {[]byte(v)}})
		checkAnswer(t, "upload "+name, status, body, true)
	}
	// Replies in a conversation.
	buyer := newBrowser(t, s.app)
	buyer.get(page)
	buyer.post("/anuncio/"+id+"/mensagens", url.Values{"nome": {"Beto"}, "email": {"beto.h@exemplo.com"}, "mensagem": {"Oi"}})
	var conv models.Conversation
	db.First(&conv)
	for name, v := range hostileValues {
		owner.get("/mensagens")
		status, body := owner.post("/mensagens/"+strconv.FormatUint(conv.ID, 10), url.Values{"mensagem": {v}})
		checkAnswer(t, "reply "+name, status, body, false)
	}
	_, thread := owner.get("/mensagens/" + strconv.FormatUint(conv.ID, 10))
	checkAnswer(t, "thread after hostile replies", 200, thread, false)
}
