from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from project.env import env_bool, env_int, env_list, redis_url
from project.settings import _database


def test_yes_no_values_are_read(monkeypatch):
    # given
    monkeypatch.setenv("FLAG", "Yes")

    # when / then
    assert env_bool("FLAG", default=False) is True


def test_a_bad_yes_no_value_fails_loudly(monkeypatch):
    # given
    monkeypatch.setenv("DEBUG", "maybe")

    # when
    with pytest.raises(ImproperlyConfigured) as error:
        env_bool("DEBUG", default=True)

    # then
    assert (
        str(error.value) == "DEBUG='maybe' is not a yes/no value; use 1/0, true/false or yes/no."
    )


def test_a_bad_number_fails_loudly(monkeypatch):
    # given
    monkeypatch.setenv("GRAPHQL_MAX_DEPTH", "deep")

    # when
    with pytest.raises(ImproperlyConfigured) as error:
        env_int("GRAPHQL_MAX_DEPTH", 12, minimum=1)

    # then
    assert str(error.value) == "GRAPHQL_MAX_DEPTH='deep' is not a whole number."


def test_a_list_drops_blanks(monkeypatch):
    # given
    monkeypatch.setenv("ALLOWED_HOSTS", "skola.example.com, ,api.example.com")

    # when / then
    assert env_list("ALLOWED_HOSTS", []) == ["skola.example.com", "api.example.com"]


def test_a_redis_url_must_name_redis(monkeypatch):
    # given
    monkeypatch.setenv("REDIS_URL", "http://127.0.0.1:6379")

    # when
    with pytest.raises(ImproperlyConfigured) as error:
        redis_url("REDIS_URL")

    # then
    assert str(error.value) == (
        "REDIS_URL='http://127.0.0.1:6379' must start with redis://, rediss:// or unix://."
    )


def test_only_sqlite_and_postgres_databases_are_accepted():
    # when
    with pytest.raises(ImproperlyConfigured) as error:
        _database("mysql://root@127.0.0.1/test")

    # then
    assert str(error.value) == (
        "DATABASE_URL='mysql://root@127.0.0.1/test': only sqlite:// and postgres:// are supported."
    )


def test_a_postgres_url_is_parsed():
    # when
    config = _database("postgres://school@db.example.com:5433/skolsidan")

    # then
    assert (config["ENGINE"], config["HOST"], config["PORT"], config["NAME"]) == (
        "django.db.backends.postgresql",
        "db.example.com",
        5433,
        "skolsidan",
    )


def test_a_pool_size_lends_postgresql_connections_from_psycopgs_pool(monkeypatch):
    # given
    monkeypatch.setenv("DB_POOL_SIZE", "8")

    # when
    config = _database("postgres://app@db.example.invalid:5432/skola")

    # then
    assert (config["OPTIONS"], config["CONN_MAX_AGE"]) == (
        {"pool": {"min_size": 2, "max_size": 8}},
        0,
    )


def test_without_a_pool_size_each_request_opens_its_connection(monkeypatch):
    # given
    monkeypatch.delenv("DB_POOL_SIZE", raising=False)

    # when
    config = _database("postgres://app@db.example.invalid:5432/skola")

    # then
    assert ("pool" in config.get("OPTIONS", {}), config["CONN_MAX_AGE"]) == (False, 0)
