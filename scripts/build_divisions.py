"""Build parsers/data/divisions.csv from cpca's adcodes.csv (read) and write the divisions table (write).

Usage:
    python scripts/build_divisions.py [PATH/TO/adcodes.csv] [--out parsers/data/divisions.csv]

Without a path, the cpca 0.5.5 wheel is fetched with `pip download` into a temporary directory and
its `cpca/resources/adcodes.csv` is read. The pinyin column (used to read ASCII place hints such as
a site section "zibo") is made with pypinyin, fetched the same way when it is not importable.

Output columns: code, name, level (province | prefecture | county), province, city, city_code, short,
pinyin. Municipalities (北京/天津/上海/重庆) are their own city (city_code = the province code) and
their districts are counties of that city; directly-administered county-level units (仙桃市 429004,
济源市, 五指山市, 定安县 ...) are their own city (city_code = own code).
"""

from __future__ import annotations

import argparse
import atexit
import csv
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

CPCA_VERSION = "0.5.5"
PYPINYIN_VERSION = "0.55.0"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "parsers" / "data" / "divisions.csv"

PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
COLUMNS = ["code", "name", "level", "province", "city", "city_code", "short", "pinyin"]

# 56 nationalities (as in cpca/resources/56_nations.csv) plus 各族 (龙胜各族自治县).
NATIONS = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 拉祜 水 东乡 纳西 "
    "景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 "
    "德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 高山 各"
).split()
# Longest first so that 土家族 is tried before 土族 and 蒙古族 before 蒙古.
_ETHNIC_SUFFIXES = sorted([n + "族" for n in NATIONS] + [n for n in NATIONS if len(n) >= 2], key=len, reverse=True)
_AUTONOMY_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗")
_PLAIN_SUFFIXES = ("地区", "新区", "矿区", "特区", "省", "市", "区", "县", "旗", "盟")


def short_name(name: str) -> str:
    """Distinctive leading part of an official name: 恩施土家族苗族自治州 -> 恩施, 淮安市 -> 淮安.

    Returns "" when what is left has fewer than two characters (沛县, 城区): such stems are useless
    (and dangerous) as mentions on their own.
    """
    if name == "神农架林区":
        return "神农架"
    stem = name
    for suffix in _AUTONOMY_SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            changed = True
            while changed:
                changed = False
                for ethnic in _ETHNIC_SUFFIXES:
                    if stem.endswith(ethnic) and len(stem) - len(ethnic) >= 2:
                        stem = stem[: -len(ethnic)]
                        changed = True
                        break
            if stem.endswith("族") and len(stem) >= 3:  # 鄂温克族自治旗 -> 鄂温克
                stem = stem[:-1]
            return stem if len(stem) >= 2 else ""
    for suffix in _PLAIN_SUFFIXES:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 2:
            return stem[: -len(suffix)]
    return ""


def _pip_download(spec: str, dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", spec, "-d", str(dest)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    name = spec.split("==")[0]
    wheels = sorted(dest.glob(f"{name}-*.whl"))
    if not wheels:
        raise SystemExit(f"pip download {spec} produced no wheel in {dest}")
    return wheels[0]


def read_adcodes(path: Path | None) -> list[dict[str, str]]:
    """Rows of cpca's adcodes.csv, from `path` or from the downloaded cpca wheel."""
    if path is not None:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    with tempfile.TemporaryDirectory() as tmp:
        wheel = _pip_download(f"cpca=={CPCA_VERSION}", Path(tmp))
        with zipfile.ZipFile(wheel) as zf:
            data = zf.read("cpca/resources/adcodes.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(data)))


def _pinyin_function() -> Callable[[str], list[str]]:
    """lazy_pinyin from pypinyin, importing a downloaded pure-Python wheel when it is not installed."""
    try:
        from pypinyin import lazy_pinyin
    except ImportError:
        tmp = Path(tempfile.mkdtemp(prefix="pypinyin-"))
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        wheel = _pip_download(f"pypinyin=={PYPINYIN_VERSION}", tmp)
        with zipfile.ZipFile(wheel) as zf:  # pure-Python wheel; it reads its json data from files
            zf.extractall(tmp / "site")
        sys.path.insert(0, str(tmp / "site"))
        from pypinyin import lazy_pinyin
    return lazy_pinyin


# Readings that pypinyin gets wrong in place names (长治 is changzhi, not zhangzhi).
_CHAR_READINGS = {"长": "chang", "朝": "chao", "都": "du", "勒": "le", "什": "shi", "蚌": "beng"}
_WORD_READINGS = {"漯河": "luohe", "陕西": "shaanxi", "长子": "zhangzi"}


def place_pinyin(word: str, lazy_pinyin: Callable[[str], list[str]]) -> str:
    """Toneless pinyin of a place name, lower case, letters only: 淄博 -> zibo."""
    if word in _WORD_READINGS:
        return _WORD_READINGS[word]
    syllables = lazy_pinyin(word)
    if len(syllables) == len(word):
        syllables = [_CHAR_READINGS.get(ch, syl) for ch, syl in zip(word, syllables, strict=True)]
    text = "".join(syllables).lower()
    return "".join(ch for ch in text if ch.isascii() and ch.isalpha())


def build_rows(adcodes: list[dict[str, str]]) -> list[dict[str, str]]:
    """Turn cpca rows into divisions rows (sorted by code)."""
    names: dict[str, str] = {}
    for row in adcodes:
        code = row["adcode"].strip()[:6]
        name = row["name"].strip()
        if len(code) == 6 and code.isdigit() and name:
            names[code] = name
    lazy_pinyin = _pinyin_function()
    out: list[dict[str, str]] = []
    for code in sorted(names):
        name = names[code]
        if name in PLACEHOLDERS:
            continue
        prov_code = code[:2] + "0000"
        province = names.get(prov_code, "")
        if code == prov_code:
            level = "province"
            city, city_code = (name, code) if code in MUNICIPALITIES else ("", "")
        elif code[4:] == "00":
            level, city, city_code = "prefecture", name, code
        else:
            level = "county"
            parent_code = code[:4] + "00"
            parent = names.get(parent_code, "")
            if prov_code in MUNICIPALITIES:
                city, city_code = province, prov_code
            elif parent in PLACEHOLDERS or not parent:
                city, city_code = name, code  # directly administered by the province
            else:
                city, city_code = parent, parent_code
        short = short_name(name)
        pinyin = place_pinyin(short or name, lazy_pinyin)
        out.append(
            {
                "code": code,
                "name": name,
                "level": level,
                "province": province,
                "city": city,
                "city_code": city_code,
                "short": short,
                "pinyin": pinyin,
            }
        )
    return out


def write_rows(rows: list[dict[str, str]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("adcodes", nargs="?", type=Path, help="cpca adcodes.csv (default: download cpca)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    rows = build_rows(read_adcodes(args.adcodes))
    write_rows(rows, args.out)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["level"]] = counts.get(row["level"], 0) + 1
    print(f"wrote {len(rows)} rows to {args.out}: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
