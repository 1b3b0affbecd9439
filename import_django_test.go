package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"motando/djangoimport/originaltest"
	"motando/models/modelstest"
)

// The operator's command on a fresh site (the embedded defaults): motando
// import-django --from DSN brings the original over with a worker of its
// own, shows its progress and a summary with the reasons, and a second run
// imports nothing.
func TestImportDjangoCommand(t *testing.T) {
	t.Parallel()
	o := originaltest.New(t)
	o.Fill()
	dir := t.TempDir()
	importDjango := func(args ...string) (string, error) {
		cmd := exec.Command(motandoBinary(t), append([]string{"import-django"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, modelstest.ProcessEnv()...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := importDjango(); err == nil || !strings.Contains(out, "--from is required") {
		t.Errorf("without --from: %v\n%s", err, out)
	}
	first, err := importDjango("--from", o.DSN, "--private-photo-hosts")
	if err != nil {
		t.Fatalf("import: %v\n%s", err, first)
	}
	for _, want := range []string{"Importando de 127.0.0.1:3306/motando_test_", "para SQLite", "4/4 contas", "5/5 anúncios", "3/3 anúncios publicados pelo worker", "Importação concluída",
		"o servidor respondeu 404", "excluído no site anterior"} {
		if !strings.Contains(first, want) {
			t.Errorf("the first run does not say %q:\n%s", want, first)
		}
	}
	summaryRow(t, first, "anúncios", "4 0 1 0")
	second, err := importDjango("--from", o.DSN, "--private-photo-hosts")
	if err != nil {
		t.Fatalf("second import: %v\n%s", err, second)
	}
	summaryRow(t, second, "anúncios", "0 4 1 0")
	summaryRow(t, second, "contas", "0 4 0 0")
	if !strings.Contains(second, "Nada de novo para importar.") {
		t.Errorf("the second run does not say there was nothing new:\n%s", second)
	}
}

// summaryRow checks a row of the summary's table: imported, found here
// already, skipped, failed.
func summaryRow(t *testing.T, out, kind, want string) {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + kind + `\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$`).FindStringSubmatch(out)
	if m == nil || strings.Join(m[1:], " ") != want {
		t.Errorf("summary row %s: %v, want %s\n%s", kind, m, want, out)
	}
}
