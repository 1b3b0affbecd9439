# Motando — common tasks. `just --list` shows them all.

# Local MariaDB and Redis on this machine (root without a password). For the
# compose stack's MySQL, set MYSQL_USER/MYSQL_PASSWD as in .env.
mysql_env := "MYSQL_HOST=127.0.0.1 MYSQL_USER=root MYSQL_DBNAME=motandodb"
redis_env := "REDIS_HOST=127.0.0.1 REDIS_PORT=6379"

# Run the site on the embedded defaults (SQLite, local folders, in-process queue).
default:
    go run .

# Run the site on the local MariaDB and Redis.
dev:
    {{mysql_env}} {{redis_env}} go run .

# Run every test, with the MariaDB and Redis suites pointed at the local services.
test *args:
    MOTANDO_TEST_MYSQL_DSN='root@tcp(127.0.0.1:3306)/' MOTANDO_TEST_REDIS_ADDR=127.0.0.1:6379 go test {{args}} ./...

# Apply the migrations and reference data to the configured database.
migrate:
    go run . migrate

# Fill the site with the demo accounts and their ads (photos through the worker).
seed *args:
    go run . seed {{args}}

# Remove the demo accounts and everything they own.
wipe *args:
    go run . wipe {{args}}

# Start MySQL, Redis and the site (-role=all, http://localhost:8000) in containers.
up *args:
    docker compose up -d --build {{args}}

# Stop the containers (`just down -v` also drops their data).
down *args:
    docker compose down {{args}}

# Build the production image (no credentials): just image gru.ocir.io/NS/motando:1.0.0
image tag="motando:dev":
    docker build -f deploy/Dockerfile -t {{tag}} .
