import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import choice, secret, strict_bool


@pytest.mark.parametrize("raw,expected", [
    ("true", True), ("TRUE", True), ("1", True), ("yes", True), ("on", True),
    ("false", False), ("False", False), ("0", False), ("no", False), ("off", False),
])
def test_strict_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert strict_bool("SOME_FLAG", default=not expected) is expected


@pytest.mark.parametrize("raw", ["maybe", "ture", "2", "enabled"])
def test_strict_bool_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("SOME_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        strict_bool("SOME_FLAG", default=False)


def test_strict_bool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert strict_bool("SOME_FLAG", default=True) is True


def test_secret_reads_the_file_named_by_name_file(monkeypatch, tmp_path):
    path = tmp_path / "token"
    path.write_text("s3cret-value\n")
    monkeypatch.setenv("SOME_TOKEN_FILE", str(path))
    monkeypatch.setenv("SOME_TOKEN", "from-the-environment")
    assert secret("SOME_TOKEN") == "s3cret-value"


def test_secret_reads_the_plain_variable_without_a_file(monkeypatch):
    monkeypatch.delenv("SOME_TOKEN_FILE", raising=False)
    monkeypatch.setenv("SOME_TOKEN", "plain")
    assert secret("SOME_TOKEN") == "plain"


def test_an_empty_secret_counts_as_unset(monkeypatch):
    monkeypatch.setenv("SOME_TOKEN", "   ")
    assert secret("SOME_TOKEN", default="fallback") == "fallback"


def test_an_unreadable_secret_file_names_the_variable_not_the_path(monkeypatch, tmp_path):
    monkeypatch.setenv("SOME_TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SOME_TOKEN_FILE") as excinfo:
        secret("SOME_TOKEN")
    assert str(tmp_path) not in str(excinfo.value)


def test_choice_refuses_unknown_values(monkeypatch):
    monkeypatch.setenv("DJANGO_ENV", "staging")
    with pytest.raises(ImproperlyConfigured, match="development, production"):
        choice("DJANGO_ENV", ("development", "production"), default="development")
