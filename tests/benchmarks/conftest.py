"""Benchmark scripts are files, not a package: load one by name for its tests."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def benchmark_script() -> Callable[[str], ModuleType]:
    """``benchmark_script("scale")`` runs ``benchmarks/scale.py`` as a module and returns it."""

    def load(name: str) -> ModuleType:
        spec = importlib.util.spec_from_file_location(f"fixfirst_bench_{name}", BENCHMARKS / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
        spec.loader.exec_module(module)
        return module

    return load
