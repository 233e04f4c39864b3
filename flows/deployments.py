"""The project's Prefect deployments of the `ingest` flow: schedules, default parameters, concurrency, tags.

One list (DEPLOYMENTS) feeds `changai serve`; prefect.yaml at the repo root repeats it for the work-pool
route, and tests/test_deployments.py checks the two agree. Reads and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TIMEZONE = "Asia/Shanghai"  # publishers' and users' clock; cron times below are local times there
CONCURRENCY_LIMIT = 1
# CANCEL_NEW: a run that comes due while the previous run of the same deployment is still going is
# cancelled, not queued — a late run never piles up behind a slow one (the next day's run catches up).
COLLISION_STRATEGY = "CANCEL_NEW"
TAGS = ("changai", "ingest")


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    cron: str
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()


DEPLOYMENTS = (
    DeploymentSpec(
        name="daily",
        cron="30 6 * * *",
        description=(
            "Every day at 06:30 Asia/Shanghai: read every enabled source in sources.toml, keep the raw "
            "documents, extract every figure, validate, append today's snapshot and rebuild the current tables. "
            "Run it by hand with parameters: sources, since/until, reprocess, dry_run."
        ),
        tags=("daily",),
    ),
    DeploymentSpec(
        name="weekly-reprocess",
        cron="0 3 * * 0",
        description=(
            "Sundays at 03:00 Asia/Shanghai: re-parse every stored raw document (no fetching) so a parser or "
            "extractor upgrade reaches all past reports; changed figures are retracted and re-added in the snapshot."
        ),
        parameters={"reprocess": True},
        tags=("weekly", "reprocess"),
    ),
)


def deployment_parameters(spec: DeploymentSpec, data_dir: Path | str) -> dict[str, Any]:
    return {"data_dir": str(data_dir), **spec.parameters}


def build_deployments(data_dir: Path | str) -> list[Any]:
    """RunnerDeployments for `serve`, with the data dir made absolute (runs start in other directories)."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.ingest import ingest

    data_dir = Path(data_dir).resolve()
    return [
        ingest.to_deployment(
            name=spec.name,
            schedules=[Cron(spec.cron, timezone=TIMEZONE)],
            parameters=deployment_parameters(spec, data_dir),
            concurrency_limit=ConcurrencyLimitConfig(
                limit=CONCURRENCY_LIMIT, collision_strategy=ConcurrencyLimitStrategy(COLLISION_STRATEGY)
            ),
            description=spec.description,
            tags=[*TAGS, *spec.tags],
            # flows.ingest.ingest rather than a file path: works for an installed changai from any directory
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        for spec in DEPLOYMENTS
    ]
