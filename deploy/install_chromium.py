"""Make sure Debian's Chromium is installed, for handout PDFs and browser tests; else say why."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(f"{CHROMIUM} is missing and cannot be installed here (needs root and apt-get)")
        return 1
    print("installing Debian's chromium (handout PDFs and browser tests)", flush=True)
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    for argv in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
    ):
        subprocess.run(argv, check=True, env=env, timeout=900)
    return 0 if os.path.exists(CHROMIUM) else 1


if __name__ == "__main__":
    sys.exit(main())
