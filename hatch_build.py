"""Install-time build of the front end's optional C accelerator (`bubble_lang/_accel.c`).

Hatchling runs this hook for wheels and editable installs. It compiles the extension with
setuptools' `build_ext` (which knows each platform's compiler and flags), in place, so an editable
install imports it from the checkout and a wheel carries it. The module is optional: with no C
compiler or Python headers the build goes on without it, says so, and bubble runs the same front end
in Python (`bubble_lang/accel.py`). `BUBBLE_NO_ACCEL_BUILD=1` skips it. The source's SHA-256 is
compiled in, so a module left over from an older `_accel.c` is never used (`accel.py` checks).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = "bubble_lang/_accel.c"


class AccelBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get("BUBBLE_NO_ACCEL_BUILD") == "1":
            return
        try:
            built = build_accelerator(Path(self.root))
        except Exception as error:  # any compiler or header problem: bubble works without it
            self.app.display_warning(f"bubble: the C accelerator was not built ({error}); "
                                     "the front end runs in Python, slower")
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":  # an editable install imports it from the checkout
            build_data["force_include"][str(built)] = f"bubble_lang/{built.name}"


def build_accelerator(root: Path) -> Path:
    """Compile `_accel.c` next to itself; returns the module's path."""
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    source = root / SOURCE
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    extension = Extension("bubble_lang._accel", [SOURCE], define_macros=[("ACCEL_SOURCE_SHA256", f'"{digest}"')],
                          extra_compile_args=[] if os.name == "nt" else ["-O2"])
    here = os.getcwd()
    os.chdir(root)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            command = build_ext(Distribution({"name": "bubble-lang", "ext_modules": [extension]}))
            command.inplace = True
            command.build_temp = scratch
            command.ensure_finalized()
            command.run()
            return root / command.get_ext_fullpath("bubble_lang._accel")
    finally:
        os.chdir(here)
