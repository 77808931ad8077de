-- Gongzhi on PostgreSQL (15 and later; also fine on 13 and 14): run once, as a superuser,
-- on a cluster without a gongzhi database:
--
--   psql -v ON_ERROR_STOP=1 -v owner_password="$OWNER_PASSWORD" \
--        -v app_password="$APP_PASSWORD" -f deploy/postgres-setup.sql
--
-- Two roles (docs/operations.md, "PostgreSQL"):
--   gongzhi_owner owns the database and its schema and runs `flask db upgrade`;
--   gongzhi_app is what the app servers connect as: it owns nothing and is neither a
--   superuser nor BYPASSRLS, so the row-level security policies hold for it.
-- tests/deploy/test_postgres_setup.py runs this file as it is on an empty cluster.

CREATE ROLE gongzhi_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE gongzhi_app LOGIN PASSWORD :'app_password'
  NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
CREATE DATABASE gongzhi OWNER gongzhi_owner ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE gongzhi FROM PUBLIC;
GRANT CONNECT ON DATABASE gongzhi TO gongzhi_app;

\connect gongzhi
-- PostgreSQL 15 took CREATE on schema public away from everybody ("permission denied for
-- schema public" when the owner migrates): the owner role owns the schema. Nobody else
-- may create in it (older versions allowed everybody).
ALTER SCHEMA public OWNER TO gongzhi_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO gongzhi_app;

-- Whatever the owner creates from now on (core's tables, every plugin's, also a plugin
-- installed after the first deploy) is usable by the app the moment it exists.
ALTER DEFAULT PRIVILEGES FOR ROLE gongzhi_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO gongzhi_app;
ALTER DEFAULT PRIVILEGES FOR ROLE gongzhi_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO gongzhi_app;
