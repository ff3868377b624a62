"""Alembic environment: runs migrations on the URL that governance.migrate put in the config."""

from alembic import context

from governance.db import make_engine
from governance.models import Base

config = context.config
target_metadata = Base.metadata

# Search structures are written by hand in their migrations (SQLite FTS5 virtual tables and
# their shadow tables, PostgreSQL generated tsvector columns and their GIN indexes) and have no
# model; their names start with this prefix so that autogenerate and `asamblea db check` leave
# them alone.
HAND_MADE_PREFIX = "search_"


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    # Tables are left out before they are reflected (an FTS5 virtual table reflects poorly).
    return not (type_ == "table" and name and name.startswith(HAND_MADE_PREFIX))


def include_object(obj: object, name: str | None, type_: str, reflected: bool,
                   compare_to: object) -> bool:
    # A hand-made column or index exists in the database only; a model's own `search_text`
    # column has a counterpart and is compared as usual.
    return not (reflected and compare_to is None and type_ in ("column", "index")
                and name and name.startswith(HAND_MADE_PREFIX))


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    engine = engine.execution_options(asamblea_write=True)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=include_name,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Asamblea runs migrations online only: asamblea db upgrade")
run_migrations_online()
