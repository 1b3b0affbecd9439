package handlers

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// sitemapSize is the most URLs one sitemap file may list; a file lists
// three fewer ads, room for the home, search and fair-price pages on the
// first.
const sitemapSize = 50_000

// sitemapAds is how many ads one sitemap file lists.
const sitemapAds = sitemapSize - 3

// sitemap lists the public pages for search engines: GET /sitemap.xml.
// Past 50,000 ads it is an index of pages, /sitemap.xml?pagina=N.
func (s *Server) sitemap(c *fiber.Ctx) error {
	if err := s.searchReady(c); err != nil {
		return err
	}
	total := s.index.Len()
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	pages := (total + sitemapAds - 1) / sitemapAds
	page, _ := strconv.Atoi(c.Query("pagina"))
	if pages > 1 && page == 0 {
		var b strings.Builder
		b.WriteString(xml.Header + `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
		for p := 1; p <= pages; p++ {
			fmt.Fprintf(&b, "<sitemap><loc>%s/sitemap.xml?pagina=%d</loc></sitemap>\n", s.baseURL, p)
		}
		b.WriteString("</sitemapindex>\n")
		return c.SendString(b.String())
	}
	if page == 0 {
		page = 1
	}
	if page > max(pages, 1) {
		return fiber.ErrNotFound
	}
	w := bufio.NewWriter(c.Response().BodyWriter())
	w.WriteString(xml.Header + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	if page == 1 {
		fmt.Fprintf(w, "<url><loc>%s/</loc></url>\n<url><loc>%s/motos</loc></url>\n<url><loc>%s/preco-justo</loc></url>\n",
			s.baseURL, s.baseURL, s.baseURL)
	}
	for _, d := range s.index.Listed((page-1)*sitemapAds, sitemapAds) {
		fmt.Fprintf(w, "<url><loc>%s%s</loc><lastmod>%s</lastmod></url>\n",
			s.baseURL, xmlEscape(s.docCard(&d).URL), d.Updated.Format("2006-01-02"))
	}
	w.WriteString("</urlset>\n")
	return w.Flush()
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// robots tells crawlers what to skip and where the sitemap is:
// GET /robots.txt.
func (s *Server) robots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.SendString("User-agent: *\n" +
		"Disallow: /conta\nDisallow: /meus-anuncios\nDisallow: /anuncios/\nDisallow: /mensagens\nDisallow: /admin\n" +
		"Disallow: /entrar\nDisallow: /cadastro\nDisallow: /senha/\nDisallow: /anuncio/*/whatsapp\nDisallow: /anuncio/*/ligar\n" +
		"Sitemap: " + s.baseURL + "/sitemap.xml\n")
}
