package djangoimport

import (
	"strings"
	"testing"
)

func TestPlainText(t *testing.T) {
	for _, c := range []struct{ html, want string }{
		{"<p>Moto em <b>ótimo</b> estado</p>", "Moto em ótimo estado"},
		{"<p>Primeira</p><p>Segunda</p>", "Primeira\nSegunda"},
		{"Linha 1<br>Linha 2<br/><br />Linha 4", "Linha 1\nLinha 2\n\nLinha 4"},
		{"<ul><li>Baú</li><li>Alarme</li></ul>", "• Baú\n• Alarme"},
		{"R$&nbsp;10.000 &lt;negociável&gt;", "R$ 10.000 <negociável>"},
		{"<p>ok</p><script>alert(1)</script><style>p{}</style>", "ok"},
		{"texto simples,\nsem   tags", "texto simples, sem tags"},
		{"<p></p><p></p>", ""},
	} {
		if got := plainText(c.html); got != c.want {
			t.Errorf("plainText(%q) = %q, want %q", c.html, got, c.want)
		}
	}
	long := strings.Repeat("á", 3000)
	if got := plainText(long); len(got) > maxDescription || !strings.HasPrefix(long, got) {
		t.Errorf("a long description is cut to %d bytes, mid-character or not at all", len(got))
	}
}
