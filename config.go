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

	// Stats: the web processes count ad views, contact taps and searches
	// (MOTANDO_STATS).
	Stats bool

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
	env := environment(lookupEnv)
	c := &config{Role: role}
	for _, load := range configSections {
		if err := load(c, env); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// configSections read the configuration one section after the other; the
// first problem found is the one reported, so their order is part of what
// the program says.
var configSections = []func(*config, environment) error{
	checkRole, loadAppEnv, loadListeners, loadMySQL, loadRedis, loadLimits,
	loadLogLevel, loadTrustedProxies, loadSecret, loadSMTP, loadOCI, loadOCILog, loadStats,
}

// environment looks up a variable, telling whether it is set.
type environment func(string) (string, bool)

// raw is the variable's value as written; empty when unset.
func (e environment) raw(name string) string {
	v, _ := e(name)
	return v
}

// get is the variable's value without surrounding spaces, or def when it
// is unset or blank.
func (e environment) get(name, def string) string {
	if v := strings.TrimSpace(e.raw(name)); v != "" {
		return v
	}
	return def
}

// checkRole refuses a -role other than all, web or worker.
func checkRole(c *config, _ environment) error {
	switch c.Role {
	case roleAll, roleWeb, roleWorker:
		return nil
	}
	return &configError{"-role", c.Role, "must be all, web or worker"}
}

// loadAppEnv reads APP_ENV: DEV (the default) or PRD, in any case.
func loadAppEnv(c *config, env environment) error {
	switch strings.ToUpper(env.get("APP_ENV", "DEV")) {
	case "DEV":
	case "PRD":
		c.Production = true
	default:
		return &configError{"APP_ENV", env.raw("APP_ENV"), "must be DEV or PRD"}
	}
	return nil
}

// loadListeners reads where the site listens, where it keeps its data and
// the address it gives itself in links.
func loadListeners(c *config, env environment) error {
	c.Addr = env.get("MOTANDO_ADDR", ":8000")
	if !validListenAddr(c.Addr) {
		return &configError{"MOTANDO_ADDR", c.Addr, "must be host:port or :port, with a port from 1 to 65535"}
	}
	if err := loadOpsAddr(c, env); err != nil {
		return err
	}
	c.DataDir = filepath.Clean(env.get("MOTANDO_DATA_DIR", "./data"))
	c.BaseURL = strings.TrimRight(env.get("MOTANDO_BASE_URL", "http://localhost"+portSuffix(c.Addr)), "/")
	if !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		return &configError{"MOTANDO_BASE_URL", c.BaseURL, "must start with http:// or https://"}
	}
	return nil
}

// loadOpsAddr reads MOTANDO_OPS_ADDR, after MOTANDO_ADDR. Unset: the
// default, given up when MOTANDO_ADDR took its port; set but empty, or
// off: no operations listener.
func loadOpsAddr(c *config, env environment) error {
	v, set := env("MOTANDO_OPS_ADDR")
	v = strings.TrimSpace(v)
	switch {
	case !set:
		c.OpsAddr = defaultOpsAddr
	case v == "" || strings.EqualFold(v, "off"):
		return nil
	case !validListenAddr(v):
		return &configError{"MOTANDO_OPS_ADDR", v, "must be host:port or :port, with a port from 1 to 65535, or off"}
	default:
		c.OpsAddr, c.OpsAddrSet = v, true
	}
	if !sameListener(c.Addr, c.OpsAddr) {
		return nil
	}
	if c.OpsAddrSet {
		return &configError{"MOTANDO_OPS_ADDR", c.OpsAddr, "must not take MOTANDO_ADDR's port: /metrics is never served on the public listener"}
	}
	c.OpsAddr = "" // MOTANDO_ADDR took the default's port
	return nil
}

// loadMySQL reads the MariaDB/MySQL server's settings, when MYSQL_HOST is
// set; without it the database is SQLite.
func loadMySQL(c *config, env environment) error {
	host := env.get("MYSQL_HOST", "")
	if host == "" {
		return nil
	}
	m := gomysql.NewConfig()
	m.Net = "tcp"
	m.Addr = host
	if _, port, err := net.SplitHostPort(host); err != nil {
		m.Addr = net.JoinHostPort(host, "3306")
	} else if !validPort(port) {
		return &configError{"MYSQL_HOST", host, "the port must be a number from 1 to 65535"}
	}
	m.User = env.get("MYSQL_USER", "root")
	m.Passwd = env.raw("MYSQL_PASSWD")
	m.DBName = env.get("MYSQL_DBNAME", "motandodb")
	c.MySQL = m
	return nil
}

// loadRedis reads the Redis server's settings, when REDIS_HOST is set;
// without it the queue is in the process, which only -role=all allows.
func loadRedis(c *config, env environment) error {
	host := env.get("REDIS_HOST", "")
	if host == "" {
		if c.Role != roleAll {
			return &configError{"REDIS_HOST", "", fmt.Sprintf("-role=%s runs web and worker apart, which needs Redis: set REDIS_HOST", c.Role)}
		}
		return nil
	}
	port := env.get("REDIS_PORT", "6379")
	if !validPort(port) {
		return &configError{"REDIS_PORT", port, "must be a number from 1 to 65535"}
	}
	c.RedisAddr = net.JoinHostPort(host, port)
	c.RedisPassword = env.raw("REDIS_PASSWD")
	c.RedisPrefix = env.get("MOTANDO_REDIS_PREFIX", "motando")
	var err error
	c.RedisTLS, err = boolVar(env.get, "MOTANDO_REDIS_TLS", false)
	return err
}

// loadStats reads MOTANDO_STATS: whether the web processes count ad views,
// contact taps and searches (true, the default) or nothing.
func loadStats(c *config, env environment) error {
	var err error
	c.Stats, err = boolVar(env.get, "MOTANDO_STATS", true)
	return err
}

// loadLimits reads the number of workers, the timeouts and the retention
// periods.
func loadLimits(c *config, env environment) error {
	var err error
	if c.Workers, err = intVar(env.get, "MOTANDO_WORKERS", 4, 1, 256); err != nil {
		return err
	}
	for _, d := range []struct {
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
	} {
		if *d.dst, err = durationVar(env.get, d.name, d.def); err != nil {
			return err
		}
	}
	for _, d := range []struct {
		dst       *time.Duration
		name      string
		def, most int
	}{
		{&c.AdTTL, "MOTANDO_AD_TTL_DAYS", 60, 3650},
		{&c.TempRetention, "MOTANDO_TMP_RETENTION_DAYS", 2, 365},
	} {
		days, err := intVar(env.get, d.name, d.def, 1, d.most)
		if err != nil {
			return err
		}
		*d.dst = time.Duration(days) * 24 * time.Hour
	}
	return nil
}

// loadLogLevel reads MOTANDO_LOG_LEVEL: debug, info (the default), warn or
// error.
func loadLogLevel(c *config, env environment) error {
	if err := c.LogLevel.UnmarshalText([]byte(env.get("MOTANDO_LOG_LEVEL", "info"))); err != nil {
		return &configError{"MOTANDO_LOG_LEVEL", env.raw("MOTANDO_LOG_LEVEL"), "must be debug, info, warn or error"}
	}
	return nil
}

// loadTrustedProxies reads MOTANDO_TRUSTED_PROXIES: IP addresses and CIDR
// ranges, separated by commas.
func loadTrustedProxies(c *config, env environment) error {
	for _, p := range strings.Split(env.get("MOTANDO_TRUSTED_PROXIES", ""), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return &configError{"MOTANDO_TRUSTED_PROXIES", p, "must be IP addresses or CIDR ranges, separated by commas"}
			}
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	return nil
}

// loadSecret reads MOTANDO_SECRET, required in production.
func loadSecret(c *config, env environment) error {
	c.Secret = env.get("MOTANDO_SECRET", "")
	switch {
	case c.Secret != "" && len(c.Secret) < 32:
		return &configError{"MOTANDO_SECRET", "(hidden)", "must have at least 32 characters"}
	case c.Secret == "" && c.Production:
		return &configError{"MOTANDO_SECRET", "", "must be set when APP_ENV=PRD (at least 32 random characters)"}
	}
	return nil
}

// loadSMTP reads the outgoing mail server's settings, required in
// production; without them (DEV) e-mails are logged.
func loadSMTP(c *config, env environment) error {
	host := env.get("MOTANDO_SMTP_HOST", "")
	if host == "" {
		if c.Production {
			// Without a mail server e-mails are only logged, and they carry
			// password-reset links and private conversation links.
			return &configError{"MOTANDO_SMTP_HOST", "", "must be set when APP_ENV=PRD: without it e-mails, reset links included, would be written to the logs"}
		}
		return nil
	}
	port, err := intVar(env.get, "MOTANDO_SMTP_PORT", 587, 1, 65535)
	if err != nil {
		return err
	}
	c.SMTP = &smtpSettings{Host: host, Port: port, User: env.get("MOTANDO_SMTP_USER", ""), Password: env.raw("MOTANDO_SMTP_PASSWD"),
		From: env.get("MOTANDO_SMTP_FROM", "Motando <nao-responda@"+host+">")}
	return nil
}

// loadOCI reads the OCI Object Storage settings, when OCI_OBJSTR_NAMESPACE
// is set; without it photos are kept in local folders.
func loadOCI(c *config, env environment) error {
	ns := env.get("OCI_OBJSTR_NAMESPACE", "")
	if ns == "" {
		return nil
	}
	var err error
	c.OCI, err = loadOCISettings(ns, env.get)
	return err
}

// loadOCILog reads where this role's logs go in OCI Logging. The web's
// lines go to the webapp log, the worker's to the workflow log; a process
// running both uses the webapp log when it is set.
func loadOCILog(c *config, env environment) error {
	logID := env.get("WEBAPP_OCI_LOG_ID", "")
	if c.Role == roleWorker || logID == "" && c.Role == roleAll {
		logID = env.get("WORKFLOW_OCI_LOG_ID", "")
	}
	if logID == "" {
		return nil
	}
	l := &ociLogSettings{LogID: logID, Endpoint: env.get("MOTANDO_OCI_LOGGING_ENDPOINT", ""),
		Auth: env.get("MOTANDO_OCI_AUTH", "config_file"), ConfigFile: env.get("OCI_CONFIG_FILE", "~/.oci/config"),
		Profile: env.get("MOTANDO_OCI_PROFILE", "DEFAULT"), Region: env.get("OCI_REGION_ID", "")}
	var err error
	if l.Buffer, err = intVar(env.get, "MOTANDO_OCI_LOG_BUFFER", 10_000, 1, 1_000_000); err != nil {
		return err
	}
	if l.Region == "" && l.Endpoint == "" {
		return &configError{"OCI_REGION_ID", "", "must be set when WEBAPP_OCI_LOG_ID or WORKFLOW_OCI_LOG_ID is"}
	}
	c.OCILog = l
	return nil
}

// loadOCISettings reads the OCI Object Storage settings of namespace ns
// and checks them.
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

// validPort tells whether s is a port number, 1 to 65535.
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

// validListenAddr tells whether addr is host:port or :port with a valid
// port.
func validListenAddr(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	return err == nil && validPort(port)
}

// portSuffix is what a URL adds for addr's port: ":8000", or nothing for
// port 80.
func portSuffix(addr string) string {
	_, port, _ := net.SplitHostPort(addr)
	if port == "80" {
		return ""
	}
	return ":" + port
}

// intVar reads a whole number from lo to hi; def when the variable is
// unset.
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

// boolVar reads true or false (also 1/0, yes/no); def when the variable is
// unset.
func boolVar(env func(string, string) string, name string, def bool) (bool, error) {
	switch v := strings.ToLower(env(name, "")); v {
	case "":
		return def, nil
	case "true", "1", "yes":
		return true, nil
	case "false", "0", "no":
		return false, nil
	default:
		return false, &configError{name, v, "must be true or false"}
	}
}

// durationVar reads a positive duration; def when the variable is unset.
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

// databaseName names the site's database for the operator: the MySQL
// server and database, or the SQLite file.
func (c *config) databaseName() string {
	if c.MySQL != nil {
		return "MySQL " + c.MySQL.Addr + "/" + c.MySQL.DBName
	}
	return "SQLite " + c.sqlitePath()
}

// osEnv is the real environment.
var osEnv = os.LookupEnv
