package djangoimport

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainText(t *testing.T) {
	for _, c := range []struct{ html, want string }{
		{"<p>Moto em <b>ótimo</b> estado</p>", "Moto em ótimo estado"},
		{"<p>Primeira</p><p>Segunda</p>", "Primeira\n\nSegunda"},
		{"<p>Primeira</p><p>&nbsp;</p><p>Depois de uma linha em branco</p>", "Primeira\n\nDepois de uma linha em branco"},
		{"Linha 1<br>Linha 2<br/><br />Linha 4", "Linha 1\nLinha 2\n\nLinha 4"},
		{"<p>Itens:</p><ul><li>Baú</li><li>Alarme</li></ul><p>Fim</p>", "Itens:\n\n• Baú\n• Alarme\n\nFim"},
		{"<ol><li>Revisão</li><li>Pneus</li></ol>", "1. Revisão\n2. Pneus"},
		{"R$&nbsp;10.000 &lt;negociável&gt;", "R$ 10.000 <negociável>"},
		{"<p>ok</p><script>alert(1)</script><style>p{}</style>", "ok"},
		{"<p><a href=\"https://exemplo.com\">veja fotos</a></p>", "veja fotos"},
		{"Texto simples,\r\nsem tags.\n\n\n\nÚltima linha", "Texto simples,\nsem tags.\n\nÚltima linha"},
		{"preço < 10 mil e > 5 mil", "preço < 10 mil e > 5 mil"},
		{"<p></p><p></p>", ""},
	} {
		if got, cut := plainText(c.html); got != c.want || cut {
			t.Errorf("plainText(%q) = %q, want %q", c.html, got, c.want)
		}
	}
	long := strings.Repeat("á", 3000) + " " + strings.Repeat("b", 2000)
	got, cut := plainText(long)
	if utf8.RuneCountInString(got) != maxDescription || !strings.HasPrefix(long, got) || !cut {
		t.Errorf("a long description: %d characters, want the first %d", utf8.RuneCountInString(got), maxDescription)
	}
}
