"""The hostile-input sweep: hypothesis posts hostile and random input to every public form and link.

test_forms.py and test_queries.py (marked `sweep`) send at least 200 examples per form and query
parameter, with a fixed seed, so CI sends the same input on every run. They run once, in the
PostgreSQL pass of scripts/test-both-databases (the SQLite pass deselects them with
-m "not sweep"): PostgreSQL is what production runs, and it is the stricter of the two for
hostile input: it refuses a NUL character in text and a number too big for a 32-bit integer
column, both of which SQLite stores without complaint, so an input that reaches the database
unchecked gives a 500 on PostgreSQL and passes unnoticed on SQLite.
test_limits.py (rate limits, CSRF) is not marked and runs in both passes.

To dig deeper by hand, raise the number of examples (the seed stays fixed; more examples explore
further along the same sequence):

    SWEEP_EXAMPLES=2000 .venv/bin/python -m tests.pgcluster run -- \
        .venv/bin/python -m pytest -p no:cacheprovider -m sweep tests/sweep -q

On SQLite the same works with DATABASE_URL=sqlite:///var/test.sqlite3 in front of pytest.
"""
