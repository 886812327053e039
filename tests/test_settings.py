import re

import pytest

from bot.errors import SettingsError
from bot.settings import SETTINGS, Settings
from tests.conftest import ROOT


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\|\s*`([A-Z_]+)`", readme, flags=re.M))
    assert set(SETTINGS) <= documented, set(SETTINGS) - documented


def test_defaults_work_in_development(tmp_path):
    s = Settings.from_env({"BRUG_DATA_DIR": str(tmp_path)})
    assert s.default_country == "NL" and len(s.languages) == 12 and s.secret_key
    assert Settings.from_env({"BRUG_DATA_DIR": str(tmp_path)}).secret_key == s.secret_key


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BRUG_DEFAULT_COUNTRY", "DE"),
        ("BRUG_LANGUAGES", "pl,xx"),
        ("PORT", "http"),
        ("BRUG_ANSWER_THRESHOLD", "2"),
        ("BRUG_ENV", "staging"),
    ],
)
def test_bad_values_fail_with_the_settings_name(tmp_path, name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({"BRUG_DATA_DIR": str(tmp_path), name: value})


def test_production_requires_a_secret_key_which_may_come_from_a_file(tmp_path):
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env({"BRUG_ENV": "production", "BRUG_DATA_DIR": str(tmp_path)})
    key = tmp_path / "key"
    key.write_text("s3cret\n")
    s = Settings.from_env({"BRUG_ENV": "production", "SECRET_KEY_FILE": str(key)})
    assert s.secret_key == "s3cret"


def test_an_unknown_setting_is_reported_so_a_typo_does_not_go_unnoticed(tmp_path):
    s = Settings.from_env({"BRUG_DATA_DIR": str(tmp_path), "BRUG_RETENSION_DAYS": "30"})
    assert s.unknown == ("BRUG_RETENSION_DAYS",)


def test_the_bot_wide_send_rate_is_shared_by_the_sending_processes(tmp_path):
    s = Settings.from_env(
        {"BRUG_DATA_DIR": str(tmp_path), "BRUG_SEND_RATE": "24", "BRUG_SENDERS": "3"}
    )
    assert s.send_rate_per_process == 8
    assert Settings.from_env({"BRUG_DATA_DIR": str(tmp_path)}).send_rate_per_process == 25


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BRUG_SEND_RATE", "fast"),
        ("BRUG_SEND_RATE", "-1"),
        ("BRUG_SEND_RATE", "nan"),
        ("BRUG_SENDERS", "0"),
        ("BRUG_SEND_GIVE_UP_HOURS", "0"),
        ("BRUG_SEND_GIVE_UP_HOURS", "1.5"),
    ],
)
def test_bad_sending_settings_fail_with_the_settings_name(tmp_path, name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({"BRUG_DATA_DIR": str(tmp_path), name: value})


def test_the_spool_lives_in_the_data_folder_unless_set(tmp_path):
    assert Settings.from_env({"BRUG_DATA_DIR": str(tmp_path)}).spool_dir == tmp_path / "spool"
    other = tmp_path / "elsewhere"
    s = Settings.from_env({"BRUG_DATA_DIR": str(tmp_path), "BRUG_SPOOL_DIR": str(other)})
    assert s.spool_dir == other


def test_quick_reply_templates_are_read_by_number_of_buttons(tmp_path):
    sid = "HX" + "ab" * 16
    s = Settings.from_env(
        {"BRUG_DATA_DIR": str(tmp_path), "TWILIO_QUICK_REPLY_SIDS": f"1={sid}, 3={sid}"}
    )
    assert s.twilio_quick_replies == {1: sid, 3: sid}
    assert Settings.from_env({"BRUG_DATA_DIR": str(tmp_path)}).twilio_quick_replies == {}


@pytest.mark.parametrize("value", ["4=HX" + "0" * 32, "1=HX123", "2", "x=HX" + "0" * 32])
def test_a_malformed_quick_reply_setting_fails_at_start_up(tmp_path, value):
    with pytest.raises(SettingsError, match="TWILIO_QUICK_REPLY_SIDS"):
        Settings.from_env({"BRUG_DATA_DIR": str(tmp_path), "TWILIO_QUICK_REPLY_SIDS": value})
