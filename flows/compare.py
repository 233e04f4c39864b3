"""comparison.csv and coverage.csv from progress.csv and indicators.csv: cities side by side, and what each reports."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd

from flows.csvio import write_csv
from flows.display import PERIOD_RANK, indicator_order
from flows.groups import group_positions, iter_groups
from flows.progress import LIST_SEPARATOR, SERIES_KEYS, parse_day
from parsers.classify import taxonomy
from validations.schemas import TABLE_SCHEMAS, columns_of

# "Change over the last 12 months": the latest point against the point closest to a year before
# it, taken only when that point is 9 to 15 months older (reports come at irregular dates; a
# half-year gap is not a 12-month change and is left empty).
YEAR_DAYS = 365
BASE_MIN_DAYS = 274
BASE_MAX_DAYS = 457


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def _text(s: pd.Series) -> pd.Series:
    # via object: an all-empty column can come as float64 (NaN), which "" cannot fill in pandas 4
    return s.astype(object).where(s.notna(), "").astype(str)


def prepare_progress(progress: pd.DataFrame) -> pd.DataFrame:
    """progress as read from CSV (text) or built in memory -> typed columns, empty text for missing."""
    df = progress.reindex(columns=columns_of("progress")).copy()
    for col in ("value", "previous_value", "change", "change_pct"):
        df[col] = _num(df[col])
    for col in df.columns:
        if col not in ("value", "previous_value", "change", "change_pct"):
            df[col] = _text(df[col])
    df["n_reports"] = _num(df["n_reports"]).fillna(1).astype(int)
    return df


def _base_point(points: list[tuple[str, float]], latest_day: date) -> tuple[str, float] | None:
    """The (date, value) closest to a year before latest_day, among those 9 to 15 months older."""
    best, best_key = None, None
    for p in points:
        gap = (latest_day - parse_day(p[0])).days
        if BASE_MIN_DAYS <= gap <= BASE_MAX_DAYS:
            key = (abs(gap - YEAR_DAYS), -gap)
            if best_key is None or key < best_key:
                best, best_key = p, key
    return best


def _provinces(indicators: pd.DataFrame) -> dict[str, str]:
    if indicators.empty:
        return {}
    df = indicators[["city", "province"]].fillna("").astype(str)
    df = df[(df["city"] != "") & (df["province"] != "")]
    return df.drop_duplicates("city").set_index("city")["province"].to_dict()


def _urls(indicators: pd.DataFrame) -> dict[str, str]:
    if indicators.empty:
        return {}
    # lists: a str column iterates cell by cell
    return dict(zip(_text(indicators["indicator_row_id"]).tolist(), _text(indicators["url"]).tolist(), strict=True))


def _dominant_units(rows: pd.DataFrame) -> dict[str, str]:
    out = {}
    for indicator, group in rows.groupby("indicator"):
        counts = group.groupby("unit")["city"].nunique()
        out[indicator] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return out


def build_comparison(
    progress: pd.DataFrame, indicators: pd.DataFrame, provinces: dict[str, str] | None = None, prepared: bool = False
) -> pd.DataFrame:
    """One row per series: its latest point, the 12-month change, and whether it stands for its city.
    `provinces` (city -> province, first seen): when `indicators` holds only the rows progress points at;
    `prepared`: progress already went through prepare_progress (no second copy)."""
    cols = columns_of("comparison")
    df = progress if prepared else prepare_progress(progress)
    if df.empty:
        return pd.DataFrame(columns=cols)
    tax = taxonomy().indicators
    provinces, urls = _provinces(indicators) if provinces is None else provinces, _urls(indicators)
    rows = []
    # the columns as lists and each series as row positions (a dict per row cost ~0.4 s at 190 000 rows)
    day, value, city_code, district, conflict, report_id, row_id = (
        df[c].tolist()
        for c in ("publish_date", "value", "city_code", "district", "conflict", "report_id", "indicator_row_id")
    )
    for (city, indicator, label, unit, period), positions in group_positions(df, SERIES_KEYS):
        positions = sorted(positions, key=day.__getitem__)  # stable: same-day points keep their frame order
        last = positions[-1]
        latest_day = parse_day(day[last])
        base = _base_point([(day[i], value[i]) for i in positions[:-1]], latest_day)
        base_date, base_value = base if base is not None else (None, math.nan)
        change = value[last] - base_value if base is not None else math.nan
        pct = round(change / abs(base_value) * 100, 2) if base is not None and base_value != 0 else math.nan
        rows.append(
            {
                "indicator": indicator,
                "indicator_name": tax[indicator].name if indicator in tax else indicator,
                "category": tax[indicator].category if indicator in tax else "other",
                "unit": unit,
                "city": city,
                "city_code": city_code[last] or None,
                "province": provinces.get(city) or None,
                "district": district[last] or None,
                "label": label or None,
                "period": period,
                "primary": False,
                "n_points": len(positions),
                "first_date": day[positions[0]],
                "latest_date": day[last],
                "latest_value": value[last],
                "base_date": base_date,
                "base_value": base_value,
                "change_12m": change,
                "change_12m_pct": pct,
                "conflict": conflict[last] or None,
                "report_id": report_id[last],
                "indicator_row_id": row_id[last],
                "url": urls.get(row_id[last]) or None,
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    dominant = _dominant_units(out)
    out["_rank"] = [
        (
            u != dominant[i],
            bool(d),
            PERIOD_RANK.get(p, 9),
            -n,
            -parse_day(ld).toordinal(),
            lab or "",
        )
        for i, u, d, p, n, ld, lab in zip(
            out["indicator"].tolist(),  # lists: a str column iterates cell by cell
            out["unit"].tolist(),
            out["district"].fillna("").tolist(),
            out["period"].tolist(),
            out["n_points"].tolist(),
            out["latest_date"].tolist(),
            out["label"].tolist(),
            strict=True,
        )
    ]
    best = out.sort_values("_rank").groupby(["indicator", "city"], sort=False).head(1).index
    out.loc[best, "primary"] = True
    order = indicator_order()
    out["_ind"] = out["indicator"].map(lambda i: order.get(i, len(order)))
    out = out.sort_values(
        ["_ind", "primary", "unit", "latest_value", "city", "label"], ascending=[True, False, True, False, True, True]
    )
    return out.drop(columns=["_rank", "_ind"]).reset_index(drop=True)


def build_coverage(
    progress: pd.DataFrame,
    indicators: pd.DataFrame,
    as_of: str,
    provinces: dict[str, str] | None = None,
    prepared: bool = False,
) -> pd.DataFrame:
    """One row per city and indicator it reports: how many series and points, first and latest date, age."""
    cols = columns_of("coverage")
    df = progress if prepared else prepare_progress(progress)
    if df.empty:
        return pd.DataFrame(columns=cols)
    tax = taxonomy().indicators
    provinces = _provinces(indicators) if provinces is None else provinces
    as_of_day = date.fromisoformat(as_of)
    rows = []
    columns = ["report_ids", "report_id", "district", "publish_date", "label", "unit", "period", "city_code"]
    for (city, indicator), group in iter_groups(df, ["city", "indicator"], columns):
        reports = {r for p in group for r in p["report_ids"].split(LIST_SEPARATOR) if r}
        reports |= {p["report_id"] for p in group}
        districts = sorted({p["district"] for p in group if p["district"]})
        days = [p["publish_date"] for p in group]
        rows.append(
            {
                "city": city,
                "city_code": next((p["city_code"] for p in group if p["city_code"]), None),
                "province": provinces.get(city) or None,
                "indicator": indicator,
                "indicator_name": tax[indicator].name if indicator in tax else indicator,
                "category": tax[indicator].category if indicator in tax else "other",
                "n_series": len({(p["label"], p["unit"], p["period"]) for p in group}),
                "n_points": len(group),
                "n_reports": len(reports),
                "districts": LIST_SEPARATOR.join(districts) or None,
                "first_date": min(days),
                "latest_date": max(days),
                "days_since_latest": (as_of_day - parse_day(max(days))).days,
                "as_of": as_of,
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    order = indicator_order()
    out["_ind"] = out["indicator"].map(lambda i: order.get(i, len(order)))
    return out.sort_values(["city", "_ind"]).drop(columns="_ind").reset_index(drop=True)


def write_tables(data_dir: Path, comparison: pd.DataFrame, coverage: pd.DataFrame) -> None:
    """Validate against the schemas (a failure is a bug here, so it raises) and write both CSVs."""
    for name, df in (("comparison", comparison), ("coverage", coverage)):
        checked = TABLE_SCHEMAS[name].validate(df, lazy=True) if not df.empty else df
        write_csv(Path(data_dir) / f"{name}.csv", checked, columns_of(name))
