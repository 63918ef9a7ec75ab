"""Document numbers from one PostgreSQL sequence per prefix and year (see numbering.py)."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION opms_document_numbers(p_prefix text, p_year integer, p_count integer)
RETURNS SETOF bigint LANGUAGE plpgsql AS $$
DECLARE
    sequence_name text := format('opms_number_%s_%s', lower(p_prefix), p_year);
    sequence_oid oid;
    start_at bigint;
BEGIN
    -- Looked up with a catalog query (a fresh snapshot per statement) and used by oid:
    -- a name looked up through the catalog cache can miss a sequence another session
    -- created a moment ago.
    SELECT c.oid INTO sequence_oid FROM pg_class c
     WHERE c.relname = sequence_name AND c.relkind = 'S'
       AND c.relnamespace = current_schema()::regnamespace;
    IF sequence_oid IS NULL THEN
        -- The first caller of the year creates the sequence; a concurrent one waits here
        -- until that transaction ends, then finds it (or creates it if that one rolled back).
        PERFORM pg_advisory_xact_lock(hashtext(sequence_name));
        SELECT c.oid INTO sequence_oid FROM pg_class c
         WHERE c.relname = sequence_name AND c.relkind = 'S'
           AND c.relnamespace = current_schema()::regnamespace;
        IF sequence_oid IS NULL THEN
            SELECT coalesce(max(last_value), 0) + 1 INTO start_at
              FROM core_documentsequence WHERE prefix = p_prefix AND year = p_year;
            EXECUTE format('CREATE SEQUENCE %I START WITH %s', sequence_name, start_at);
            sequence_oid := sequence_name::regclass;
        END IF;
    END IF;
    RETURN QUERY SELECT nextval(sequence_oid::regclass) FROM generate_series(1, p_count);
END
$$;
"""

DROP = "DROP FUNCTION IF EXISTS opms_document_numbers(text, integer, integer);"


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_pending_task")]

    operations = [migrations.RunPython(create_function, drop_function, elidable=False)]
