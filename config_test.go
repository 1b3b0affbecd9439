package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"motando/models"
)

// envOf is an environment holding kv only.
func envOf(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := kv[k]
		return v, ok
	}
}

// prd is a valid production environment plus kv.
func prd(kv map[string]string) map[string]string {
	env := map[string]string{"APP_ENV": "PRD", "MOTANDO_SECRET": "0123456789abcdef0123456789abcdef", "MOTANDO_SMTP_HOST": "smtp.email.example"}
	for k, v := range kv {
		env[k] = v
	}
	return env
}

func TestConfigDefaults(t *testing.T) {
	c, err := loadConfig("all", envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8000" || c.DataDir != "data" || c.MySQL != nil || c.RedisAddr != "" || c.Production {
		t.Errorf("defaults: %+v", c)
	}
	if c.BaseURL != "http://localhost:8000" {
		t.Errorf("base URL: %q", c.BaseURL)
	}
	if c.OpsAddr != "127.0.0.1:9090" || c.OpsAddrSet {
		t.Errorf("operations listener: %q (set %v), want 127.0.0.1:9090 by default", c.OpsAddr, c.OpsAddrSet)
	}
}

func TestConfigOpsAddr(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
		set  bool
	}{
		{map[string]string{"MOTANDO_OPS_ADDR": ":9100"}, ":9100", true},
		{map[string]string{"MOTANDO_OPS_ADDR": "10.0.0.5:9090"}, "10.0.0.5:9090", true},
		{map[string]string{"MOTANDO_OPS_ADDR": "off"}, "", false},
		{map[string]string{"MOTANDO_OPS_ADDR": "OFF"}, "", false},
		{map[string]string{"MOTANDO_OPS_ADDR": ""}, "", false},
		{map[string]string{"MOTANDO_OPS_ADDR": " "}, "", false},
		// The public listener took the default's port: none, no error.
		{map[string]string{"MOTANDO_ADDR": ":9090"}, "", false},
	} {
		c, err := loadConfig("all", envOf(tc.env))
		if err != nil {
			t.Errorf("%v: %v", tc.env, err)
			continue
		}
		if c.OpsAddr != tc.want || c.OpsAddrSet != tc.set {
			t.Errorf("%v: ops address %q (set %v), want %q (set %v)", tc.env, c.OpsAddr, c.OpsAddrSet, tc.want, tc.set)
		}
	}
}

// Production sends its e-mails (password-reset links among them) through
// a mail server, never to the logs.
func TestConfigProductionNeedsSMTP(t *testing.T) {
	env := prd(nil)
	delete(env, "MOTANDO_SMTP_HOST")
	_, err := loadConfig("all", envOf(env))
	if err == nil || !strings.HasPrefix(err.Error(), "MOTANDO_SMTP_HOST") {
		t.Errorf("APP_ENV=PRD without MOTANDO_SMTP_HOST: error %v, want one naming MOTANDO_SMTP_HOST", err)
	}
	c, err := loadConfig("all", envOf(prd(nil)))
	if err != nil || c.SMTP == nil || c.SMTP.Host != "smtp.email.example" {
		t.Errorf("APP_ENV=PRD with MOTANDO_SMTP_HOST: %+v %v", c, err)
	}
	if c, err := loadConfig("all", envOf(nil)); err != nil || c.SMTP != nil {
		t.Errorf("DEV without MOTANDO_SMTP_HOST: %v (e-mails are logged there)", err)
	}
}

func TestProductionWithoutSMTPStopsWithOneLine(t *testing.T) {
	t.Setenv("APP_ENV", "PRD")
	t.Setenv("MOTANDO_SECRET", "0123456789abcdef0123456789abcdef")
	t.Setenv("MOTANDO_SMTP_HOST", "")
	t.Setenv("REDIS_HOST", "")
	t.Setenv("MYSQL_HOST", "")
	t.Setenv("MOTANDO_DATA_DIR", t.TempDir()) // without the check, migrate would run there
	var out bytes.Buffer
	code := run([]string{"migrate"}, &out)
	if code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	if lines := strings.Count(strings.TrimRight(out.String(), "\n"), "\n"); lines != 0 || !strings.Contains(out.String(), "MOTANDO_SMTP_HOST") {
		t.Errorf("output %q: want one line naming MOTANDO_SMTP_HOST", out.String())
	}
}

func TestBadOpsAddrStopsWithOneLine(t *testing.T) {
	t.Setenv("MOTANDO_OPS_ADDR", "localhost")
	var out bytes.Buffer
	code := run(nil, &out)
	if code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	if lines := strings.Count(strings.TrimRight(out.String(), "\n"), "\n"); lines != 0 || !strings.HasPrefix(out.String(), `motando: MOTANDO_OPS_ADDR="localhost"`) {
		t.Errorf("output %q: want one line naming MOTANDO_OPS_ADDR", out.String())
	}
}

func TestConfigOriginalNames(t *testing.T) {
	c, err := loadConfig("web", envOf(prd(map[string]string{
		"MYSQL_HOST": "db.internal", "MYSQL_USER": "motandousr", "MYSQL_PASSWD": "s3cr:t@",
		"MYSQL_DBNAME": "motandodb", "REDIS_HOST": "cache", "REDIS_PORT": "6380", "REDIS_PASSWD": "pw",
	})))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Production || c.MySQL.Addr != "db.internal:3306" || c.MySQL.User != "motandousr" || c.MySQL.Passwd != "s3cr:t@" || c.MySQL.DBName != "motandodb" {
		t.Errorf("mysql: %+v", c.MySQL)
	}
	if c.RedisAddr != "cache:6380" || c.RedisPassword != "pw" {
		t.Errorf("redis: %q %q", c.RedisAddr, c.RedisPassword)
	}
}

func TestConfigBadValuesNameTheVariable(t *testing.T) {
	cases := []struct {
		role string
		env  map[string]string
		want string
	}{
		{"foo", nil, "-role"},
		{"web", nil, "REDIS_HOST"},
		{"worker", nil, "REDIS_HOST"},
		{"all", map[string]string{"REDIS_HOST": "localhost", "REDIS_PORT": "abc"}, `REDIS_PORT="abc"`},
		{"all", map[string]string{"MOTANDO_ADDR": ":abc"}, `MOTANDO_ADDR=":abc"`},
		{"all", map[string]string{"MOTANDO_ADDR": ":70000"}, "MOTANDO_ADDR"},
		{"all", map[string]string{"APP_ENV": "prod"}, "APP_ENV"},
		{"all", map[string]string{"MYSQL_HOST": "db:port"}, "MYSQL_HOST"},
		{"all", map[string]string{"MOTANDO_WORKERS": "0"}, "MOTANDO_WORKERS"},
		{"all", map[string]string{"MOTANDO_SHUTDOWN_TIMEOUT": "soon"}, "MOTANDO_SHUTDOWN_TIMEOUT"},
		{"all", map[string]string{"MOTANDO_BASE_URL": "motando.com.br"}, "MOTANDO_BASE_URL"},
		{"all", map[string]string{"APP_ENV": "PRD"}, "MOTANDO_SECRET"},
		{"all", map[string]string{"APP_ENV": "PRD", "MOTANDO_SECRET": "0123456789abcdef0123456789abcdef"}, "MOTANDO_SMTP_HOST"},
		{"all", map[string]string{"MOTANDO_OPS_ADDR": "9090"}, `MOTANDO_OPS_ADDR="9090"`},
		{"all", map[string]string{"MOTANDO_OPS_ADDR": ":0"}, "MOTANDO_OPS_ADDR"},
		{"all", map[string]string{"MOTANDO_OPS_ADDR": "127.0.0.1:http"}, "MOTANDO_OPS_ADDR"},
		{"all", map[string]string{"MOTANDO_OPS_ADDR": ":8000"}, "MOTANDO_OPS_ADDR"},
		{"all", map[string]string{"MOTANDO_ADDR": "127.0.0.1:8100", "MOTANDO_OPS_ADDR": "0.0.0.0:8100"}, "MOTANDO_OPS_ADDR"},
		{"all", map[string]string{"MOTANDO_SECRET": "curto"}, "MOTANDO_SECRET"},
		{"all", map[string]string{"MOTANDO_SMTP_HOST": "smtp.x", "MOTANDO_SMTP_PORT": "smtp"}, "MOTANDO_SMTP_PORT"},
		{"all", map[string]string{"OCI_OBJSTR_NAMESPACE": "ns"}, "OCI_REGION_ID"},
	}
	for _, tc := range cases {
		_, err := loadConfig(tc.role, envOf(tc.env))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("role %s env %v: error %v, want it to start with %s", tc.role, tc.env, err, tc.want)
		}
	}
}

func TestBadConfigStopsWithOneLine(t *testing.T) {
	t.Setenv("REDIS_HOST", "")
	var out bytes.Buffer
	code := run([]string{"-role=web"}, &out)
	if code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	if lines := strings.Count(strings.TrimRight(out.String(), "\n"), "\n"); lines != 0 || !strings.Contains(out.String(), "REDIS_HOST") {
		t.Errorf("output %q: want one line naming REDIS_HOST", out.String())
	}
}

func TestCreateAdmin(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("MOTANDO_DATA_DIR", dir)
	t.Setenv("MYSQL_HOST", "")
	t.Setenv("REDIS_HOST", "")
	var out bytes.Buffer
	if code := run([]string{"createadmin"}, &out); code != 1 || !strings.Contains(out.String(), "usage") {
		t.Errorf("without an e-mail: exit %d, %q", code, out.String())
	}
	out.Reset()
	if code := run([]string{"createadmin", "Chefe@Motando.com.br"}, &out); code != 0 {
		t.Fatalf("createadmin: exit %d: %s", code, out.String())
	}
	db, err := models.OpenSQLite(filepath.Join(dir, "motando.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.UserByEmail(t.Context(), "chefe@motando.com.br")
	if err != nil || !u.IsAdmin || !strings.HasPrefix(u.Password, "$argon2id$") {
		t.Fatalf("admin account: %+v %v", u, err)
	}
}
