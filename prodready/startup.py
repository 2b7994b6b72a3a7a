"""What `serve` does before taking traffic: migrate, load content, seed demo data."""

from __future__ import annotations

from prodready import migrate
from prodready.accounts import passwords
from prodready.db import Database
from prodready.observability import configure_logging, get_logger
from prodready.settings import Settings


def prepare(settings: Settings, *, demo: bool = False) -> Database:
    configure_logging(settings.log_level, json_lines=settings.log_json)
    log = get_logger("prodready.startup")
    passwords.configure(time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib)
    settings.signing_key()  # generated now (locally) so every worker process reads the same key
    database = Database.from_url(settings.resolved_database_url)
    migrate.upgrade_to_head(database.engine)
    log.info("schema ready", revision=migrate.current_revision(database.engine), dialect=database.dialect)
    sync_content(settings, database)
    if demo:
        from prodready.demo import seed_demo

        emails = seed_demo(database)
        log.info("demo data ready", users=emails)
    return database


def sync_content(settings: Settings, database: Database) -> None:
    """Load the question files and sync them; a broken file is logged, never fatal."""
    from question_bank.loader import load_bank
    from question_bank.sync import sync_bank

    log = get_logger("prodready.startup")
    bank = load_bank(settings.bank_dir)
    for error in bank.errors:
        log.warning("question file problem", problem=error.format())
    with database.unit_of_work() as session:
        report = sync_bank(session, bank)
    log.info("question bank synced", summary=report.summary(), content_version=report.content_version)
