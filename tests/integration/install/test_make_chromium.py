"""`make test` sets Chromium up: kept when present, apt-get when missing and root, else one line saying how.

`id` and `apt-get` are stand-ins on PATH here (this machine has Chromium and is root);
the real install ran on a fresh machine of this kind.
"""

import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make_chromium(tmp_path, chromium, uid, apt_installs=False):
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (fake / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    install = f"touch {chromium} && chmod +x {chromium}" if apt_installs else "true"
    (fake / "apt-get").write_text(f'#!/bin/sh\necho "apt-get $*" >> {tmp_path}/apt.log\n'
                                  f'case "$1" in install) {install};; esac\n')
    for tool in ("id", "apt-get"):
        (fake / tool).chmod(0o755)
    env = dict(os.environ, PATH=f"{fake}:{os.environ['PATH']}")
    job = subprocess.run(["make", "-s", "-C", ROOT, "chromium", f"CHROMIUM={chromium}"], env=env,
                         capture_output=True, text=True, timeout=60)
    log = tmp_path / "apt.log"
    return job, log.read_text().splitlines() if log.exists() else []


def test_present_chromium_is_kept(tmp_path):
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    job, apt = make_chromium(tmp_path, browser, uid=0)
    assert job.returncode == 0 and apt == [] and job.stdout == job.stderr == ""


def test_missing_chromium_is_installed_with_apt_get_as_root(tmp_path):
    job, apt = make_chromium(tmp_path, tmp_path / "chromium", uid=0, apt_installs=True)
    assert job.returncode == 0, job.stderr
    assert apt == ["apt-get update -qq", "apt-get install -y -qq --no-install-recommends chromium"]


def test_failed_apt_get_install_fails_make(tmp_path):
    job, apt = make_chromium(tmp_path, tmp_path / "chromium", uid=0, apt_installs=False)
    assert job.returncode != 0 and len(apt) == 2


def test_missing_chromium_without_root_says_the_command_in_one_line(tmp_path):
    job, apt = make_chromium(tmp_path, tmp_path / "chromium", uid=1000)
    assert job.returncode != 0 and apt == []
    (line,) = [l for l in job.stderr.splitlines() if not l.startswith(("make: ***", "make["))]
    assert "sudo apt-get install -y --no-install-recommends chromium" in line and "CHROMIUM=" in line
