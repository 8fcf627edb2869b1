"""Importing the settings writes nothing: var/ and the secret key file appear when first
needed, and every process of one installation signs with the same key."""

import os
import re
import subprocess
import sys
from pathlib import Path

import luoshi.settings

ROOT = Path(__file__).resolve().parent.parent
SIGN = (
    "import django; django.setup(); from django.core.signing import Signer; "
    "print(Signer(salt='t').sign('luoshi'))"
)


def _python(code: str, var_dir: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env |= {"LUOSHI_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "luoshi.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_importing_the_settings_writes_nothing(tmp_path):
    var_dir = tmp_path / "var"
    _python("import django; django.setup(); from django.conf import settings", var_dir)
    assert not var_dir.exists()


def test_the_key_file_is_made_on_first_use_and_shared(tmp_path):
    var_dir = tmp_path / "var"
    first = _python(SIGN, var_dir)
    assert (var_dir / "secret_key").stat().st_mode & 0o777 == 0o600
    assert _python(SIGN, var_dir) == first  # a second process signs with the same key
    assert sorted(p.name for p in var_dir.iterdir()) == ["secret_key"]


def test_every_environment_variable_is_listed_at_the_top_of_the_settings():
    # README and docs/deployment.md send operators to this list for "the full list".
    source = (ROOT / "luoshi" / "settings.py").read_text()
    read = set(re.findall(r"""(?:\.get|env_list|env_bool)\(\s*["']([A-Z][A-Z0-9_]+)["']""", source))
    read |= set(re.findall(r"""environ\[["']([A-Z][A-Z0-9_]+)["']\]""", source))
    assert {"LUOSHI_VAR_DIR", "STATIC_ROOT", "TRUSTED_PROXIES", "SECRET_KEY"} <= read
    doc = luoshi.settings.__doc__
    assert not {name for name in read if not re.search(rf"\b{name}\b", doc)}
