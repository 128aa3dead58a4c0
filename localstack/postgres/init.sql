-- Docker path only (docker-compose.yml mounts this into /docker-entrypoint-initdb.d/):
-- one login role and one database per service, named after the service. Each role owns
-- its database and can connect to no other: CONNECT is revoked from PUBLIC everywhere.
-- Passwords here are fixed local-only values (<name>-local-password); the no-Docker
-- launcher generates its own.
-- Runs once, on an empty data volume, as the postgres superuser with ON_ERROR_STOP.

REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;
REVOKE CONNECT ON DATABASE template1 FROM PUBLIC;

-- auth
CREATE ROLE auth LOGIN PASSWORD 'auth-local-password';
CREATE DATABASE auth OWNER auth ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE auth FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE auth TO auth;

-- customer
CREATE ROLE customer LOGIN PASSWORD 'customer-local-password';
CREATE DATABASE customer OWNER customer ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE customer FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE customer TO customer;

-- office
CREATE ROLE office LOGIN PASSWORD 'office-local-password';
CREATE DATABASE office OWNER office ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE office FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE office TO office;

-- accounts
CREATE ROLE accounts LOGIN PASSWORD 'accounts-local-password';
CREATE DATABASE accounts OWNER accounts ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE accounts FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE accounts TO accounts;

-- ledger
CREATE ROLE ledger LOGIN PASSWORD 'ledger-local-password';
CREATE DATABASE ledger OWNER ledger ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE ledger FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE ledger TO ledger;

-- fx
CREATE ROLE fx LOGIN PASSWORD 'fx-local-password';
CREATE DATABASE fx OWNER fx ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE fx FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE fx TO fx;

-- utilities
CREATE ROLE utilities LOGIN PASSWORD 'utilities-local-password';
CREATE DATABASE utilities OWNER utilities ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE utilities FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE utilities TO utilities;

-- contracts
CREATE ROLE contracts LOGIN PASSWORD 'contracts-local-password';
CREATE DATABASE contracts OWNER contracts ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE contracts FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE contracts TO contracts;

-- notifications
CREATE ROLE notifications LOGIN PASSWORD 'notifications-local-password';
CREATE DATABASE notifications OWNER notifications ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE notifications FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE notifications TO notifications;
