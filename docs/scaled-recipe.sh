# == Ports, folders and helpers for this shell
# Everything listens on 127.0.0.1; change a port here if it is taken.
export PG_PORT=${PG_PORT:-5544} ES_PORT=${ES_PORT:-9200} S3_PORT=${S3_PORT:-9000}
export SMTP_PORT=${SMTP_PORT:-2525} APP_A_PORT=${APP_A_PORT:-8001} APP_B_PORT=${APP_B_PORT:-8002}
export VARNISH_PORT=${VARNISH_PORT:-6091}
export CURBSIDE_DEMO=${CURBSIDE_DEMO:-$PWD/var/scaled}   # data, logs and process ids; started afresh
# PostgreSQL's programs (Debian and Ubuntu keep them out of PATH).
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PGBIN=${PGBIN:-$(dirname "$(command -v initdb)")}
# initdb refuses to run as root: as root, the cluster runs as the postgres user.
if [ "$(id -u)" = 0 ]; then as_pg="runuser -u postgres --"; else as_pg=""; fi
# wait_for SECONDS COMMAND...: retry COMMAND until it succeeds.
wait_for() {
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || { echo "Gave up waiting for: $*" >&2; return 1; }
        sleep 0.3
    done
}
# stop_demo: stop everything below, in reverse order (run it when you are done).
stop_demo() {
    local name pid pids=()
    for name in varnish app-b app-a worker-2 worker-1 smtp moto; do
        [ ! -f "$CURBSIDE_DEMO/$name.pid" ] || pids+=("$(cat "$CURBSIDE_DEMO/$name.pid")")
        rm -f "$CURBSIDE_DEMO/$name.pid"
    done
    [ ${#pids[@]} = 0 ] || kill "${pids[@]}" 2>/dev/null || true
    for pid in "${pids[@]}"; do
        while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    done
    [ ! -d "$CURBSIDE_DEMO/es" ] || .venv/bin/noida-db down --data-dir "$CURBSIDE_DEMO/es" >/dev/null 2>&1 || true
    [ ! -f "$CURBSIDE_DEMO/pg/postmaster.pid" ] || $as_pg "$PGBIN/pg_ctl" -D "$CURBSIDE_DEMO/pg" -m fast stop || true
}
stop_demo
rm -rf "$CURBSIDE_DEMO" && mkdir -p "$CURBSIDE_DEMO"
make install

# == PostgreSQL: its own cluster, a password-protected curbside role, a database
export PGPASSWORD=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
mkdir "$CURBSIDE_DEMO/pg" && printf '%s\n' "$PGPASSWORD" > "$CURBSIDE_DEMO/pg.pw"
[ -z "$as_pg" ] || chown postgres "$CURBSIDE_DEMO/pg" "$CURBSIDE_DEMO/pg.pw"
$as_pg "$PGBIN/initdb" -D "$CURBSIDE_DEMO/pg" -U curbside --pwfile="$CURBSIDE_DEMO/pg.pw" \
    -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$CURBSIDE_DEMO/initdb.log"
rm "$CURBSIDE_DEMO/pg.pw"
$as_pg "$PGBIN/pg_ctl" -D "$CURBSIDE_DEMO/pg" -l "$CURBSIDE_DEMO/pg/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $CURBSIDE_DEMO/pg" start
"$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U curbside curbside

# == Elasticsearch 8 API (the noida-db emulator; a real cluster works the same)
.venv/bin/noida-db up --only elasticsearch --elasticsearch-port "$ES_PORT" \
    --data-dir "$CURBSIDE_DEMO/es" >"$CURBSIDE_DEMO/es-up.log"
wait_for 30 curl -fsS "http://127.0.0.1:$ES_PORT/"

# == S3-compatible storage (moto) and a bucket
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
.venv/bin/moto_server -H 127.0.0.1 -p "$S3_PORT" >"$CURBSIDE_DEMO/moto.log" 2>&1 &
echo $! >"$CURBSIDE_DEMO/moto.pid"
wait_for 60 curl -fsS "http://127.0.0.1:$S3_PORT/moto-api/"
.venv/bin/python -c "import boto3; boto3.client('s3', endpoint_url='http://127.0.0.1:$S3_PORT', \
region_name='us-east-1').create_bucket(Bucket='curbside-media')"

# == An SMTP sink: every email lands as a file in $CURBSIDE_DEMO/mail/new
.venv/bin/python -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" \
    -c aiosmtpd.handlers.Mailbox "$CURBSIDE_DEMO/mail" >"$CURBSIDE_DEMO/smtp.log" 2>&1 &
echo $! >"$CURBSIDE_DEMO/smtp.pid"
wait_for 30 bash -c "exec 3<>/dev/tcp/127.0.0.1/$SMTP_PORT"

# == The environment every app server and worker shares
export DJANGO_SETTINGS_MODULE=curbside.settings.production
export SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
export ALLOWED_HOSTS=127.0.0.1
# The public address (the load balancer's); here server A stands in for it.
export PUBLIC_BASE_URL=http://127.0.0.1:$APP_A_PORT WAGTAILADMIN_BASE_URL=http://127.0.0.1:$APP_A_PORT
export DATABASE_URL=postgres://curbside:$PGPASSWORD@127.0.0.1:$PG_PORT/curbside
export CACHE_URL=db://
export ELASTICSEARCH_URL=http://127.0.0.1:$ES_PORT
export TASKS_BACKEND=database
export AWS_STORAGE_BUCKET_NAME=curbside-media AWS_S3_REGION_NAME=us-east-1
export AWS_S3_ENDPOINT_URL=http://127.0.0.1:$S3_PORT
export EMAIL_HOST=127.0.0.1 EMAIL_PORT=$SMTP_PORT
# Publishing purges Varnish (docs/http-cache.md); workers send the purges.
export FRONTEND_CACHE_URL=http://127.0.0.1:$VARNISH_PORT
# Plain HTTP on loopback: switch the HTTPS-only settings off (never in production).
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECURE_HSTS_SECONDS=0

# == Varnish, in front of the app servers started below (deploy/varnish/curbside.vcl)
# The repository's VCL, with this shell's app server ports. Started first, so
# the purges of the demo content's publications reach it. As root, -j none
# keeps varnishd from switching users (it only listens on loopback here).
sed -e "s/\"8001\"/\"$APP_A_PORT\"/" -e "s/\"8002\"/\"$APP_B_PORT\"/" \
    deploy/varnish/curbside.vcl >"$CURBSIDE_DEMO/curbside.vcl"
if [ "$(id -u)" = 0 ]; then varnish_jail="-j none"; else varnish_jail=""; fi
"$(command -v varnishd || echo /usr/sbin/varnishd)" -F $varnish_jail -n "$CURBSIDE_DEMO/varnish" \
    -a "127.0.0.1:$VARNISH_PORT" -T none -f "$CURBSIDE_DEMO/curbside.vcl" -s malloc,256m \
    >"$CURBSIDE_DEMO/varnish.log" 2>&1 &
echo $! >"$CURBSIDE_DEMO/varnish.pid"
wait_for 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$VARNISH_PORT"

# == Tables (production settings)
make migrate

# == Demo content (development settings: seed_demo only runs with DEBUG on)
DJANGO_SETTINGS_MODULE=curbside.settings.dev .venv/bin/python manage.py seed_demo

# == Search index (production settings)
.venv/bin/python manage.py search_index rebuild

# == Two task workers (production settings)
make worker WORKER_ID=demo-1 >"$CURBSIDE_DEMO/worker-1.log" 2>&1 &
echo $! >"$CURBSIDE_DEMO/worker-1.pid"
make worker WORKER_ID=demo-2 >"$CURBSIDE_DEMO/worker-2.log" 2>&1 &
echo $! >"$CURBSIDE_DEMO/worker-2.pid"
wait_for 120 grep -q "Starting worker" "$CURBSIDE_DEMO/worker-1.log"
wait_for 120 grep -q "Starting worker" "$CURBSIDE_DEMO/worker-2.log"

# == Two app servers, started together (production settings)
make serve PORT="$APP_A_PORT" >"$CURBSIDE_DEMO/app-a.log" 2>&1 &
echo $! >"$CURBSIDE_DEMO/app-a.pid"
make serve PORT="$APP_B_PORT" >"$CURBSIDE_DEMO/app-b.log" 2>&1 &
echo $! >"$CURBSIDE_DEMO/app-b.pid"
wait_for 400 curl -fsS "http://127.0.0.1:$APP_A_PORT/healthz"
wait_for 400 curl -fsS "http://127.0.0.1:$APP_B_PORT/healthz"
wait_for 60 curl -fsS "http://127.0.0.1:$VARNISH_PORT/healthz"
echo "Curbside answers on http://127.0.0.1:$APP_A_PORT/ and http://127.0.0.1:$APP_B_PORT/"
echo "Visitors use http://127.0.0.1:$VARNISH_PORT/ (Varnish, in front of both servers)"

