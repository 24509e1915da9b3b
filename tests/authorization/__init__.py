"""The authorization matrix: every URL of the site, for every role, with the
exact expected answer (test_matrix.py), and the hidden-field half of it
(test_hidden_fields.py). The roles and the Row type: axes.py; the rows:
rows.py and mentoring_rows.py; the expected answers: table.py and answers.py;
the data set: world.py and mentoring_world.py (the ``world`` fixture:
conftest.py)."""
