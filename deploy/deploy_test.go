// Package deploy_test checks the deployment files against each other and
// against the binary: docker-compose.yml, .env.example, deploy/Dockerfile,
// deploy/k8s and deploy/terraform. deploy/ holds no Go code of its own.
package deploy_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/oracle/oci-go-sdk/v65/common/auth"
	"go.yaml.in/yaml/v3"
)

// Paths, relative to this package's folder.
const (
	configGo      = "../config.go"
	composeFile   = "../docker-compose.yml"
	envExample    = "../.env.example"
	dockerignore  = "../.dockerignore"
	dockerfile    = "Dockerfile"
	k8sDir        = "k8s"
	terraformDir  = "terraform"
	imageName     = "motando" // the image's repository name, everywhere
	healthPath    = "/healthz"
	readinessPath = "/readyz"
	metricsPath   = "/metrics"
	opsPortName   = "ops" // the container port of the operations listener (MOTANDO_OPS_ADDR)
)

// Variables read by something other than config.go that the manifests may
// set: the OCI SDK's OKE workload identity, and the Go runtime.
var (
	sdkVars = []string{auth.ResourcePrincipalVersionEnvVar, auth.ResourcePrincipalRegionEnvVar}
	goVars  = []string{"GOMEMLIMIT", "GOGC", "GOMAXPROCS", "GODEBUG"}
)

// ---------------------------------------------------------------- config.go --

var envName = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$`)

// readsVariable reports whether a call's function is one of config.go's
// ways of reading a variable: env, getenv, intVar, durationVar, or the
// environment's get and raw methods.
func readsVariable(fun ast.Expr) bool {
	switch fn := fun.(type) {
	case *ast.Ident:
		return slices.Contains([]string{"env", "getenv", "intVar", "durationVar"}, fn.Name)
	case *ast.SelectorExpr:
		return slices.Contains([]string{"get", "raw"}, fn.Sel.Name)
	}
	return false
}

// binaryVars returns the environment variables the binary reads: every
// variable-shaped string literal of config.go. It also checks that the ones
// passed to env, getenv, intVar, durationVar, get and raw are among them, so that a new
// way of reading a variable cannot go unseen.
func binaryVars(t *testing.T) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, configGo, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	literals, called := map[string]bool{}, map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if s, err := strconv.Unquote(n.Value); err == nil && n.Kind == token.STRING && envName.MatchString(s) {
				literals[s] = true
			}
		case *ast.CallExpr:
			if !readsVariable(n.Fun) {
				return true
			}
			for _, a := range n.Args {
				if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, _ := strconv.Unquote(lit.Value); envName.MatchString(s) {
						called[s] = true
					}
				}
			}
		}
		return true
	})
	for name := range called {
		if !literals[name] {
			t.Fatalf("config.go: %s is read but was not collected", name)
		}
	}
	// Anchors: the extraction must find what config.go is known to read.
	for _, name := range []string{"APP_ENV", "MOTANDO_ADDR", "MYSQL_HOST", "MYSQL_PASSWD", "REDIS_HOST", "OCI_OBJSTR_NAMESPACE", "OCI_CONFIG_FILE", "MOTANDO_WORKERS", "MOTANDO_SHUTDOWN_TIMEOUT"} {
		if !literals[name] {
			t.Fatalf("config.go: %s not found: has the way variables are read changed?", name)
		}
	}
	if len(called) < 25 {
		t.Fatalf("config.go: only %d variables found in env/getenv/intVar/durationVar calls", len(called))
	}
	return literals
}

// --------------------------------------------------------------- .env.example --

type envLine struct {
	name, value string
	line        int
}

// readEnvExample returns the NAME=value lines of .env.example and checks
// that each has a comment line right above it.
func readEnvExample(t *testing.T) []envLine {
	t.Helper()
	data, err := os.ReadFile(envExample)
	if err != nil {
		t.Fatal(err)
	}
	assign := regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)
	var out []envLine
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		m := assign.FindStringSubmatch(l)
		if m == nil {
			t.Errorf(".env.example:%d: not NAME=value: %q", i+1, l)
			continue
		}
		if i == 0 || !strings.HasPrefix(strings.TrimSpace(lines[i-1]), "#") {
			t.Errorf(".env.example:%d: %s has no one-line comment above it", i+1, m[1])
		}
		out = append(out, envLine{m[1], m[2], i + 1})
	}
	return out
}

func TestEnvExampleListsEveryVariable(t *testing.T) {
	vars := binaryVars(t)
	lines := readEnvExample(t)
	composeVars := composeInterpolated(t)
	seen := map[string]bool{}
	for _, l := range lines {
		if seen[l.name] {
			t.Errorf(".env.example:%d: %s is set twice", l.line, l.name)
		}
		seen[l.name] = true
		if !vars[l.name] && !composeVars[l.name] {
			t.Errorf(".env.example:%d: %s is read neither by the binary (config.go) nor by docker-compose.yml", l.line, l.name)
		}
		if l.name == "MOTANDO_SECRET" && l.value != "" && len(l.value) < 32 {
			t.Errorf(".env.example:%d: MOTANDO_SECRET must be empty or 32 characters or more", l.line)
		}
	}
	for _, name := range sortedKeys(vars) {
		if !seen[name] {
			t.Errorf(".env.example does not list %s, which config.go reads", name)
		}
	}
	// Every compose-only knob is documented there too.
	for _, name := range sortedKeys(composeVars) {
		if !seen[name] {
			t.Errorf("docker-compose.yml uses ${%s}, which .env.example does not list", name)
		}
	}
}

// ------------------------------------------------------------------ compose --

type composeSpec struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image string `yaml:"image"`
	Build *struct {
		Context    string `yaml:"context"`
		Dockerfile string `yaml:"dockerfile"`
		Target     string `yaml:"target"`
	} `yaml:"build"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
	Profiles    []string          `yaml:"profiles"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck *struct {
		Test    []string `yaml:"test"`
		Disable bool     `yaml:"disable"`
	} `yaml:"healthcheck"`
	Deploy *struct {
		Replicas string `yaml:"replicas"`
	} `yaml:"deploy"`
}

func readCompose(t *testing.T) composeSpec {
	t.Helper()
	data, err := os.ReadFile(composeFile)
	if err != nil {
		t.Fatal(err)
	}
	var c composeSpec
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	if len(c.Services) == 0 {
		t.Fatal("docker-compose.yml: no services")
	}
	return c
}

var interpolation = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+]([^}]*))?\}`)

// composeInterpolated returns the variables docker-compose.yml interpolates
// (${NAME}, ${NAME:-default}; $$ escapes a dollar for the container's shell).
func composeInterpolated(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(composeFile)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, m := range interpolation.FindAllStringSubmatch(strings.ReplaceAll(string(data), "$$", ""), -1) {
		out[m[1]] = true
	}
	return out
}

// interpolate resolves a compose value as it is with no .env: ${X:-def} is def.
func interpolate(s string) string {
	s = strings.ReplaceAll(s, "$$", "\x00")
	s = interpolation.ReplaceAllStringFunc(s, func(m string) string {
		return interpolation.FindStringSubmatch(m)[2]
	})
	return strings.ReplaceAll(s, "\x00", "$")
}

// siteServices are the compose services that run the Motando image.
func siteServices(t *testing.T, c composeSpec) map[string]composeService {
	t.Helper()
	out := map[string]composeService{}
	for name, s := range c.Services {
		if repo, _, _ := strings.Cut(interpolate(s.Image), ":"); repo == imageName {
			out[name] = s
		}
	}
	if len(out) == 0 {
		t.Fatalf("docker-compose.yml: no service runs the %s image", imageName)
	}
	return out
}

func TestComposeSetsOnlyVariablesTheBinaryReads(t *testing.T) {
	vars := binaryVars(t)
	c := readCompose(t)
	for name, s := range siteServices(t, c) {
		if len(s.Environment) < 10 {
			t.Errorf("compose %s: only %d variables set", name, len(s.Environment))
		}
		for _, k := range sortedKeys(s.Environment) {
			if !vars[k] {
				t.Errorf("compose %s sets %s, which the binary does not read (config.go)", name, k)
			}
		}
		// The original never passed REDIS_PASSWD; this one must.
		for _, k := range []string{"APP_ENV", "MYSQL_HOST", "MYSQL_USER", "MYSQL_PASSWD", "MYSQL_DBNAME", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWD", "OCI_OBJSTR_NAMESPACE"} {
			if _, ok := s.Environment[k]; !ok {
				t.Errorf("compose %s does not pass %s", name, k)
			}
		}
		if s.Environment["MYSQL_HOST"] != "mysql" || s.Environment["REDIS_HOST"] != "redis" {
			t.Errorf("compose %s: MYSQL_HOST=%q REDIS_HOST=%q, want the compose services mysql and redis", name, s.Environment["MYSQL_HOST"], s.Environment["REDIS_HOST"])
		}
	}
}

func TestComposeStack(t *testing.T) {
	c := readCompose(t)
	site := siteServices(t, c)

	mysql, ok := c.Services["mysql"]
	if !ok || mysql.Image != "mysql:8.0.35-oraclelinux8" {
		t.Errorf("compose mysql: image %q, want mysql:8.0.35-oraclelinux8", mysql.Image)
	}
	if got := interpolate(mysql.Environment["MYSQL_DATABASE"]); got != "motandodb" {
		t.Errorf("compose mysql: MYSQL_DATABASE defaults to %q, want motandodb", got)
	}
	redis, ok := c.Services["redis"]
	if !ok || !strings.HasPrefix(redis.Image, "redis:7") {
		t.Errorf("compose redis: image %q, want redis:7", redis.Image)
	}
	for _, name := range []string{"mysql", "redis"} {
		s := c.Services[name]
		if s.Healthcheck == nil || len(s.Healthcheck.Test) == 0 || s.Healthcheck.Disable {
			t.Errorf("compose %s: no health check", name)
		}
		if len(s.Volumes) == 0 {
			t.Errorf("compose %s: no volume", name)
		}
		for _, v := range s.Volumes {
			vol, _, _ := strings.Cut(v, ":")
			if _, ok := c.Volumes[vol]; !ok {
				t.Errorf("compose %s: volume %q is not a named volume", name, vol)
			}
		}
	}
	// The site's settings for the database agree with what MySQL creates.
	for name, s := range site {
		for appVar, dbVar := range map[string]string{"MYSQL_USER": "MYSQL_USER", "MYSQL_PASSWD": "MYSQL_PASSWORD", "MYSQL_DBNAME": "MYSQL_DATABASE"} {
			if interpolate(s.Environment[appVar]) != interpolate(mysql.Environment[dbVar]) {
				t.Errorf("compose %s: %s=%q but mysql's %s=%q", name, appVar, s.Environment[appVar], dbVar, mysql.Environment[dbVar])
			}
		}
		if s.Build == nil || filepath.ToSlash(filepath.Clean(filepath.Join(s.Build.Context, s.Build.Dockerfile))) != "deploy/Dockerfile" {
			t.Errorf("compose %s: not built from deploy/Dockerfile", name)
		}
	}

	migrate, ok := site["migrate"]
	if !ok || !slices.Equal(migrate.Command, []string{"migrate"}) {
		t.Fatalf("compose: no migrate service running `migrate`")
	}
	if migrate.DependsOn["mysql"].Condition != "service_healthy" {
		t.Errorf("compose migrate: must wait for a healthy mysql")
	}
	wantRoles := map[string]string{"app": "-role=all", "web": "-role=web", "worker": "-role=worker"}
	for name, role := range wantRoles {
		s, ok := site[name]
		if !ok {
			t.Errorf("compose: no %s service", name)
			continue
		}
		if !slices.Contains(s.Command, role) {
			t.Errorf("compose %s: command %q, want %s", name, s.Command, role)
		}
		if s.DependsOn["migrate"].Condition != "service_completed_successfully" {
			t.Errorf("compose %s: must start after migrate completed successfully", name)
		}
		for _, dep := range []string{"mysql", "redis"} {
			if s.DependsOn[dep].Condition != "service_healthy" {
				t.Errorf("compose %s: must wait for a healthy %s", name, dep)
			}
		}
		if split := slices.Contains(s.Profiles, "split"); split != (name != "app") {
			t.Errorf("compose %s: profiles %q (web and worker in profile split, app in none)", name, s.Profiles)
		}
	}
	if w := site["worker"]; w.Deploy == nil || !regexp.MustCompile(`^\$\{[A-Z_]+:-[1-9][0-9]*\}$`).MatchString(w.Deploy.Replicas) {
		t.Errorf("compose worker: deploy.replicas must come from a variable with a default, e.g. ${WORKER_REPLICAS:-2}")
	}
}

// ------------------------------------------------------------------- docker --

type dockerInstr struct {
	cmd  string // upper case
	args string
	line int
}

type dockerStage struct {
	from, name string
	instrs     []dockerInstr
}

func readDockerfile(t *testing.T) []*dockerStage {
	t.Helper()
	data, err := os.ReadFile(dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	var stages []*dockerStage
	sc := bufio.NewScanner(bytes.NewReader(data))
	var cur strings.Builder
	n, start := 0, 0
	for sc.Scan() {
		n++
		l := strings.TrimSpace(sc.Text())
		if l == "" && cur.Len() == 0 || strings.HasPrefix(l, "#") {
			continue
		}
		if cur.Len() == 0 {
			start = n
		}
		if cont, ok := strings.CutSuffix(l, `\`); ok {
			cur.WriteString(cont + " ")
			continue
		}
		cur.WriteString(l)
		line := cur.String()
		cur.Reset()
		cmd, args, _ := strings.Cut(line, " ")
		in := dockerInstr{strings.ToUpper(cmd), strings.TrimSpace(args), start}
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			f = slices.DeleteFunc(f, func(s string) bool { return strings.HasPrefix(s, "--") })
			st := &dockerStage{from: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				st.name = f[2]
			}
			stages = append(stages, st)
			continue
		}
		if len(stages) > 0 {
			stages[len(stages)-1].instrs = append(stages[len(stages)-1].instrs, in)
		}
	}
	if len(stages) < 2 {
		t.Fatalf("Dockerfile: %d stages, want a builder and a runtime", len(stages))
	}
	return stages
}

// chain returns the stage and the stages it is built FROM, nearest first.
func chain(stages []*dockerStage, st *dockerStage) []*dockerStage {
	out := []*dockerStage{st}
	for {
		i := slices.IndexFunc(stages, func(s *dockerStage) bool { return s.name != "" && s.name == st.from })
		if i < 0 {
			return out
		}
		st = stages[i]
		out = append(out, st)
	}
}

func stageNamed(stages []*dockerStage, name string) *dockerStage {
	for _, s := range stages {
		if s.name == name {
			return s
		}
	}
	return nil
}

// instrs returns the instructions of a chain in build order.
func instrs(ch []*dockerStage, cmd string) []dockerInstr {
	var out []dockerInstr
	for i := len(ch) - 1; i >= 0; i-- {
		for _, in := range ch[i].instrs {
			if in.cmd == cmd {
				out = append(out, in)
			}
		}
	}
	return out
}

// envKeys parses ENV a=b c=d (and the legacy ENV a b).
func envKeys(args string) []string {
	if !strings.Contains(strings.Fields(args)[0], "=") {
		return []string{strings.Fields(args)[0]}
	}
	var keys []string
	for _, f := range strings.Fields(args) {
		if k, _, ok := strings.Cut(f, "="); ok {
			keys = append(keys, k)
		}
	}
	return keys
}

var secretMaterial = regexp.MustCompile(`(?i)ocisecrt|\.pem$|\.key$|(^|/)\.oci(/|$)|(^|/)config$|credential|secret|id_rsa|\.p12$|\.pfx$`)

func TestDockerfileProductionCarriesNoCredentials(t *testing.T) {
	vars := binaryVars(t)
	stages := readDockerfile(t)
	last := stages[len(stages)-1]
	if last.name != "production" {
		t.Errorf("Dockerfile: the last (default) stage is %q, want production", last.name)
	}
	prod := chain(stages, last)
	for _, cmd := range []string{"COPY", "ADD"} {
		for _, in := range instrs(prod, cmd) {
			f := slices.DeleteFunc(strings.Fields(in.args), func(s string) bool { return strings.HasPrefix(s, "--") })
			if len(f) < 2 {
				t.Errorf("Dockerfile:%d: %s %s: want a source and a destination", in.line, cmd, in.args)
				continue
			}
			for _, src := range f[:len(f)-1] {
				if secretMaterial.MatchString(strings.TrimSuffix(src, "/")) {
					t.Errorf("Dockerfile:%d: the production image copies %q, which looks like credentials", in.line, src)
				}
				if !strings.Contains(in.args, "--from=") && (src == "." || src == "./") {
					t.Errorf("Dockerfile:%d: the production image copies the whole build context (deploy/ocisecrt/ included)", in.line)
				}
			}
		}
	}
	var user string
	for _, in := range instrs(prod, "USER") {
		user = in.args
	}
	if u, _, _ := strings.Cut(user, ":"); u == "" || u == "0" || u == "root" {
		t.Errorf("Dockerfile: the production image runs as %q, want a non-root USER", user)
	}
	for _, in := range instrs(prod, "ENV") {
		for _, k := range envKeys(in.args) {
			if k == "OCI_CONFIG_FILE" {
				t.Errorf("Dockerfile:%d: the production image points OCI_CONFIG_FILE at a file", in.line)
			}
			if !vars[k] {
				t.Errorf("Dockerfile:%d: ENV %s is not read by the binary", in.line, k)
			}
		}
	}
	if ep := instrs(prod, "ENTRYPOINT"); len(ep) == 0 || ep[len(ep)-1].args != `["/motando"]` {
		t.Errorf(`Dockerfile: the production image's ENTRYPOINT must be ["/motando"] (one image, any role)`)
	}
	if hc := instrs(prod, "HEALTHCHECK"); len(hc) == 0 || !strings.HasSuffix(hc[len(hc)-1].args, `CMD ["/motando", "healthcheck"]`) {
		t.Errorf(`Dockerfile: the production image needs HEALTHCHECK ... CMD ["/motando", "healthcheck"] (no shell nor curl in it)`)
	}

	// The builder makes a static binary.
	build := stages[0]
	var static bool
	for _, in := range build.instrs {
		static = static || in.cmd == "RUN" && strings.Contains(in.args, "CGO_ENABLED=0") && strings.Contains(in.args, "go build")
	}
	if !strings.HasPrefix(build.from, "golang:") || !static {
		t.Errorf("Dockerfile: the first stage must be golang:* running CGO_ENABLED=0 go build")
	}

	// envdev adds the developer's OCI configuration on top of the same image.
	dev := stageNamed(stages, "envdev")
	if dev == nil {
		t.Fatal("Dockerfile: no envdev stage")
	}
	devChain := chain(stages, dev)
	if !slices.ContainsFunc(devChain[1:], func(s *dockerStage) bool { return slices.Contains(prod, s) }) {
		t.Errorf("Dockerfile: envdev must be built FROM the production image's stages")
	}
	var copies, sets bool
	for _, in := range dev.instrs {
		copies = copies || in.cmd == "COPY" && strings.Contains(in.args, "deploy/ocisecrt/")
		sets = sets || in.cmd == "ENV" && slices.Contains(envKeys(in.args), "OCI_CONFIG_FILE")
	}
	if !copies || !sets {
		t.Errorf("Dockerfile: envdev must COPY deploy/ocisecrt/ and set OCI_CONFIG_FILE")
	}
}

func TestSecretsStayOutOfGitAndBuilds(t *testing.T) {
	gi, err := os.ReadFile(".gitignore")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^/?ocisecrt/?$`).Match(gi) {
		t.Error("deploy/.gitignore must ignore ocisecrt/")
	}
	for _, p := range []string{"terraform.tfvars", "x.tfstate"} {
		if !gitignored(string(gi), "terraform/"+p) {
			t.Errorf("deploy/.gitignore must ignore terraform/%s", p)
		}
	}
	di, err := os.ReadFile(dockerignore)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{".git", ".env", "data/"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(p) + `$`).Match(di) {
			t.Errorf(".dockerignore must leave out %s", p)
		}
	}
}

// gitignored is enough of gitignore for deploy/.gitignore's patterns.
func gitignored(patterns, path string) bool {
	ignored := false
	for _, p := range strings.Split(patterns, "\n") {
		p = strings.TrimSpace(p)
		if p == "" || strings.HasPrefix(p, "#") {
			continue
		}
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(strings.TrimPrefix(p, "!"), "/")
		if ok, _ := filepath.Match(p, path); ok {
			ignored = !neg
		}
	}
	return ignored
}

// exposedPort is the site's port: the first the production image exposes.
func exposedPort(t *testing.T) int {
	t.Helper()
	return exposedPorts(t)[0]
}

// exposedPorts are the ports of the production image's one EXPOSE: the
// site's, then the operations listener's.
func exposedPorts(t *testing.T) []int {
	t.Helper()
	stages := readDockerfile(t)
	ex := instrs(chain(stages, stages[len(stages)-1]), "EXPOSE")
	if len(ex) != 1 {
		t.Fatalf("Dockerfile: %d EXPOSE in the production image, want 1", len(ex))
	}
	var ports []int
	for _, f := range strings.Fields(ex[0].args) {
		port, err := strconv.Atoi(strings.TrimSuffix(f, "/tcp"))
		if err != nil {
			t.Fatalf("Dockerfile: EXPOSE %s: %v", ex[0].args, err)
		}
		ports = append(ports, port)
	}
	if len(ports) != 2 {
		t.Fatalf("Dockerfile: EXPOSE %s, want the site's port and the operations listener's", ex[0].args)
	}
	return ports
}

// ---------------------------------------------------------------------- k8s --

type k8sMeta struct {
	Name        string            `yaml:"name"`
	Namespace   string            `yaml:"namespace"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type k8sDoc struct {
	file       string
	APIVersion string  `yaml:"apiVersion"`
	Kind       string  `yaml:"kind"`
	Metadata   k8sMeta `yaml:"metadata"`
	node       yaml.Node
}

type labelSelector struct {
	MatchLabels map[string]string `yaml:"matchLabels"`
}

type probe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"`
	} `yaml:"httpGet"`
	InitialDelaySeconds int `yaml:"initialDelaySeconds"`
	PeriodSeconds       int `yaml:"periodSeconds"`
	TimeoutSeconds      int `yaml:"timeoutSeconds"`
	FailureThreshold    int `yaml:"failureThreshold"`
}

type container struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	EnvFrom []struct {
		ConfigMapRef *struct {
			Name string `yaml:"name"`
		} `yaml:"configMapRef"`
		SecretRef *struct {
			Name string `yaml:"name"`
		} `yaml:"secretRef"`
	} `yaml:"envFrom"`
	Env []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	StartupProbe   *probe `yaml:"startupProbe"`
	LivenessProbe  *probe `yaml:"livenessProbe"`
	ReadinessProbe *probe `yaml:"readinessProbe"`
	Resources      struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	SecurityContext struct {
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
		ReadOnlyRootFilesystem   *bool `yaml:"readOnlyRootFilesystem"`
	} `yaml:"securityContext"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

type podTemplate struct {
	Metadata k8sMeta `yaml:"metadata"`
	Spec     struct {
		ServiceAccountName string `yaml:"serviceAccountName"`
		RestartPolicy      string `yaml:"restartPolicy"`
		SecurityContext    struct {
			RunAsNonRoot *bool `yaml:"runAsNonRoot"`
			RunAsUser    *int  `yaml:"runAsUser"`
		} `yaml:"securityContext"`
		Containers []container `yaml:"containers"`
		Volumes    []struct {
			Name     string         `yaml:"name"`
			EmptyDir map[string]any `yaml:"emptyDir"`
		} `yaml:"volumes"`
	} `yaml:"spec"`
}

type workload struct {
	Spec struct {
		Replicas     *int          `yaml:"replicas"`
		BackoffLimit *int          `yaml:"backoffLimit"`
		Selector     labelSelector `yaml:"selector"`
		Strategy     struct {
			Type          string `yaml:"type"`
			RollingUpdate struct {
				MaxUnavailable any `yaml:"maxUnavailable"`
				MaxSurge       any `yaml:"maxSurge"`
			} `yaml:"rollingUpdate"`
		} `yaml:"strategy"`
		Template podTemplate `yaml:"template"`
	} `yaml:"spec"`
}

type k8sSet struct {
	docs []*k8sDoc
}

func readK8s(t *testing.T) *k8sSet {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(k8sDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("deploy/k8s: no manifests (%v)", err)
	}
	set := &k8sSet{}
	for _, f := range files {
		for i, n := range yamlDocs(t, f) {
			d := &k8sDoc{file: f, node: *n}
			if err := n.Decode(d); err != nil {
				t.Fatalf("%s: document %d: %v", f, i+1, err)
			}
			if d.APIVersion == "" || d.Kind == "" {
				t.Fatalf("%s: document %d has no apiVersion or kind", f, i+1)
			}
			if d.Kind != "Kustomization" && d.Metadata.Name == "" {
				t.Fatalf("%s: %s without a name", f, d.Kind)
			}
			if d.Metadata.Namespace != "" {
				t.Errorf("%s: %s %s sets a namespace; the manifests are namespace-agnostic", f, d.Kind, d.Metadata.Name)
			}
			set.docs = append(set.docs, d)
		}
	}
	return set
}

// yamlDocs parses every document of a YAML file.
func yamlDocs(t *testing.T, path string) []*yaml.Node {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
			t.Fatalf("%s: document %d is not a mapping", path, len(docs)+1)
		}
		docs = append(docs, &n)
	}
	if len(docs) == 0 {
		t.Fatalf("%s: no YAML document", path)
	}
	return docs
}

func (s *k8sSet) find(t *testing.T, kind, name string) *k8sDoc {
	t.Helper()
	for _, d := range s.docs {
		if d.Kind == kind && d.Metadata.Name == name {
			return d
		}
	}
	t.Fatalf("deploy/k8s: no %s %s", kind, name)
	return nil
}

func (s *k8sSet) all(kind string) []*k8sDoc {
	var out []*k8sDoc
	for _, d := range s.docs {
		if d.Kind == kind {
			out = append(out, d)
		}
	}
	return out
}

func decode[T any](t *testing.T, d *k8sDoc) T {
	t.Helper()
	var v T
	if err := d.node.Decode(&v); err != nil {
		t.Fatalf("%s: %s %s: %v", d.file, d.Kind, d.Metadata.Name, err)
	}
	return v
}

// workloads returns the Deployments and Jobs.
func (s *k8sSet) workloads(t *testing.T) map[*k8sDoc]workload {
	t.Helper()
	out := map[*k8sDoc]workload{}
	for _, d := range s.docs {
		if d.Kind == "Deployment" || d.Kind == "Job" {
			out[d] = decode[workload](t, d)
		}
	}
	if len(out) < 3 {
		t.Fatalf("deploy/k8s: %d Deployments and Jobs, want web, worker and migrate", len(out))
	}
	return out
}

func TestYAMLParses(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(k8sDir, "*.yaml"))
	files = append(files, composeFile)
	for _, f := range files {
		yamlDocs(t, f) // fails the test on a syntax error
	}
	if set := readK8s(t); len(set.docs) < 10 {
		t.Errorf("deploy/k8s: %d documents", len(set.docs))
	}
}

func TestK8sSetsOnlyVariablesTheBinaryReads(t *testing.T) {
	vars := binaryVars(t)
	allowed := func(name string) bool {
		return vars[name] || slices.Contains(sdkVars, name) || slices.Contains(goVars, name)
	}
	set := readK8s(t)

	cm := set.find(t, "ConfigMap", "motando-config")
	config := decode[struct {
		Data map[string]string `yaml:"data"`
	}](t, cm).Data
	sec := set.find(t, "Secret", "motando-secrets")
	secret := decode[struct {
		StringData map[string]string `yaml:"stringData"`
		Data       map[string]string `yaml:"data"`
	}](t, sec)
	if len(secret.Data) > 0 {
		t.Errorf("%s: use stringData, with placeholders, not data", sec.file)
	}
	for _, k := range sortedKeys(config) {
		if !allowed(k) {
			t.Errorf("%s: %s is not read by the binary (config.go)", cm.file, k)
		}
	}
	for _, k := range sortedKeys(secret.StringData) {
		if !allowed(k) {
			t.Errorf("%s: %s is not read by the binary (config.go)", sec.file, k)
		}
		if _, dup := config[k]; dup {
			t.Errorf("%s is both in the ConfigMap and the Secret", k)
		}
		if v := secret.StringData[k]; !strings.Contains(v, "CHANGE-ME") {
			t.Errorf("%s: %s=%q is not a clearly marked placeholder (CHANGE-ME)", sec.file, k, v)
		}
	}
	// A forgotten placeholder must stop the site, not run it with a known key.
	if v, ok := secret.StringData["MOTANDO_SECRET"]; !ok || len(v) >= 32 {
		t.Errorf("%s: MOTANDO_SECRET's placeholder must exist and be under 32 characters, so the binary refuses it", sec.file)
	}
	for _, k := range []string{"MYSQL_PASSWD", "REDIS_PASSWD", "MOTANDO_SMTP_PASSWD"} {
		if _, ok := config[k]; ok {
			t.Errorf("%s: %s belongs in the Secret", cm.file, k)
		}
		if _, ok := secret.StringData[k]; !ok {
			t.Errorf("%s: %s missing", sec.file, k)
		}
	}
	if config["APP_ENV"] != "PRD" {
		t.Errorf("%s: APP_ENV=%q, want PRD", cm.file, config["APP_ENV"])
	}
	// APP_ENV=PRD refuses to start without a mail server.
	if config["MOTANDO_SMTP_HOST"] == "" {
		t.Errorf("%s: MOTANDO_SMTP_HOST must be set with APP_ENV=PRD", cm.file)
	}

	// OKE workload identity: no credentials anywhere, and the SDK's variables.
	if config["MOTANDO_OCI_AUTH"] != "workload_identity" {
		t.Errorf("%s: MOTANDO_OCI_AUTH=%q, want workload_identity", cm.file, config["MOTANDO_OCI_AUTH"])
	}
	if v := config[auth.ResourcePrincipalVersionEnvVar]; v != auth.ResourcePrincipalVersion2_2 {
		t.Errorf("%s: %s=%q, want %q for OKE workload identity", cm.file, auth.ResourcePrincipalVersionEnvVar, v, auth.ResourcePrincipalVersion2_2)
	}
	if v := config[auth.ResourcePrincipalRegionEnvVar]; v == "" || v != config["OCI_REGION_ID"] {
		t.Errorf("%s: %s=%q, want OCI_REGION_ID's %q", cm.file, auth.ResourcePrincipalRegionEnvVar, v, config["OCI_REGION_ID"])
	}
	if _, ok := config["OCI_CONFIG_FILE"]; ok {
		t.Errorf("%s: OCI_CONFIG_FILE: production authenticates as the workload", cm.file)
	}
	sa := set.find(t, "ServiceAccount", "motando")
	raw, _ := os.ReadFile(sa.file)
	if !regexp.MustCompile(`Allow any-user to manage objects in compartment .* where all \{request\.principal\.type = 'workload', request\.principal\.namespace = '[^']+', request\.principal\.service_account = 'motando'`).Match(raw) {
		t.Errorf("%s: the comment must give the IAM policy statement for the workload", sa.file)
	}

	for d, w := range set.workloads(t) {
		spec := w.Spec.Template.Spec
		if spec.ServiceAccountName != sa.Metadata.Name {
			t.Errorf("%s: %s %s runs as service account %q, want %s", d.file, d.Kind, d.Metadata.Name, spec.ServiceAccountName, sa.Metadata.Name)
		}
		for _, c := range spec.Containers {
			var fromCM, fromSecret bool
			for _, ef := range c.EnvFrom {
				fromCM = fromCM || ef.ConfigMapRef != nil && ef.ConfigMapRef.Name == cm.Metadata.Name
				fromSecret = fromSecret || ef.SecretRef != nil && ef.SecretRef.Name == sec.Metadata.Name
			}
			if !fromCM || !fromSecret {
				t.Errorf("%s: %s %s: env must come from ConfigMap %s and Secret %s", d.file, d.Kind, d.Metadata.Name, cm.Metadata.Name, sec.Metadata.Name)
			}
			for _, e := range c.Env {
				if !allowed(e.Name) {
					t.Errorf("%s: %s %s sets %s, which the binary does not read", d.file, d.Kind, d.Metadata.Name, e.Name)
				}
				if e.Name == "GOMEMLIMIT" && bytesOf(t, strings.TrimSuffix(e.Value, "B")) >= bytesOf(t, c.Resources.Limits["memory"]) {
					t.Errorf("%s: %s: GOMEMLIMIT %s must be below the memory limit %s", d.file, d.Metadata.Name, e.Value, c.Resources.Limits["memory"])
				}
			}
		}
	}
}

// bytesOf reads a Kubernetes binary quantity (Mi, Gi).
func bytesOf(t *testing.T, q string) int64 {
	t.Helper()
	for suffix, mul := range map[string]int64{"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30} {
		if n, ok := strings.CutSuffix(q, suffix); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			if err != nil {
				t.Fatalf("quantity %q: %v", q, err)
			}
			return v * mul
		}
	}
	t.Fatalf("quantity %q: want Ki, Mi or Gi", q)
	return 0
}

// portOf resolves a probe's or a Service's target port against a container.
func portOf(c container, port any) int {
	switch p := port.(type) {
	case int:
		return p
	case string:
		for _, cp := range c.Ports {
			if cp.Name == p {
				return cp.ContainerPort
			}
		}
	}
	return -1
}

func TestImageAndPortsAgree(t *testing.T) {
	ports := exposedPorts(t)
	port, opsPort := ports[0], ports[1]
	if port != 8000 || opsPort != 9090 {
		t.Errorf("Dockerfile: EXPOSE %d %d, want 8000 9090", port, opsPort)
	}
	set := readK8s(t)

	// The kustomization maps the image name every container uses.
	kust := decode[struct {
		Resources []string `yaml:"resources"`
		Images    []struct {
			Name    string `yaml:"name"`
			NewName string `yaml:"newName"`
			NewTag  string `yaml:"newTag"`
		} `yaml:"images"`
	}](t, set.all("Kustomization")[0])
	if len(kust.Images) != 1 || kust.Images[0].Name != imageName || !strings.HasSuffix(kust.Images[0].NewName, "/"+imageName) || kust.Images[0].NewTag == "" {
		t.Errorf("kustomization.yaml: images must map %q to <registry>/%s:<tag>", imageName, imageName)
	}
	files, _ := filepath.Glob(filepath.Join(k8sDir, "*.yaml"))
	for _, f := range files {
		base := filepath.Base(f)
		listed := slices.Contains(kust.Resources, base)
		if skip := base == "kustomization.yaml" || base == "secret.yaml"; listed == skip {
			t.Errorf("kustomization.yaml: %s listed=%v (every manifest but the Secret template must be)", base, listed)
		}
	}

	for d, w := range set.workloads(t) {
		for _, c := range w.Spec.Template.Spec.Containers {
			if c.Image != imageName {
				t.Errorf("%s: %s image %q, want %q (mapped by kustomization.yaml)", d.file, d.Metadata.Name, c.Image, imageName)
			}
			for _, p := range c.Ports {
				want := port
				if p.Name == opsPortName {
					want = opsPort
				}
				if p.ContainerPort != want {
					t.Errorf("%s: %s containerPort %s %d, want the image's %d", d.file, d.Metadata.Name, p.Name, p.ContainerPort, want)
				}
			}
			if d.Kind == "Deployment" && len(c.Ports) == 0 {
				t.Errorf("%s: %s declares no container port", d.file, d.Metadata.Name)
			}
		}
	}
	cm := decode[struct {
		Data map[string]string `yaml:"data"`
	}](t, set.find(t, "ConfigMap", "motando-config")).Data
	if cm["MOTANDO_ADDR"] != fmt.Sprintf(":%d", port) {
		t.Errorf("configmap.yaml: MOTANDO_ADDR=%q, want :%d", cm["MOTANDO_ADDR"], port)
	}
	// The operations listener must listen on the pod's address (its
	// default is the loopback, out of the scraper's reach).
	if cm["MOTANDO_OPS_ADDR"] != fmt.Sprintf(":%d", opsPort) {
		t.Errorf("configmap.yaml: MOTANDO_OPS_ADDR=%q, want :%d", cm["MOTANDO_OPS_ADDR"], opsPort)
	}

	// The Service sends port 80 to the web pods' container port.
	web := set.find(t, "Deployment", "motando-web")
	webW := decode[workload](t, web)
	svc := decode[struct {
		Spec struct {
			Type     string            `yaml:"type"`
			Selector map[string]string `yaml:"selector"`
			Ports    []struct {
				Port       int `yaml:"port"`
				TargetPort any `yaml:"targetPort"`
			} `yaml:"ports"`
		} `yaml:"spec"`
	}](t, set.find(t, "Service", "motando-web"))
	if !matches(svc.Spec.Selector, webW.Spec.Template.Metadata.Labels) {
		t.Errorf("web-service.yaml: selector %v does not select the web pods", svc.Spec.Selector)
	}
	var has80 bool
	for _, p := range svc.Spec.Ports {
		if p.TargetPort == opsPortName || p.TargetPort == opsPort {
			t.Errorf("web-service.yaml: port %d exposes the operations listener", p.Port)
		}
		if got := portOf(webW.Spec.Template.Spec.Containers[0], p.TargetPort); got != port {
			t.Errorf("web-service.yaml: port %d targets %v (%d), want container port %d", p.Port, p.TargetPort, got, port)
		}
		has80 = has80 || p.Port == 80
	}
	if !has80 {
		t.Error("web-service.yaml: no port 80")
	}

	// Compose: the same image name and container ports; the operations
	// listener published on the host's loopback only.
	c := readCompose(t)
	for name, s := range siteServices(t, c) {
		if got := interpolate(s.Environment["MOTANDO_ADDR"]); got != fmt.Sprintf(":%d", port) {
			t.Errorf("compose %s: MOTANDO_ADDR=%q, want :%d", name, got, port)
		}
		if got := interpolate(s.Environment["MOTANDO_OPS_ADDR"]); got != fmt.Sprintf(":%d", opsPort) {
			t.Errorf("compose %s: MOTANDO_OPS_ADDR=%q, want :%d", name, got, opsPort)
		}
		for _, p := range s.Ports {
			p = interpolate(p)
			switch cp := p[strings.LastIndex(p, ":")+1:]; cp {
			case strconv.Itoa(port):
			case strconv.Itoa(opsPort):
				if !strings.HasPrefix(p, "127.0.0.1:") {
					t.Errorf("compose %s: port %q publishes the operations listener beyond the loopback", name, p)
				}
			default:
				t.Errorf("compose %s: port %q maps to container port %s, want %d or %d", name, p, cp, port, opsPort)
			}
		}
	}
	if p := c.Services["app"].Ports; len(p) == 0 || !strings.HasSuffix(interpolate(p[0]), "8000:8000") {
		t.Errorf("compose app: must publish 8000:8000, got %q", p)
	}
}

// Prometheus scrapes /metrics on the operations port of every Deployment:
// the public port does not serve it.
func TestMetricsScrapedOnTheOpsPort(t *testing.T) {
	opsPort := exposedPorts(t)[1]
	set := readK8s(t)
	for _, d := range set.all("Deployment") {
		w := decode[workload](t, d)
		a := w.Spec.Template.Metadata.Annotations
		if a["prometheus.io/scrape"] != "true" || a["prometheus.io/path"] != metricsPath || a["prometheus.io/port"] != strconv.Itoa(opsPort) {
			t.Errorf("%s: %s: prometheus.io annotations %v, want %s scraped on port %d", d.file, d.Metadata.Name, a, metricsPath, opsPort)
		}
		for _, c := range w.Spec.Template.Spec.Containers {
			if got := portOf(c, opsPortName); got != opsPort {
				t.Errorf("%s: %s: container port %q is %d, want %d", d.file, d.Metadata.Name, opsPortName, got, opsPort)
			}
		}
	}
}

func matches(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func TestProbesAndHardening(t *testing.T) {
	set := readK8s(t)
	cm := decode[struct {
		Data map[string]string `yaml:"data"`
	}](t, set.find(t, "ConfigMap", "motando-config")).Data
	for d, w := range set.workloads(t) {
		spec := w.Spec.Template.Spec
		if spec.SecurityContext.RunAsNonRoot == nil || !*spec.SecurityContext.RunAsNonRoot || spec.SecurityContext.RunAsUser == nil || *spec.SecurityContext.RunAsUser == 0 {
			t.Errorf("%s: %s must run as non-root", d.file, d.Metadata.Name)
		}
		emptyDirs := map[string]bool{}
		for _, v := range spec.Volumes {
			emptyDirs[v.Name] = v.EmptyDir != nil
		}
		for _, c := range spec.Containers {
			sc := c.SecurityContext
			if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
				t.Errorf("%s: %s: want readOnlyRootFilesystem and no privilege escalation", d.file, d.Metadata.Name)
			}
			mounts := map[string]bool{}
			for _, m := range c.VolumeMounts {
				mounts[m.MountPath] = emptyDirs[m.Name]
			}
			for _, path := range []string{"/tmp", cm["MOTANDO_DATA_DIR"]} {
				if !mounts[path] {
					t.Errorf("%s: %s: %s must be an emptyDir (read-only root filesystem)", d.file, d.Metadata.Name, path)
				}
			}
			for _, r := range []string{"cpu", "memory"} {
				if c.Resources.Requests[r] == "" || c.Resources.Limits[r] == "" {
					t.Errorf("%s: %s: %s request and limit required", d.file, d.Metadata.Name, r)
				}
			}
			if d.Kind != "Deployment" {
				continue
			}
			for _, p := range []struct {
				name string
				p    *probe
				path string
			}{{"liveness", c.LivenessProbe, healthPath}, {"readiness", c.ReadinessProbe, readinessPath}, {"startup", c.StartupProbe, healthPath}} {
				if p.p == nil || p.p.HTTPGet == nil {
					if p.name != "startup" {
						t.Errorf("%s: %s: no HTTP %s probe", d.file, d.Metadata.Name, p.name)
					}
					continue
				}
				if p.p.HTTPGet.Path != p.path {
					t.Errorf("%s: %s: %s probe on %s, want %s", d.file, d.Metadata.Name, p.name, p.p.HTTPGet.Path, p.path)
				}
				if got := portOf(c, p.p.HTTPGet.Port); got != exposedPort(t) {
					t.Errorf("%s: %s: %s probe on port %v (%d), want the container port", d.file, d.Metadata.Name, p.name, p.p.HTTPGet.Port, got)
				}
				if p.p.PeriodSeconds <= 0 || p.p.TimeoutSeconds <= 0 || p.p.FailureThreshold <= 0 {
					t.Errorf("%s: %s: %s probe without period, timeout and failure threshold", d.file, d.Metadata.Name, p.name)
				}
			}
			// Without a startup probe, liveness must wait for the start-up migrations.
			if c.StartupProbe == nil && c.LivenessProbe != nil && c.LivenessProbe.InitialDelaySeconds < 30 {
				t.Errorf("%s: %s: liveness starts after %d s, too soon for start-up migrations", d.file, d.Metadata.Name, c.LivenessProbe.InitialDelaySeconds)
			}
		}
	}
}

func TestRolesAndAvailability(t *testing.T) {
	set := readK8s(t)
	web := decode[workload](t, set.find(t, "Deployment", "motando-web"))
	worker := decode[workload](t, set.find(t, "Deployment", "motando-worker"))
	job := set.find(t, "Job", "motando-migrate")
	migrate := decode[workload](t, job)

	for _, c := range []struct {
		name string
		w    workload
		args []string
	}{{"web", web, []string{"-role=web"}}, {"worker", worker, []string{"-role=worker"}}, {"migrate", migrate, []string{"migrate"}}} {
		if cs := c.w.Spec.Template.Spec.Containers; len(cs) != 1 || !slices.Equal(cs[0].Args, c.args) {
			t.Errorf("%s: want one container with args %q", c.name, c.args)
		}
		if c.name != "migrate" && !matches(c.w.Spec.Selector.MatchLabels, c.w.Spec.Template.Metadata.Labels) {
			t.Errorf("%s: selector does not match the pod labels", c.name)
		}
	}
	if web.Spec.Replicas == nil || *web.Spec.Replicas != 3 {
		t.Errorf("web-deployment.yaml: replicas must be 3")
	}
	ru := web.Spec.Strategy.RollingUpdate
	if web.Spec.Strategy.Type != "RollingUpdate" || fmt.Sprint(ru.MaxUnavailable) != "0" || fmt.Sprint(ru.MaxSurge) != "1" {
		t.Errorf("web-deployment.yaml: want RollingUpdate with maxUnavailable 0 and maxSurge 1")
	}
	if fmt.Sprint(web.Spec.Selector.MatchLabels) == fmt.Sprint(worker.Spec.Selector.MatchLabels) {
		t.Errorf("web and worker select the same pods")
	}
	if migrate.Spec.BackoffLimit == nil || *migrate.Spec.BackoffLimit != 2 || migrate.Spec.Template.Spec.RestartPolicy != "Never" {
		t.Errorf("migrate-job.yaml: want backoffLimit 2 and restartPolicy Never")
	}
	raw, _ := os.ReadFile(job.file)
	if !strings.Contains(string(raw), "kubectl wait --for=condition=complete") || job.Metadata.Annotations == nil {
		t.Errorf("migrate-job.yaml: must document (and annotate) that it runs, and is waited for, before the rollout")
	}

	pdb := decode[struct {
		Spec struct {
			MinAvailable any           `yaml:"minAvailable"`
			Selector     labelSelector `yaml:"selector"`
		} `yaml:"spec"`
	}](t, set.find(t, "PodDisruptionBudget", "motando-web"))
	if fmt.Sprint(pdb.Spec.MinAvailable) != "2" || !matches(pdb.Spec.Selector.MatchLabels, web.Spec.Template.Metadata.Labels) || matches(pdb.Spec.Selector.MatchLabels, worker.Spec.Template.Metadata.Labels) {
		t.Errorf("web-pdb.yaml: want minAvailable 2 over the web pods only")
	}

	hpa := set.find(t, "HorizontalPodAutoscaler", "motando-web")
	h := decode[struct {
		Spec struct {
			ScaleTargetRef struct {
				APIVersion string `yaml:"apiVersion"`
				Kind       string `yaml:"kind"`
				Name       string `yaml:"name"`
			} `yaml:"scaleTargetRef"`
			MinReplicas int `yaml:"minReplicas"`
			MaxReplicas int `yaml:"maxReplicas"`
			Metrics     []struct {
				Type     string `yaml:"type"`
				Resource struct {
					Name   string `yaml:"name"`
					Target struct {
						Type               string `yaml:"type"`
						AverageUtilization int    `yaml:"averageUtilization"`
					} `yaml:"target"`
				} `yaml:"resource"`
			} `yaml:"metrics"`
		} `yaml:"spec"`
	}](t, hpa)
	ref := h.Spec.ScaleTargetRef
	if hpa.APIVersion != "autoscaling/v2" || ref.Kind != "Deployment" || ref.Name != "motando-web" || ref.APIVersion != "apps/v1" {
		t.Errorf("web-hpa.yaml: must be autoscaling/v2 targeting Deployment motando-web")
	}
	if h.Spec.MinReplicas != *web.Spec.Replicas || h.Spec.MaxReplicas != 10 {
		t.Errorf("web-hpa.yaml: want 3 to 10 replicas (minReplicas = the Deployment's replicas)")
	}
	if len(h.Spec.Metrics) != 1 || h.Spec.Metrics[0].Resource.Name != "cpu" || h.Spec.Metrics[0].Resource.Target.Type != "Utilization" || h.Spec.Metrics[0].Resource.Target.AverageUtilization != 70 {
		t.Errorf("web-hpa.yaml: want CPU utilization 70%%")
	}
	// Utilization is relative to the request: the web container must have one.
	if web.Spec.Template.Spec.Containers[0].Resources.Requests["cpu"] == "" {
		t.Errorf("web-deployment.yaml: the HPA needs a CPU request")
	}
}

// ---------------------------------------------------------------- terraform --

type tfModule struct {
	files  map[string]*hcl.File
	blocks []*hclsyntax.Block
}

func readTerraform(t *testing.T) *tfModule {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(terraformDir, "*.tf"))
	if len(files) == 0 {
		t.Fatal("deploy/terraform: no .tf file")
	}
	examples, _ := filepath.Glob(filepath.Join(terraformDir, "*.tfvars.example"))
	p := hclparse.NewParser()
	m := &tfModule{files: map[string]*hcl.File{}}
	for _, f := range append(files, examples...) {
		file, diags := p.ParseHCLFile(f)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", f, diags.Error())
		}
		m.files[f] = file
		if !strings.HasSuffix(f, ".tf") {
			continue
		}
		for _, b := range file.Body.(*hclsyntax.Body).Blocks {
			if !slices.Contains([]string{"terraform", "provider", "variable", "locals", "resource", "data", "output", "module"}, b.Type) {
				t.Errorf("%s:%d: unknown top-level block %q", f, b.TypeRange.Start.Line, b.Type)
			}
			m.blocks = append(m.blocks, b)
		}
	}
	return m
}

func (m *tfModule) block(typ string, labels ...string) *hclsyntax.Block {
	for _, b := range m.blocks {
		if b.Type == typ && slices.Equal(b.Labels, labels) {
			return b
		}
	}
	return nil
}

func (m *tfModule) blocksOf(typ string, label0 string) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, b := range m.blocks {
		if b.Type == typ && len(b.Labels) > 0 && b.Labels[0] == label0 {
			out = append(out, b)
		}
	}
	return out
}

// literal is an attribute's value when it is a constant.
func literal(b *hclsyntax.Block, name string) string {
	a, ok := b.Body.Attributes[name]
	if !ok {
		return ""
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() {
		return ""
	}
	switch {
	case v.Type().FriendlyName() == "string":
		return v.AsString()
	case v.Type().FriendlyName() == "number":
		return v.AsBigFloat().Text('f', -1)
	case v.Type().FriendlyName() == "bool":
		return strconv.FormatBool(v.True())
	}
	return ""
}

// reference is an attribute's value when it is a plain reference, e.g.
// "var.region" or "oci_objectstorage_bucket.tmp.name".
func reference(expr hcl.Expression) string {
	tr, diags := hcl.AbsTraversalForExpr(expr)
	if diags.HasErrors() {
		return ""
	}
	var parts []string
	for _, s := range tr {
		switch s := s.(type) {
		case hcl.TraverseRoot:
			parts = append(parts, s.Name)
		case hcl.TraverseAttr:
			parts = append(parts, s.Name)
		}
	}
	return strings.Join(parts, ".")
}

func (m *tfModule) source(r hcl.Range) string {
	f := m.files[r.Filename]
	if f == nil {
		return ""
	}
	return string(r.SliceBytes(f.Bytes))
}

// varDefault returns a variable's default, "" when it has none.
func (m *tfModule) varDefault(t *testing.T, name string) string {
	t.Helper()
	b := m.block("variable", name)
	if b == nil {
		t.Fatalf("deploy/terraform: no variable %q", name)
	}
	return literal(b, "default")
}

func TestTerraformParses(t *testing.T) {
	m := readTerraform(t)
	if m.block("terraform") == nil {
		t.Error("deploy/terraform: no terraform block")
	}
	var ociProvider bool
	for _, b := range m.blocksOf("provider", "oci") {
		ociProvider = true
		if a := b.Body.Attributes["region"]; a == nil {
			t.Errorf("provider oci without a region")
		}
	}
	if !ociProvider {
		t.Error("deploy/terraform: no oci provider")
	}
}

func TestTerraformBucketsLogsAndPolicies(t *testing.T) {
	vars := binaryVars(t)
	m := readTerraform(t)
	for name, want := range map[string]string{"region": "sa-saopaulo-1", "name_prefix": "motando", "tmp_retention_days": "7", "log_retention_days": "30", "compartment_ocid": ""} {
		if got := m.varDefault(t, name); got != want {
			t.Errorf("variable %s: default %q, want %q", name, got, want)
		}
	}
	if m.block("variable", "namespace") == nil {
		t.Error("deploy/terraform: no variable namespace")
	}

	// The output that feeds the binary names the buckets by their variables.
	env := m.block("output", "motando_env")
	if env == nil {
		t.Fatal("deploy/terraform: no output motando_env")
	}
	obj, ok := env.Body.Attributes["value"].Expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		t.Fatal("output motando_env: want an object of variable = value")
	}
	bucketOf := map[string]string{}
	for _, item := range obj.Items {
		k := hcl.ExprAsKeyword(item.KeyExpr)
		if !vars[k] {
			t.Errorf("output motando_env: %s is not read by the binary", k)
		}
		if ref := reference(item.ValueExpr); strings.HasPrefix(ref, "oci_objectstorage_bucket.") {
			bucketOf[k] = strings.Split(ref, ".")[1]
		}
	}
	bucket := func(envVar string) *hclsyntax.Block {
		b := m.block("resource", "oci_objectstorage_bucket", bucketOf[envVar])
		if b == nil {
			t.Fatalf("output motando_env: %s does not name an oci_objectstorage_bucket", envVar)
		}
		return b
	}
	tmp, img := bucket("OCI_BUCKET_MOTANDO_IMGTMP"), bucket("OCI_BUCKET_MOTANDO_IMG")
	if got := literal(tmp, "access_type"); got != "NoPublicAccess" {
		t.Errorf("the temporary bucket's access_type is %q, want NoPublicAccess", got)
	}
	if got := literal(img, "access_type"); got != "ObjectReadWithoutList" {
		t.Errorf("the published-photo bucket's access_type is %q, want ObjectReadWithoutList", got)
	}
	var static bool
	for _, b := range m.blocksOf("resource", "oci_objectstorage_bucket") {
		static = static || strings.Contains(m.source(b.Body.Attributes["name"].Expr.Range()), "staticfiles")
	}
	if !static {
		t.Error("deploy/terraform: no static-files bucket")
	}

	// The temporary bucket's lifecycle rule deletes after tmp_retention_days.
	var deletes bool
	for _, lp := range m.blocksOf("resource", "oci_objectstorage_object_lifecycle_policy") {
		if reference(lp.Body.Attributes["bucket"].Expr) != "oci_objectstorage_bucket."+tmp.Labels[1]+".name" {
			continue
		}
		for _, r := range lp.Body.Blocks {
			if r.Type == "rules" && literal(r, "action") == "DELETE" && literal(r, "is_enabled") == "true" &&
				literal(r, "time_unit") == "DAYS" && literal(r, "target") == "objects" &&
				reference(r.Body.Attributes["time_amount"].Expr) == "var.tmp_retention_days" {
				deletes = true
			}
		}
	}
	if !deletes {
		t.Error("deploy/terraform: the temporary bucket needs an enabled lifecycle rule deleting objects after var.tmp_retention_days DAYS")
	}

	// Object Storage may copy between the buckets (and run the lifecycle rule).
	var copyPolicy bool
	for _, p := range m.blocksOf("resource", "oci_identity_policy") {
		copyPolicy = copyPolicy || strings.Contains(m.source(p.Body.Attributes["statements"].Expr.Range()),
			"Allow service objectstorage-${var.region} to manage object-family in compartment id ${var.compartment_ocid}")
	}
	if !copyPolicy {
		t.Error("deploy/terraform: no policy letting objectstorage-<region> manage object-family in the compartment")
	}

	// A log group and the two custom logs, 30 days.
	logs := m.blocksOf("resource", "oci_logging_log")
	if len(logs) != 2 || len(m.blocksOf("resource", "oci_logging_log_group")) != 1 {
		t.Fatalf("deploy/terraform: want one log group and two logs")
	}
	for _, l := range logs {
		if literal(l, "log_type") != "CUSTOM" || reference(l.Body.Attributes["retention_duration"].Expr) != "var.log_retention_days" {
			t.Errorf("oci_logging_log.%s: want log_type CUSTOM and retention_duration = var.log_retention_days", l.Labels[1])
		}
	}
	for _, out := range []string{"namespace", "public_bucket", "temp_bucket", "webapp_log_id", "workflow_log_id"} {
		if m.block("output", out) == nil {
			t.Errorf("deploy/terraform: no output %s", out)
		}
	}
	for out, log := range map[string]string{"webapp_log_id": "webapp", "workflow_log_id": "workflow"} {
		if b := m.block("output", out); b != nil && reference(b.Body.Attributes["value"].Expr) != "oci_logging_log."+log+".id" {
			t.Errorf("output %s: want oci_logging_log.%s.id", out, log)
		}
	}
}

func TestTerraformReadmeDocumentsVariablesAndOutputs(t *testing.T) {
	m := readTerraform(t)
	readme, err := os.ReadFile(filepath.Join(terraformDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"variable", "output"} {
		for _, b := range m.blocks {
			if b.Type == typ && !bytes.Contains(readme, []byte("`"+b.Labels[0]+"`")) {
				t.Errorf("deploy/terraform/README.md does not document %s `%s`", typ, b.Labels[0])
			}
		}
	}
}

func TestDeployReadme(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"docker compose up", "kubectl apply -k deploy/k8s", "terraform apply", "ocisecrt", "healthcheck"} {
		if !bytes.Contains(readme, []byte(s)) {
			t.Errorf("deploy/README.md does not mention %q", s)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
