#!/bin/sh
# Runs once, on an empty data folder (the image's /docker-entrypoint-initdb.d):
# the schema's owner for migrations, and the runtime role the API and workers use,
# which can read and write rows and nothing else. README, "Database roles".
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$LOOPED_OWNER_PASSWORD" -v app_password="$LOOPED_APP_PASSWORD" <<'SQL'
CREATE ROLE looped_owner LOGIN NOSUPERUSER PASSWORD :'owner_password';
CREATE ROLE looped_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS
  PASSWORD :'app_password';
CREATE DATABASE looped OWNER looped_owner;
SQL
