"""Scores a data dir against a gold folder with the rules of the shared scorer (unit + value matching)."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlparse

from flows.csvio import read_csv


def doc_id_of(url: str) -> str:
    path = unquote(urlparse(url).path) if "://" in url else url
    return Path(path).stem


def _value(s: str) -> float | None:
    try:
        v = float(str(s).replace(",", ""))
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _place(name: str) -> str:
    name = (name or "").strip()
    return name[:-1] if name.endswith(("市", "区", "县")) else name


def score(data_dir: Path, gold_dir: Path) -> dict:
    """Per-document matching in reading order; precision, recall and field accuracies over matches."""
    meta = {r["doc_id"]: r for r in read_csv(gold_dir / "docs_meta.csv").to_dict("records")}
    reports = read_csv(data_dir / "reports.csv").to_dict("records")
    indicators = read_csv(data_dir / "indicators.csv").to_dict("records")
    doc_of = {r["report_id"]: doc_id_of(r["url"]) for r in reports}
    report_of = {doc_of[r["report_id"]]: r for r in reports}
    pred: dict[str, list[dict]] = defaultdict(list)
    for row in indicators:
        pred[doc_of.get(row["report_id"], "")].append(row)
    tot: dict[str, float] = defaultdict(float)
    docs = {}
    for doc, m in sorted(meta.items()):
        gold_path = gold_dir / f"{doc}.csv"
        if not gold_path.exists():
            continue
        gold = read_csv(gold_path).to_dict("records")
        rows = sorted(pred.get(doc, []), key=lambda r: _value(r["char_start"]) or 0)
        free, pairs = list(rows), []
        for g in gold:
            gv = _value(g["value"])
            for i, p in enumerate(free):
                pv = _value(p["value"])
                if gv is not None and pv is not None and p["unit"] == g["unit"] and math.isclose(pv, gv, rel_tol=1e-6):
                    pairs.append((g, p))
                    del free[i]
                    break
        tot["gold"] += len(gold)
        tot["pred"] += len(rows)
        tot["matched"] += len(pairs)
        for f in ("indicator", "qualifier", "period"):
            tot[f] += sum(g[f] == p[f] for g, p in pairs)
        rep = report_of.get(doc, {})
        if m.get("city"):
            tot["city_total"] += 1
            tot["city_ok"] += _place(rep.get("district") or rep.get("city", "")) == _place(m["city"]) or _place(
                rep.get("city", "")
            ) == _place(m["city"])
        if m.get("publish_date"):
            tot["date_total"] += 1
            tot["date_ok"] += (
                bool(rep.get("publish_date")) and rep["publish_date"][: len(m["publish_date"])] == m["publish_date"]
            )
        matched = {id(g) for g, _ in pairs}
        docs[doc] = {
            "missed": [g["mention"] for g in gold if id(g) not in matched],
            "false": [p["mention"] for p in free],
            "wrong": [(g["mention"], f, g[f], p[f]) for g, p in pairs for f in ("indicator", "period") if g[f] != p[f]],
        }

    def ratio(a: str, b: str) -> float:
        return round(tot[a] / tot[b], 4) if tot[b] else 0.0

    return {
        "summary": {
            "gold": int(tot["gold"]),
            "pred": int(tot["pred"]),
            "matched": int(tot["matched"]),
            "precision": ratio("matched", "pred"),
            "recall": ratio("matched", "gold"),
            "indicator_acc": ratio("indicator", "matched"),
            "qualifier_acc": ratio("qualifier", "matched"),
            "period_acc": ratio("period", "matched"),
            "city_acc": ratio("city_ok", "city_total"),
            "date_acc": ratio("date_ok", "date_total"),
        },
        "documents": docs,
    }


def print_score(data_dir: Path, gold_dir: Path, show: int = 10) -> int:
    result = score(data_dir, gold_dir)
    for doc, d in result["documents"].items():
        print(doc)
        for key in ("missed", "false", "wrong"):
            for item in d[key][:show]:
                print(f"  {key}: {item}")
    print(" ".join(f"{k}={v}" for k, v in result["summary"].items()))
    return 0
