"""Settings come from the environment and .env, and a bad one is named."""

import pytest

from foibot.settings import Security, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    import os

    for name in list(os.environ):
        if name.startswith(
            ("SMTP_", "IMAP_", "TELEGRAM_", "MAIL_", "DATA_DIR", "DATABASE_URL", "LOG_LEVEL", "MAX_PARSE")
        ):
            monkeypatch.delenv(name)


def test_defaults_give_an_embedded_sqlite_database_under_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "d"))
    settings = load_settings(env_file=None)
    assert settings.effective_database_url() == f"sqlite:///{tmp_path / 'd' / 'foibot.sqlite3'}"
    assert settings.smtp_security is Security.STARTTLS


def test_database_url_selects_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@localhost/foibot")
    assert load_settings(env_file=None).effective_database_url() == "postgresql://u:p@localhost/foibot"


def test_env_file_is_read_and_the_environment_wins(tmp_path, monkeypatch):
    env = tmp_path / ".env"
    env.write_text("SMTP_HOST=mail.example.org\nSMTP_PORT=587\nIMAP_FOLDER=FOI\n")
    monkeypatch.setenv("IMAP_FOLDER", "INBOX.foi")
    settings = load_settings(env_file=env)
    assert settings.smtp_host == "mail.example.org"
    assert settings.smtp_port == 587
    assert settings.imap_folder == "INBOX.foi"


def test_malformed_setting_is_named_in_one_line(monkeypatch):
    monkeypatch.setenv("SMTP_PORT", "not-a-port")
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    message = str(caught.value)
    assert "SMTP_PORT" in message
    assert "\n" not in message


def test_bad_choice_names_the_setting(monkeypatch):
    monkeypatch.setenv("IMAP_SECURITY", "maybe")
    with pytest.raises(SettingsError, match="IMAP_SECURITY"):
        load_settings(env_file=None)


def test_a_secret_is_never_echoed_in_the_error(monkeypatch):
    monkeypatch.setenv("SMTP_PORT", "99999")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:very-secret")
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert "very-secret" not in str(caught.value)


def test_token_is_hidden_in_the_settings_repr(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:very-secret")
    settings = load_settings(env_file=None)
    assert "very-secret" not in repr(settings)
    assert settings.telegram_bot_token.get_secret_value() == "123:very-secret"


def test_missing_lists_the_unset_settings_by_their_environment_names(monkeypatch):
    monkeypatch.setenv("SMTP_HOST", "mail.example.org")
    settings = load_settings(env_file=None)
    assert settings.missing("smtp_host", "telegram_bot_token", "mail_address") == [
        "TELEGRAM_BOT_TOKEN",
        "MAIL_ADDRESS",
    ]
