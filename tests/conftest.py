"""Shared fixtures: where ../shared lives, and the real official data when present."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("JJJ_SHARED", ROOT.parent / "shared"))


def shared_file(*parts) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: the project's shared folder must sit beside the repo "
                    f"(or set JJJ_SHARED)")
    return path


@pytest.fixture
def official_innovation() -> pd.DataFrame:
    """Beijing/Tianjin/Hebei 2012–2022 official statistics (techme, MIT), read from ../shared."""
    return pd.read_csv(shared_file("data", "jjj_province_innovation_2012_2022.csv"))
