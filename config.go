package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
)

// Roles a process can take.
const (
	roleAll    = "all"
	roleWeb    = "web"
	roleWorker = "worker"
)

// config is everything read from the environment and the flags. The original
// application's variable names are kept; new settings are MOTANDO_*.
type config struct {
	Role       string
	Production bool // APP_ENV=PRD
	Addr       string
	// OpsAddr is the operations listener's address (/metrics and the
	// detailed /readyz); empty: none. OpsAddrSet: it was chosen, so failing
	// to listen there stops the program, while the default is given up
	// with a warning when another process holds it.
	OpsAddr    string
	OpsAddrSet bool
	DataDir    string
	BaseURL    string

	MySQL *gomysql.Config // nil: SQLite in DataDir

	RedisAddr     string // empty: in-process queue
	RedisPassword string
	RedisPrefix   string // prefix of every Redis key
	RedisTLS      bool   // MOTANDO_REDIS_TLS: OCI Cache and other managed Redis need it

	// TrustedProxies are the load balancers whose X-Forwarded-For names the
	// client (for the per-address limits); empty: the peer address is the
	// client.
	TrustedProxies []string

	OCI *ociSettings // nil: local folders in DataDir
	// OCILog ships the logs to OCI Logging too; nil when no log OCID is set
	// for this role.
	OCILog   *ociLogSettings
	LogLevel slog.Level

	Secret      string // MOTANDO_SECRET; empty in DEV: kept in DataDir
	LoginWindow time.Duration
	SMTP        *smtpSettings // nil: e-mails are logged

	Workers         int
	ShutdownTimeout time.Duration
	AdTTL           time.Duration
	TempRetention   time.Duration
	ReconcileEvery  time.Duration
	ReconcileAfter  time.Duration
	JobVisibility   time.Duration
	RetryBase       time.Duration
}

// smtpSettings are the outgoing mail server's, read when MOTANDO_SMTP_HOST
// is set.
type smtpSettings struct {
	Host, User, Password, From string
	Port                       int
}

// ociSettings are the OCI Object Storage settings, read when
// OCI_OBJSTR_NAMESPACE is set.
type ociSettings struct {
	Region, Namespace         string
	PublicBucket, TempBucket  string
	Auth, ConfigFile, Profile string
	Endpoint, CopyMode        string
	PublicURL                 string
}

// ociLogSettings say where this role's logs go in OCI Logging.
type ociLogSettings struct {
	LogID, Endpoint                   string
	Auth, ConfigFile, Profile, Region string
	Buffer                            int
}

// configError names the variable whose value is wrong; main prints it as one
// line and exits.
type configError struct {
	Var, Value, Problem string
}

func (e *configError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Var, e.Problem)
	}
	return fmt.Sprintf("%s=%q: %s", e.Var, e.Value, e.Problem)
}

// defaultOpsAddr is where the operations listener listens unless
// MOTANDO_OPS_ADDR says otherwise: the loopback only.
const defaultOpsAddr = "127.0.0.1:9090"

// loadConfig reads the configuration; lookupEnv is os.LookupEnv outside
// tests.
func loadConfig(role string, lookupEnv func(string) (string, bool)) (*config, error) {
	getenv := func(name string) string {
		v, _ := lookupEnv(name)
		return v
	}
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := &config{Role: role}
	switch role {
	case roleAll, roleWeb, roleWorker:
	default:
		return nil, &configError{"-role", role, "must be all, web or worker"}
	}

	switch appEnv := strings.ToUpper(env("APP_ENV", "DEV")); appEnv {
	case "DEV":
	case "PRD":
		c.Production = true
	default:
		return nil, &configError{"APP_ENV", getenv("APP_ENV"), "must be DEV or PRD"}
	}

	c.Addr = env("MOTANDO_ADDR", ":8000")
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || !validPort(port) {
		return nil, &configError{"MOTANDO_ADDR", c.Addr, "must be host:port or :port, with a port from 1 to 65535"}
	}
	// Unset: the default; set but empty, or off: no operations listener.
	if v, set := lookupEnv("MOTANDO_OPS_ADDR"); !set {
		c.OpsAddr = defaultOpsAddr
	} else if v = strings.TrimSpace(v); v != "" && !strings.EqualFold(v, "off") {
		if _, port, err := net.SplitHostPort(v); err != nil || !validPort(port) {
			return nil, &configError{"MOTANDO_OPS_ADDR", v, "must be host:port or :port, with a port from 1 to 65535, or off"}
		}
		c.OpsAddr, c.OpsAddrSet = v, true
	}
	if c.OpsAddr != "" && sameListener(c.Addr, c.OpsAddr) {
		if !c.OpsAddrSet {
			c.OpsAddr = "" // MOTANDO_ADDR took the default's port
		} else {
			return nil, &configError{"MOTANDO_OPS_ADDR", c.OpsAddr, "must not take MOTANDO_ADDR's port: /metrics is never served on the public listener"}
		}
	}
	c.DataDir = filepath.Clean(env("MOTANDO_DATA_DIR", "./data"))
	c.BaseURL = strings.TrimRight(env("MOTANDO_BASE_URL", "http://localhost"+portSuffix(c.Addr)), "/")
	if !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		return nil, &configError{"MOTANDO_BASE_URL", c.BaseURL, "must start with http:// or https://"}
	}

	if host := env("MYSQL_HOST", ""); host != "" {
		m := gomysql.NewConfig()
		m.Net = "tcp"
		m.Addr = host
		if _, _, err := net.SplitHostPort(host); err != nil {
			m.Addr = net.JoinHostPort(host, "3306")
		} else if _, port, _ := net.SplitHostPort(host); !validPort(port) {
			return nil, &configError{"MYSQL_HOST", host, "the port must be a number from 1 to 65535"}
		}
		m.User = env("MYSQL_USER", "root")
		m.Passwd = getenv("MYSQL_PASSWD")
		m.DBName = env("MYSQL_DBNAME", "motandodb")
		c.MySQL = m
	}

	if host := env("REDIS_HOST", ""); host != "" {
		port := env("REDIS_PORT", "6379")
		if !validPort(port) {
			return nil, &configError{"REDIS_PORT", port, "must be a number from 1 to 65535"}
		}
		c.RedisAddr = net.JoinHostPort(host, port)
		c.RedisPassword = getenv("REDIS_PASSWD")
		c.RedisPrefix = env("MOTANDO_REDIS_PREFIX", "motando")
		switch v := strings.ToLower(env("MOTANDO_REDIS_TLS", "false")); v {
		case "true", "1", "yes":
			c.RedisTLS = true
		case "false", "0", "no":
		default:
			return nil, &configError{"MOTANDO_REDIS_TLS", v, "must be true or false"}
		}
	} else if role != roleAll {
		return nil, &configError{"REDIS_HOST", "", fmt.Sprintf("-role=%s runs web and worker apart, which needs Redis: set REDIS_HOST", role)}
	}

	var err error
	if c.Workers, err = intVar(env, "MOTANDO_WORKERS", 4, 1, 256); err != nil {
		return nil, err
	}
	durations := []struct {
		dst  *time.Duration
		name string
		def  time.Duration
	}{
		{&c.ShutdownTimeout, "MOTANDO_SHUTDOWN_TIMEOUT", 25 * time.Second},
		{&c.ReconcileEvery, "MOTANDO_RECONCILE_INTERVAL", 30 * time.Second},
		{&c.ReconcileAfter, "MOTANDO_RECONCILE_AFTER", 2 * time.Minute},
		{&c.JobVisibility, "MOTANDO_JOB_VISIBILITY", time.Minute},
		{&c.RetryBase, "MOTANDO_JOB_RETRY_BASE", 5 * time.Second},
		{&c.LoginWindow, "MOTANDO_LOGIN_WINDOW", 15 * time.Minute},
	}
	for _, d := range durations {
		if *d.dst, err = durationVar(env, d.name, d.def); err != nil {
			return nil, err
		}
	}
	days, err := intVar(env, "MOTANDO_AD_TTL_DAYS", 60, 1, 3650)
	if err != nil {
		return nil, err
	}
	c.AdTTL = time.Duration(days) * 24 * time.Hour
	if days, err = intVar(env, "MOTANDO_TMP_RETENTION_DAYS", 2, 1, 365); err != nil {
		return nil, err
	}
	c.TempRetention = time.Duration(days) * 24 * time.Hour

	if err := c.LogLevel.UnmarshalText([]byte(env("MOTANDO_LOG_LEVEL", "info"))); err != nil {
		return nil, &configError{"MOTANDO_LOG_LEVEL", getenv("MOTANDO_LOG_LEVEL"), "must be debug, info, warn or error"}
	}
	for _, p := range strings.Split(env("MOTANDO_TRUSTED_PROXIES", ""), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return nil, &configError{"MOTANDO_TRUSTED_PROXIES", p, "must be IP addresses or CIDR ranges, separated by commas"}
			}
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	c.Secret = env("MOTANDO_SECRET", "")
	if c.Secret != "" && len(c.Secret) < 32 {
		return nil, &configError{"MOTANDO_SECRET", "(hidden)", "must have at least 32 characters"}
	}
	if c.Secret == "" && c.Production {
		return nil, &configError{"MOTANDO_SECRET", "", "must be set when APP_ENV=PRD (at least 32 random characters)"}
	}
	if c.Production && env("MOTANDO_SMTP_HOST", "") == "" {
		// Without a mail server e-mails are only logged, and they carry
		// password-reset links and private conversation links.
		return nil, &configError{"MOTANDO_SMTP_HOST", "", "must be set when APP_ENV=PRD: without it e-mails, reset links included, would be written to the logs"}
	}
	if host := env("MOTANDO_SMTP_HOST", ""); host != "" {
		port, err := intVar(env, "MOTANDO_SMTP_PORT", 587, 1, 65535)
		if err != nil {
			return nil, err
		}
		c.SMTP = &smtpSettings{Host: host, Port: port, User: env("MOTANDO_SMTP_USER", ""), Password: getenv("MOTANDO_SMTP_PASSWD"),
			From: env("MOTANDO_SMTP_FROM", "Motando <nao-responda@"+host+">")}
	}

	if ns := env("OCI_OBJSTR_NAMESPACE", ""); ns != "" {
		if c.OCI, err = loadOCISettings(ns, env); err != nil {
			return nil, err
		}
	}
	// The web's lines go to the webapp log, the worker's to the workflow
	// log; a process running both uses the webapp log when it is set.
	logID := env("WEBAPP_OCI_LOG_ID", "")
	if role == roleWorker || logID == "" && role == roleAll {
		logID = env("WORKFLOW_OCI_LOG_ID", "")
	}
	if logID != "" {
		c.OCILog = &ociLogSettings{LogID: logID, Endpoint: env("MOTANDO_OCI_LOGGING_ENDPOINT", ""),
			Auth: env("MOTANDO_OCI_AUTH", "config_file"), ConfigFile: env("OCI_CONFIG_FILE", "~/.oci/config"),
			Profile: env("MOTANDO_OCI_PROFILE", "DEFAULT"), Region: env("OCI_REGION_ID", "")}
		if c.OCILog.Buffer, err = intVar(env, "MOTANDO_OCI_LOG_BUFFER", 10_000, 1, 1_000_000); err != nil {
			return nil, err
		}
		if c.OCILog.Region == "" && c.OCILog.Endpoint == "" {
			return nil, &configError{"OCI_REGION_ID", "", "must be set when WEBAPP_OCI_LOG_ID or WORKFLOW_OCI_LOG_ID is"}
		}
	}
	return c, nil
}

func loadOCISettings(ns string, env func(string, string) string) (*ociSettings, error) {
	o := &ociSettings{
		Namespace:    ns,
		Region:       env("OCI_REGION_ID", ""),
		PublicBucket: env("OCI_BUCKET_MOTANDO_IMG", ""),
		TempBucket:   env("OCI_BUCKET_MOTANDO_IMGTMP", ""),
		Auth:         env("MOTANDO_OCI_AUTH", "config_file"),
		ConfigFile:   env("OCI_CONFIG_FILE", "~/.oci/config"),
		Profile:      env("MOTANDO_OCI_PROFILE", "DEFAULT"),
		Endpoint:     env("MOTANDO_OCI_ENDPOINT", ""),
		CopyMode:     env("MOTANDO_OCI_COPY", "server"),
		PublicURL:    env("MOTANDO_OCI_PUBLIC_URL", ""),
	}
	for _, req := range []struct{ name, val string }{
		{"OCI_REGION_ID", o.Region}, {"OCI_BUCKET_MOTANDO_IMG", o.PublicBucket}, {"OCI_BUCKET_MOTANDO_IMGTMP", o.TempBucket},
	} {
		if req.val == "" {
			return nil, &configError{req.name, "", "must be set when OCI_OBJSTR_NAMESPACE is"}
		}
	}
	switch o.Auth {
	case "config_file", "instance_principal", "workload_identity":
	default:
		return nil, &configError{"MOTANDO_OCI_AUTH", o.Auth, "must be config_file, instance_principal or workload_identity"}
	}
	if o.CopyMode != "server" && o.CopyMode != "getput" {
		return nil, &configError{"MOTANDO_OCI_COPY", o.CopyMode, "must be server or getput"}
	}
	return o, nil
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 65535
}

// sameListener tells whether two listen addresses would take the same
// port: the same port, on the same host or on all interfaces.
func sameListener(a, b string) bool {
	ha, pa, _ := net.SplitHostPort(a)
	hb, pb, _ := net.SplitHostPort(b)
	if pa != pb {
		return false
	}
	all := func(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" }
	return ha == hb || all(ha) || all(hb)
}

func portSuffix(addr string) string {
	_, port, _ := net.SplitHostPort(addr)
	if port == "80" {
		return ""
	}
	return ":" + port
}

func intVar(env func(string, string) string, name string, def, lo, hi int) (int, error) {
	raw := env(name, "")
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return 0, &configError{name, raw, fmt.Sprintf("must be a whole number from %d to %d", lo, hi)}
	}
	return n, nil
}

func durationVar(env func(string, string) string, name string, def time.Duration) (time.Duration, error) {
	raw := env(name, "")
	if raw == "" {
		return def, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 {
		return 0, &configError{name, raw, "must be a positive duration such as 25s or 2m"}
	}
	return d, nil
}

// secret returns MOTANDO_SECRET or, when unset (DEV), a random secret kept
// in the data folder so that it survives restarts.
func (c *config) secret() ([]byte, error) {
	if c.Secret != "" {
		return []byte(c.Secret), nil
	}
	path := filepath.Join(c.DataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		return b, nil
	}
	b := make([]byte, 32)
	rand.Read(b)
	key := []byte(hex.EncodeToString(b))
	if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("keep the secret: %w", err)
	}
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("keep the secret: %w", err)
	}
	return key, nil
}

// sqlitePath is where the embedded database lives.
func (c *config) sqlitePath() string { return filepath.Join(c.DataDir, "motando.db") }

// osEnv is the real environment.
var osEnv = os.LookupEnv
