"""What people do in mentoring: transactional and idempotent.

* ``participation``: join and withdraw, save a mentee profile or a mentor offer;
* ``pool``: a programme's mentors and mentees as the engine's profiles;
* ``asking``: suggestions, send, accept, decline and withdraw a request;
* ``scan``: the scheduled reminder and expiry of waiting requests;
* ``cohort``: the staff's table of suggested pairs, checked and confirmed.
"""
