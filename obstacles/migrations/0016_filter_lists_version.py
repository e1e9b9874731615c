"""The version of what the log's filters list, kept by the database (headway.forms.
ChoicesReadTogether reads it, obstacles.forms.LogFilterForm names it).

The log's filters list every team (twice), quarter and problem, the people who own an
obstacle and the teams' leaders: some 450 options at 200 teams, read from the database at
each request. Each app server keeps the lists it read with the version they were read at,
and reads them again only when the version has changed. The version changes in the same
transaction as anything those lists show: triggers on the tables, so that no write (a form,
the admin, a bulk update, the API, single sign-on updating a name) can be forgotten. Each
version is a random number, never one that followed another: a rolled-back change does not
give its value to the next one, and a database restored from a backup (whose sequences would
count again from the backup's values) holds the version its lists had then.

Only changes to what is listed move it: a team's name, slug or leader, a quarter's label or
start, a problem's title, a person's name, the people who own obstacles: an obstacle logged
or removed moves it only when someone starts or stops owning any, one handed to someone else
always does. The tests build their database from the models, then run SQL (tests/conftest.py).
"""

from django.db import migrations

SQL = r"""
-- A random number below 2^53: no two the same in practice, none 0.
CREATE FUNCTION obstacles_filter_lists_new_version() RETURNS bigint LANGUAGE sql AS $$
    SELECT 1 + floor(random() * 9007199254740990)::bigint
$$;
CREATE TABLE obstacles_filter_lists (version bigint NOT NULL);
INSERT INTO obstacles_filter_lists VALUES (obstacles_filter_lists_new_version());

CREATE FUNCTION obstacles_filter_lists_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE obstacles_filter_lists SET version = obstacles_filter_lists_new_version();
    RETURN NULL;
END $$;

-- Someone owns an obstacle now who owned none before the statement.
CREATE FUNCTION obstacles_owners_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM (SELECT DISTINCT owner_id FROM added WHERE owner_id IS NOT NULL) a
        WHERE NOT EXISTS (
            SELECT 1 FROM obstacles_obstacle o
            WHERE o.owner_id = a.owner_id AND o.id NOT IN (SELECT id FROM added)
        )
    ) THEN
        UPDATE obstacles_filter_lists SET version = obstacles_filter_lists_new_version();
    END IF;
    RETURN NULL;
END $$;

-- Someone who owned an obstacle owns none now.
CREATE FUNCTION obstacles_owners_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM (SELECT DISTINCT owner_id FROM removed WHERE owner_id IS NOT NULL) r
        WHERE NOT EXISTS (SELECT 1 FROM obstacles_obstacle o WHERE o.owner_id = r.owner_id)
    ) THEN
        UPDATE obstacles_filter_lists SET version = obstacles_filter_lists_new_version();
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER filter_lists_owners_added AFTER INSERT ON obstacles_obstacle
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION obstacles_owners_added();
CREATE TRIGGER filter_lists_owners_removed AFTER DELETE ON obstacles_obstacle
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION obstacles_owners_removed();
-- Handed to someone else: rarely a change of who owns any obstacle, but nothing cheaper tells.
CREATE TRIGGER filter_lists_owner_changed AFTER UPDATE OF owner_id ON obstacles_obstacle
    FOR EACH ROW WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id)
    EXECUTE FUNCTION obstacles_filter_lists_changed();
CREATE TRIGGER filter_lists_owners_truncated AFTER TRUNCATE ON obstacles_obstacle
    FOR EACH STATEMENT EXECUTE FUNCTION obstacles_filter_lists_changed();

CREATE TRIGGER filter_lists_teams AFTER INSERT OR DELETE OR TRUNCATE ON objectives_team
    FOR EACH STATEMENT EXECUTE FUNCTION obstacles_filter_lists_changed();
CREATE TRIGGER filter_lists_team_changed AFTER UPDATE ON objectives_team FOR EACH ROW
    WHEN (
        OLD.name IS DISTINCT FROM NEW.name OR OLD.slug IS DISTINCT FROM NEW.slug
        OR OLD.leader_id IS DISTINCT FROM NEW.leader_id
    )
    EXECUTE FUNCTION obstacles_filter_lists_changed();

CREATE TRIGGER filter_lists_quarters AFTER INSERT OR DELETE OR TRUNCATE ON objectives_quarter
    FOR EACH STATEMENT EXECUTE FUNCTION obstacles_filter_lists_changed();
CREATE TRIGGER filter_lists_quarter_changed AFTER UPDATE ON objectives_quarter FOR EACH ROW
    WHEN (OLD.label IS DISTINCT FROM NEW.label OR OLD.start IS DISTINCT FROM NEW.start)
    EXECUTE FUNCTION obstacles_filter_lists_changed();

CREATE TRIGGER filter_lists_problems AFTER INSERT OR DELETE OR TRUNCATE ON objectives_problem
    FOR EACH STATEMENT EXECUTE FUNCTION obstacles_filter_lists_changed();
CREATE TRIGGER filter_lists_problem_changed AFTER UPDATE ON objectives_problem FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title)
    EXECUTE FUNCTION obstacles_filter_lists_changed();

CREATE TRIGGER filter_lists_people AFTER DELETE OR TRUNCATE ON auth_user
    FOR EACH STATEMENT EXECUTE FUNCTION obstacles_filter_lists_changed();
CREATE TRIGGER filter_lists_person_renamed AFTER UPDATE ON auth_user FOR EACH ROW
    WHEN (
        OLD.first_name IS DISTINCT FROM NEW.first_name
        OR OLD.last_name IS DISTINCT FROM NEW.last_name
        OR OLD.username IS DISTINCT FROM NEW.username
    )
    EXECUTE FUNCTION obstacles_filter_lists_changed();
"""

REVERSE_SQL = r"""
DROP TRIGGER filter_lists_owners_added ON obstacles_obstacle;
DROP TRIGGER filter_lists_owners_removed ON obstacles_obstacle;
DROP TRIGGER filter_lists_owner_changed ON obstacles_obstacle;
DROP TRIGGER filter_lists_owners_truncated ON obstacles_obstacle;
DROP TRIGGER filter_lists_teams ON objectives_team;
DROP TRIGGER filter_lists_team_changed ON objectives_team;
DROP TRIGGER filter_lists_quarters ON objectives_quarter;
DROP TRIGGER filter_lists_quarter_changed ON objectives_quarter;
DROP TRIGGER filter_lists_problems ON objectives_problem;
DROP TRIGGER filter_lists_problem_changed ON objectives_problem;
DROP TRIGGER filter_lists_people ON auth_user;
DROP TRIGGER filter_lists_person_renamed ON auth_user;
DROP FUNCTION obstacles_owners_added();
DROP FUNCTION obstacles_owners_removed();
DROP FUNCTION obstacles_filter_lists_changed();
DROP TABLE obstacles_filter_lists;
DROP FUNCTION obstacles_filter_lists_new_version();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("objectives", "0009_team_standing"),
        ("obstacles", "0015_active_search_index"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
