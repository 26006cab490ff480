"""Two-factor sign-in from the command line: set up, turn on, sign in with a code."""

from __future__ import annotations

import re

import pyotp

from core.cli import main


def test_two_factor_setup_enable_and_sign_in(
    tmp_path, sync_live_server, sync_keyring, monkeypatch, capsys
):
    lib, other = str(tmp_path / "lib"), str(tmp_path / "other")
    monkeypatch.setenv("AUTHORWORKS_PASSWORD", "a long password")
    login = ["login", "--server", sync_live_server, "--email", "two@example.org"]
    assert main(["--library", lib, *login, "--register"]) == 0
    capsys.readouterr()
    assert main(["--library", lib, "two-factor", "setup"]) == 0
    out = capsys.readouterr().out
    secret = re.search(r"secret: (\w+)", out).group(1)
    assert "otpauth://totp/" in out
    totp = pyotp.TOTP(secret)
    assert main(["--library", lib, "two-factor", "enable", totp.now()]) == 0
    codes = re.findall(r"^\s+(\w{8}-\w{8})$", capsys.readouterr().out, re.M)
    assert len(codes) == 10

    # Another library: without a code the sign-in is refused with the reason, with one it works.
    assert main(["--library", other, *login]) == 1
    assert "authenticator app" in capsys.readouterr().err
    monkeypatch.setenv("AUTHORWORKS_OTP", codes[0])
    assert main(["--library", other, *login]) == 0
    assert "Signed in" in capsys.readouterr().out
