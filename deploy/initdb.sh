#!/bin/sh
# Runs once when the PostgreSQL volume is created: the application role may own its tables but
# is neither SUPERUSER nor BYPASSRLS, so the row-level security policies apply to it.
set -eu
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE ROLE gov_app LOGIN PASSWORD '${GOV_APP_PASSWORD}' NOSUPERUSER NOBYPASSRLS NOCREATEDB;
CREATE DATABASE gov OWNER gov_app;
SQL
