"""Personal data: what Curbside holds about a learner, the export of all of
it as JSON, and self-service account deletion.

Deletion keeps what accreditors require (issued certificates, for 6 years from
issue, with the minimum needed to verify them) and removes everything else, in
one transaction. See docs/privacy.md for the rules and their reasons.

* ``retention``: how long a kept certificate is kept.
* ``plan``: the ``DeletionPlan`` of an account: who may delete it, what we
  hold, what deletion keeps (and until when) and what it removes. Computed by
  ``plan_deletion`` alone; the pages show it, ``deletion`` carries it out and
  ``purge`` removes what it kept once retention ends.
* ``export``: the JSON export.
* ``deletion``: account deletion at the learner's request.
* ``purge``: removing kept records after retention.
* ``views``: the learner's pages (thin).
"""
