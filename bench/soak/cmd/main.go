// Command soak runs the soak test of bench/soak against a MariaDB server,
// with a Redis of its own, and prints its summary:
//
//	go run ./bench/soak/cmd -duration 5m -dsn 'root@tcp(127.0.0.1:3306)/'
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"motando/bench/soak"
)

func main() {
	duration := flag.Duration("duration", 5*time.Minute, "how long the load and faults last")
	kill := flag.Duration("kill-every", 30*time.Second, "how often the worker is killed")
	dsn := flag.String("dsn", "root@tcp(127.0.0.1:3306)/", "MariaDB server where a fresh database is created")
	sellers := flag.Int("sellers", 4, "sellers posting, editing and deleting ads")
	browsers := flag.Int("browsers", 8, "visitors browsing and searching")
	flag.Parse()
	mc, err := gomysql.ParseDSN(*dsn)
	if err != nil {
		log.Fatal(err)
	}
	redisServer, err := exec.LookPath("redis-server")
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "motando-soak-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "motando")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		log.Fatalf("build: %v\n%s", err, out)
	}
	sum, err := soak.Run(context.Background(), soak.Options{Binary: bin, MySQL: mc, RedisServer: redisServer, Dir: dir,
		Duration: *duration, KillEvery: *kill, Sellers: *sellers, Browsers: *browsers, Log: os.Stderr})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(sum.Table())
	for _, p := range sum.Problems {
		fmt.Println("problem:", p)
	}
	if !sum.OK() {
		os.Exit(1)
	}
}
