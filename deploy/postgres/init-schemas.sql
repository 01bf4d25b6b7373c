-- One schema per service in the one `talentflow` database (docker-compose only; in Kubernetes the
-- database is provisioned outside these manifests). Each service's migrations own its tables;
-- this only makes sure the schemas exist, and is harmless if a service creates its own.
-- Runs once, when the postgres volume is first initialised.
CREATE SCHEMA IF NOT EXISTS profiles;
CREATE SCHEMA IF NOT EXISTS jobs;
CREATE SCHEMA IF NOT EXISTS matching;
CREATE SCHEMA IF NOT EXISTS notify;
